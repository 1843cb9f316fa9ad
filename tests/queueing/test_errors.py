"""The queue's refusals answer the codes of `QueueError` (docs/architecture.md lists them); the
ones the services' other tests do not already name."""

import datetime as dt
import uuid

import pytest
from django.db import IntegrityError
from rest_framework.test import APIClient

from govhall.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from govhall.core.roles import Role
from govhall.queueing import services
from govhall.queueing.errors import QueueError
from govhall.queueing.models import Ticket
from govhall.queueing.services import calling, issuing
from tests.factories import CenterFactory, DepartmentFactory, ServiceItemFactory
from tests.queueing.factories import QueueCategoryFactory, at, open_hall, staffed_window

pytestmark = pytest.mark.django_db

API = "/api/queueing"
DAY = dt.date(2026, 11, 24)  # a Tuesday
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def hall(center, department):
    open_hall(center)
    category = QueueCategoryFactory(center=center, prefix="A")
    window, staff = staffed_window(center, department, number="3", categories=[category])
    return category, window, staff


def issue(category, **kwargs):
    return services.issue_ticket(category=category, **{"channel": Ticket.Channel.KIOSK, **kwargs})


def refused(kind, call):
    with pytest.raises(kind) as caught:
        call()
    return caught.value.code


def test_the_codes_the_kiosk_and_terminal_read_keep_their_values_and_kinds():
    assert (QueueError.PAUSED, QueueError.PAUSED.status) == ("paused", 409)
    assert issubclass(QueueError.PAUSED.error, InvalidTransition)
    assert (QueueError.BUSY, QueueError.BUSY.error) == ("busy", Conflict)
    assert (QueueError.CAPACITY_REACHED, QueueError.CAPACITY_REACHED.error) == (
        "capacity_reached",
        Conflict,
    )


def test_issuing_refusals(hall, center):
    category, _w, _s = hall
    item = ServiceItemFactory(center=center)
    foreign = ServiceItemFactory(center=CenterFactory())
    assert refused(ValidationFailed, lambda: issue(category, channel="vip")) == "channel_invalid"
    assert (
        refused(ValidationFailed, lambda: issue(category, priority_reason="vip"))
        == "priority_invalid"
    )
    assert refused(ValidationFailed, lambda: issue(category, item=item)) == "item_not_in_category"
    assert refused(NotFound, lambda: issue(category, item=foreign)) == "other_center"
    category.is_active = False
    category.save()
    assert refused(InvalidTransition, lambda: issue(category)) == "category_inactive"
    assert not Ticket.objects.exists()


def test_a_number_taken_at_the_same_moment_is_a_conflict(hall, monkeypatch):
    category, _w, _s = hall

    def clash(row):
        raise IntegrityError("duplicate number")

    monkeypatch.setattr(issuing, "insert", clash)
    assert refused(Conflict, lambda: issue(category)) == "number_conflict"


def test_a_ticket_another_window_called_first_is_a_conflict(hall, monkeypatch):
    category, window, staff = hall
    issue(category)
    monkeypatch.setattr(calling, "_update", lambda *args: 0)
    call = lambda: services.call_next(window=window, staff=staff)  # noqa: E731
    assert refused(Conflict, call) == "taken"


def test_transfer_refusals(hall, center, department):
    category, window, staff = hall
    issue(category)
    ticket = services.call_next(window=window, staff=staff)
    elsewhere = CenterFactory()
    foreign_window, _foreign_staff = staffed_window(elsewhere, DepartmentFactory(center=elsewhere))
    closed = QueueCategoryFactory(center=center, prefix="Z", is_active=False)

    def transfer(**to):
        return lambda: services.transfer_ticket(ticket=ticket, window=window, staff=staff, **to)

    assert refused(ValidationFailed, transfer()) == "target_required"
    assert refused(ValidationFailed, transfer(to_window=window)) == "same_window"
    assert refused(NotFound, transfer(to_window=foreign_window)) == "other_center"
    assert refused(InvalidTransition, transfer(to_category=closed)) == "category_inactive"
    ticket.refresh_from_db()
    assert ticket.state == Ticket.State.CALLED


def test_a_ticket_that_is_gone_is_not_found():
    gone = lambda: services.cancel_ticket(ticket=Ticket(pk=999_999))  # noqa: E731
    assert refused(NotFound, gone) == "ticket_not_found"


def test_an_appointment_that_does_not_validate(hall):
    category, _w, _s = hall
    book = lambda: services.book_appointment(  # noqa: E731
        category=category,
        date=DAY,
        slot_start=dt.time(9, 30),
        name="李四",
        phone="139",
        id_number="x",
        at=at(8, day=DAY),
    )
    with pytest.raises(ValidationFailed) as caught:
        book()
    assert caught.value.code == "input_invalid" and "phone" in caught.value.detail


def test_the_apis_not_found_codes(hall):
    _category, _w, _s = hall
    api = APIClient()
    ticket = api.get(f"{API}/tickets/{uuid.uuid4()}/")
    assert (ticket.status_code, ticket.json()["code"]) == (404, "ticket_not_found")
    issued = api.post(f"{API}/tickets/", {"category": 999_999, "channel": "kiosk"})
    assert (issued.status_code, issued.json()["code"]) == (404, "category_not_found")
    slots = api.get(f"{API}/appointments/slots/", {"category": 999_999, "date": "2026-11-24"})
    assert (slots.status_code, slots.json()["code"]) == (404, "category_not_found")
    assert not Ticket.objects.exists()


def test_the_window_api_refuses_who_does_not_work_the_window(hall, center, department, make_user):
    category, window, _staff = hall
    issue(category)
    api = APIClient()
    call = f"{API}/windows/{window.pk}/call-next/"
    api.force_authenticate(make_user(Role.WINDOW_STAFF))  # no staff profile
    assert (api.post(call).status_code, api.post(call).json()["code"]) == (403, "no_staff_profile")
    api.force_authenticate(staffed_window(center, department)[1].user)
    assert (api.post(call).status_code, api.post(call).json()["code"]) == (403, "not_assigned")
    assert Ticket.objects.get().state == Ticket.State.WAITING


def test_the_monitor_and_figures_need_a_center(make_user):
    api = APIClient()
    api.force_authenticate(make_user(Role.CENTER_ADMIN, user_center=None))
    for response in (
        api.get(f"{API}/monitor/"),
        api.get(f"{API}/figures/", {"start": "2026-11-24", "end": "2026-11-24"}),
    ):
        assert (response.status_code, response.json()["code"]) == (403, "no_center")


def test_the_pages_codes(client, hall, center, department, make_user):
    _category, window, staff = hall
    kiosk = client.get("/queue/", {"center": "999999"}, **JSON)
    assert (kiosk.status_code, kiosk.json()["code"]) == (404, "center_not_found")
    status = client.get(f"/queue/t/{uuid.uuid4()}/", **JSON)
    assert (status.status_code, status.json()["code"]) == (404, "ticket_not_found")
    cancel = client.post(f"/queue/t/{uuid.uuid4()}/cancel/", **JSON)
    assert (cancel.status_code, cancel.json()["code"]) == (404, "ticket_not_found")
    client.force_login(staff.user)
    action = client.post(f"/queue/terminal/{window.pk}/explode/", **JSON)
    assert (action.status_code, action.json()["code"]) == (404, "unknown_action")
    client.force_login(make_user(Role.WINDOW_STAFF))
    terminal = client.post(f"/queue/terminal/{window.pk}/call/", **JSON)
    assert (terminal.status_code, terminal.json()["code"]) == (403, "no_staff_profile")
    client.force_login(staffed_window(center, department)[1].user)
    terminal = client.post(f"/queue/terminal/{window.pk}/call/", **JSON)
    assert (terminal.status_code, terminal.json()["code"]) == (403, "not_assigned")
    client.force_login(make_user(Role.CENTER_ADMIN, user_center=None))
    figures = client.get("/queue/figures/", **JSON)
    assert (figures.status_code, figures.json()["code"]) == (403, "no_center")


def test_the_schema_lists_the_queue_codes():
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    component = schema["components"]["schemas"]["QueueErrorCode"]
    assert component["enum"] == [member.value for member in QueueError]
    assert component["x-status"] == {member.value: member.status for member in QueueError}
    responses = schema["paths"]["/api/queueing/windows/{window_id}/call-next/"]["post"]["responses"]
    assert "`paused`" in responses["409"]["description"]
    assert "`busy`" in responses["409"]["description"]


def test_pausing_with_a_ticket_at_the_window_is_refused(hall):
    category, window, staff = hall
    issue(category)
    services.call_next(window=window, staff=staff)
    pause = lambda: services.pause_window(window=window, staff=staff, reason="meeting")  # noqa: E731
    assert refused(Conflict, pause) == "busy"
    assert not window.pauses.exists()
