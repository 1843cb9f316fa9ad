"""数据大屏: the day's figures from the apps' own selectors, as a page and as JSON."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from govhall.performance import selectors
from govhall.queueing.models import Ticket
from govhall.queueing.services import issue_ticket
from tests.cases.factories import accept
from tests.factories import DepartmentFactory, ServiceItemFactory
from tests.queueing.factories import QueueCategoryFactory, open_hall

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall(center):
    open_hall(center)
    tax = DepartmentFactory(center=center, name="税务局")
    water = DepartmentFactory(center=center, name="水利局")
    DepartmentFactory(center=center, name="气象局")
    for department, n in ((tax, 1), (water, 2)):
        item = ServiceItemFactory(center=center, department=department)
        for _ in range(n):
            accept(item)
    accept(ServiceItemFactory(center=center, department=tax), day=dt.date(2026, 3, 2))
    category = QueueCategoryFactory(center=center)
    for _ in range(3):
        issue_ticket(category=category, channel=Ticket.Channel.KIOSK)
    return center


def test_the_day_in_the_hall(hall):
    data = selectors.lobby_figures(center_id=hall.pk, day=timezone.localdate())
    assert data["tickets"]["tickets_issued"] == 3
    assert data["tickets"]["tickets_served"] == 0
    assert data["waiting"] == 3
    assert sum(row["issued"] for row in data["hourly"]) == 3
    assert data["cases"] == {"accepted": 3, "completed": 0}
    assert data["departments"] == [
        {"name": "水利局", "accepted": 2, "completed": 0},
        {"name": "税务局", "accepted": 1, "completed": 0},
    ]
    assert data["ratings"]["total"] == 0
    assert data["ratings"]["good_rate"] is None


def test_another_day_counts_its_own(hall):
    data = selectors.lobby_figures(center_id=hall.pk, day=dt.date(2026, 3, 2))
    assert data["cases"]["accepted"] == 1
    assert data["tickets"]["tickets_issued"] == 0


def test_the_screen_is_public_and_polls_one_json_endpoint(hall):
    client = Client()
    page = client.get(f"/performance/lobby/?center={hall.region_code}")
    assert page.status_code == 200
    body = page.content.decode()
    assert f"/performance/lobby/data/?center={hall.region_code}" in body
    assert "vendor/echarts/echarts.min.js" in body and "<script>" not in body
    data = client.get(f"/performance/lobby/data/?center={hall.region_code}").json()
    assert data["waiting"] == 3 and data["cases"]["accepted"] == 3


def test_an_unknown_centre_is_not_found(hall):
    assert Client().get("/performance/lobby/data/?center=999999").status_code == 404
