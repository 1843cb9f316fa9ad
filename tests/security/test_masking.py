"""Whole ID numbers and phone numbers never reach those who do not need them.

A ticket and a case carry a citizen's whole ID number and phone; every page and API route that
answers a GET (lists included) is opened by the public, a leader and an inspector (who see the
whole centre but never act on a person's application), and none may show either number whole.
"""

import pytest

from govhall.cases.models import Case
from govhall.cases.services import accept_case
from govhall.core.roles import Role
from govhall.queueing.models import QueueCategory
from govhall.queueing.selectors import queue_settings
from govhall.queueing.services import issue_ticket
from tests.factories import ServiceItemFactory, make_id_number
from tests.security.urlwalk import all_routes

pytestmark = pytest.mark.django_db

ID_NUMBER = make_id_number(4242)
PHONE = "13912345678"
GET_ROUTES = [r for r in all_routes() if not r.is_admin and r.methods()[0] == "get"]


@pytest.fixture
def citizen_data(center, department):
    settings = queue_settings(center_id=center.pk)
    settings.enforce_opening_hours = False
    settings.save()
    item = ServiceItemFactory(center=center, department=department)
    category = QueueCategory.objects.create(center=center, prefix="A", name="综合")
    category.departments.add(department)
    category.items.add(item)
    ticket = issue_ticket(
        category=category, channel="kiosk", phone=PHONE, id_number=ID_NUMBER, item=item
    )
    case = accept_case(
        actor=None,
        item=item,
        applicant_type=Case.ApplicantType.PERSON,
        applicant_name="张三",
        phone=PHONE,
        id_number=ID_NUMBER,
    )
    return {"ticket": ticket, "case": case, "item": item, "category": category}


def _values(route, data) -> dict:
    return {
        "token": data["ticket"].token,
        "pk": data["case"].pk,
        "center": data["ticket"].center_id,
    }


@pytest.mark.parametrize("who", ["anonymous", Role.LEADER, Role.INSPECTOR])
def test_no_whole_identifiers_for_those_who_do_not_need_them(client, make_user, citizen_data, who):
    if who != "anonymous":
        client.force_login(make_user(who))
    leaks = []
    for route in GET_ROUTES:
        response = client.get(route.url(_values(route, citizen_data)))
        if response.status_code >= 500:
            leaks.append(f"{route.route}: {response.status_code}")
            continue
        if response.get("Content-Type", "").startswith(("text/", "application/json")):
            body = response.content.decode("utf-8", "replace")
            for label, secret in (("ID number", ID_NUMBER), ("phone", PHONE)):
                if secret in body:
                    leaks.append(f"{route.route} shows the whole {label}")
    assert not leaks, leaks
