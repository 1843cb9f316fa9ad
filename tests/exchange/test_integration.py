"""A real case, made through the cases app's services, reaches the province as it is."""

import datetime as dt

import pytest

from govhall.cases import services as cases
from govhall.core.models import OutboxEvent
from govhall.exchange.models import ReceivedEvent, RemoteCase
from tests.cases.factories import accept, at
from tests.exchange.test_worker import Receiver, drain
from tests.factories import DepartmentFactory, ServiceItemFactory

pytestmark = pytest.mark.django_db


def test_a_case_from_the_cases_app_arrives_with_its_state_and_times(center, remote, push_settings):
    department = DepartmentFactory(center=center, code="NYNC", name="农业农村局")
    item = ServiceItemFactory(center=center, department=department, name="种畜禽生产经营许可")
    case = accept(item, day=dt.date(2026, 5, 11))
    cases.start_review(actor=None, case=case, at=at(dt.date(2026, 5, 12)))
    cases.complete_case(actor=None, case=case, approved=True, at=at(dt.date(2026, 5, 13)))
    case.refresh_from_db()
    streams = set(OutboxEvent.objects.values_list("stream", flat=True))
    assert f"case:{case.number}" in streams
    drain(push_settings, Receiver())
    assert not OutboxEvent.objects.exclude(status=OutboxEvent.Status.SENT).exists()
    remote_case = RemoteCase.objects.get(remote=remote, case_number=case.number)
    assert remote_case.item_code == item.code
    assert remote_case.department_code == "NYNC"
    assert remote_case.region_code == center.region_code
    assert remote_case.state == case.state
    assert remote_case.result == case.result
    assert remote_case.accepted_at == case.accepted_at
    assert remote_case.due_date == case.due_date
    assert remote_case.completed_at == case.completed_at
    assert ReceivedEvent.objects.filter(stream=f"case:{case.number}").count() == (
        OutboxEvent.objects.filter(stream=f"case:{case.number}").count()
    )
