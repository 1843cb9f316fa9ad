import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from govhall.core.roles import Role
from govhall.core.workdays import is_workday
from govhall.queueing import selectors, services
from govhall.queueing.models import Appointment, Ticket, WindowPause
from govhall.queueing.serializers import (
    FiguresSerializer,
    IssueTicketInputSerializer,
    plain_issue_input,
)
from tests.factories import make_id_number
from tests.queueing.factories import QueueCategoryFactory, open_hall, staffed_window

pytestmark = pytest.mark.django_db
API = "/api/queueing"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def hall(center, department):
    open_hall(center, recall_cooldown_seconds=0, recall_limit=1)
    category = QueueCategoryFactory(center=center, prefix="A")
    window, staff = staffed_window(center, department, number="7", categories=[category])
    return category, window, staff


def test_issue_status_and_masking(api, hall, center):
    category, _w, _s = hall
    response = api.post(
        f"{API}/tickets/",
        {
            "category": category.pk,
            "phone": "13812345678",
            "id_number": make_id_number(3),
            "channel": "kiosk",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == "A001" and body["phone"] == "138****5678"
    assert body["id_number"].startswith("110") and "*" in body["id_number"]
    assert body["people_ahead"] == 0 and body["predicted_wait_seconds"] > 0
    status = api.get(f"{API}/tickets/{body['token']}/").json()
    assert status["state"] == "waiting"
    cancelled = api.post(f"{API}/tickets/{body['token']}/cancel/").json()
    assert cancelled["state"] == "cancelled"
    again = api.post(f"{API}/tickets/{body['token']}/cancel/")
    assert again.status_code == 409 and again.json()["code"] == "ticket_wrong_state"


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"category": "x"},
        {"category": 999999},
        {"category": 10**25},
        {"category": -(2**63) - 1},
        {"category": "99999999999999999999999"},
        {"category": None},
        {"channel": "transfer"},
        {"phone": "not a phone"},
        {"id_number": "110101199003074515"},
        {"priority_reason": "vip"},
        {"item": 999999},
    ],
)
def test_bad_issue_input_is_4xx_json_and_changes_nothing(api, hall, payload):
    category, _w, _s = hall
    data = (
        {"category": category.pk, **payload} if payload and "category" not in payload else payload
    )
    response = api.post(f"{API}/tickets/", data, format="json")
    assert 400 <= response.status_code < 500
    assert set(response.json()) == {"code", "message", "detail"}
    assert not Ticket.objects.exists()


def test_categories_and_board(api, hall, center):
    category, window, staff = hall
    services.issue_ticket(category=category, channel="kiosk")
    services.issue_ticket(category=category, channel="kiosk")
    rows = api.get(f"{API}/categories/", {"center": center.region_code}).json()
    assert [(r["prefix"], r["waiting"]) for r in rows] == [("A", 2)]
    services.call_next(window=window, staff=staff)
    board = api.get(f"{API}/board/", {"center": center.region_code}).json()
    assert board["calls"][0]["text"] == "请A001号到7号窗口办理"
    assert board["categories"][0]["waiting"] == 1
    assert api.get(f"{API}/board/", {"center": "abc"}).status_code == 400
    unknown = api.get(f"{API}/board/", {"center": "999999"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "center_not_found"


def test_window_cycle(api, hall):
    category, window, staff = hall
    services.issue_ticket(category=category, channel="kiosk")
    services.issue_ticket(category=category, channel="kiosk")
    api.force_authenticate(staff.user)
    base = f"{API}/windows/{window.pk}"
    called = api.post(f"{base}/call-next/").json()
    assert called["ticket"]["number"] == "A001" and called["waiting"] == 1
    busy = api.post(f"{base}/call-next/")
    assert busy.status_code == 409 and busy.json()["code"] == "busy"
    assert api.post(f"{base}/recall/").json()["recall_count"] == 1
    used_up = api.post(f"{base}/recall/")
    assert used_up.status_code == 409 and used_up.json()["code"] == "recall_limit"
    assert api.post(f"{base}/no-show/").json()["state"] == "no_show"
    assert api.post(f"{base}/finish/").json()["code"] == "no_current_ticket"
    api.post(f"{base}/call-next/")
    assert api.post(f"{base}/start/").json()["state"] == "serving"
    assert api.post(f"{base}/finish/").json()["state"] == "done"
    assert api.post(f"{base}/call-next/").json() == {"ticket": None, "waiting": 0}
    assert api.post(f"{base}/pause/", {"reason": "nap"}).status_code == 400
    assert api.post(f"{base}/pause/", {"reason": "break"}).json()["reason"] == "break"
    state = api.get(f"{base}/").json()
    assert state["paused"] and state["session_open"]
    assert api.post(f"{base}/resume/").json()["ended_at"]
    assert not api.post(f"{base}/session/close/").json()["session_open"]
    assert not WindowPause.objects.filter(ended_at__isnull=True).exists()


def test_issuing_a_ticket_costs_a_fixed_number_of_queries(
    api, hall, settings, django_assert_max_num_queries
):
    """Category with the settings; the number (one UPDATE … RETURNING); the ticket and its
    event; the calendar's version; the prediction in one read (plus the test's savepoint).
    From one of the hall's kiosks: an anonymous phone also pays the issuing limits' counters."""
    settings.GOVHALL_KIOSK_NETWORKS = ["127.0.0.1/32"]
    category, _w, _s = hall
    api.post(f"{API}/tickets/", {"category": category.pk, "channel": "kiosk"})
    with django_assert_max_num_queries(8):
        body = api.post(f"{API}/tickets/", {"category": category.pk, "channel": "kiosk"}).json()
    assert body["people_ahead"] == 1 and body["predicted_wait_seconds"] > 0


def test_a_terminal_call_and_finish_by_token_cost_a_fixed_number_of_queries(
    api, hall, django_assert_max_num_queries
):
    """Token, user, staff profile and permissions in two queries; the window with the settings
    and its state (`selectors.terminal_window`); the next ticket with the line's length in one;
    the finish as one conditional UPDATE, the feedback app's rating invitation as one read
    (settings, pad, an earlier invitation) and its INSERT."""
    category, window, staff = hall
    for _ in range(3):
        services.issue_ticket(category=category, channel="kiosk")
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff.user).key}")
    base = f"{API}/windows/{window.pk}"
    api.post(f"{base}/call-next/")  # the first call opens the window's session
    api.post(f"{base}/finish/")
    with django_assert_max_num_queries(9):
        assert api.post(f"{base}/call-next/").json()["waiting"] == 1
    with django_assert_max_num_queries(10):
        assert api.post(f"{base}/finish/").json()["state"] == "done"


def test_transfer_api(api, hall, center):
    category, window, staff = hall
    other = QueueCategoryFactory(center=center, prefix="B")
    services.issue_ticket(category=category, channel="kiosk")
    api.force_authenticate(staff.user)
    api.post(f"{API}/windows/{window.pk}/call-next/")
    assert api.post(f"{API}/windows/{window.pk}/transfer/", {}).status_code == 400
    assert (
        api.post(f"{API}/windows/{window.pk}/transfer/", {"to_category": 999999}).status_code == 404
    )
    moved = api.post(f"{API}/windows/{window.pk}/transfer/", {"to_category": other.pk}).json()
    assert (moved["number"], moved["state"], moved["category"]) == ("A001", "waiting", other.name)


@pytest.mark.parametrize("who", ["anonymous", "wrong_role", "other_window", "other_center"])
def test_window_api_refusals_change_nothing(api, hall, center, department, make_user, who):
    category, window, _staff = hall
    services.issue_ticket(category=category, channel="kiosk")
    if who == "wrong_role":
        api.force_authenticate(make_user(Role.LEADER, department=department))
    elif who == "other_window":
        api.force_authenticate(staffed_window(center, department)[1].user)
    elif who == "other_center":
        from tests.factories import CenterFactory, DepartmentFactory

        elsewhere = CenterFactory()
        api.force_authenticate(
            staffed_window(elsewhere, DepartmentFactory(center=elsewhere))[1].user
        )
    response = api.post(f"{API}/windows/{window.pk}/call-next/")
    assert response.status_code in (401, 403)
    assert Ticket.objects.get().state == Ticket.State.WAITING


def test_appointments_api(api, hall):
    category, _w, _s = hall
    day = timezone.localdate(selectors.now()) + dt.timedelta(days=1)
    while not is_workday(day):
        day += dt.timedelta(days=1)
    slots = api.get(
        f"{API}/appointments/slots/", {"category": category.pk, "date": day.isoformat()}
    ).json()
    assert (
        slots[0]["start"] == "09:00:00" and slots[0]["available"] == category.appointment_capacity
    )
    person = {"phone": "13600000000", "id_number": make_id_number(9)}
    booked = api.post(
        f"{API}/appointments/",
        {
            "category": category.pk,
            "date": day.isoformat(),
            "slot_start": "09:00",
            "name": "赵六",
            **person,
        },
    )
    assert booked.status_code == 201 and booked.json()["phone"] == "136****0000"
    code = booked.json()["code"]
    changed = api.post(
        f"{API}/appointments/{code}/change/",
        {**person, "date": day.isoformat(), "slot_start": "10:00"},
    )
    assert changed.json()["slot_start"] == "10:00:00"
    early = api.post(f"{API}/appointments/{code}/check-in/", {"id_number": person["id_number"]})
    assert early.status_code == 409 and early.json()["code"] == "too_early"
    wrong = api.post(f"{API}/appointments/{code}/cancel/", {**person, "phone": "13600000001"})
    assert wrong.status_code == 404 and wrong.json()["code"] == "appointment_not_found"
    assert api.post(f"{API}/appointments/{code}/cancel/", person).json()["state"] == "cancelled"
    assert Appointment.objects.get().state == "cancelled"


def test_figures_and_monitor_api(api, hall, make_user, department):
    category, window, staff = hall
    services.issue_ticket(category=category, channel="kiosk")
    ticket = services.call_next(window=window, staff=staff)
    services.finish_ticket(ticket=ticket, window=window, staff=staff)
    today = timezone.localdate(selectors.now()).isoformat()
    api.force_authenticate(make_user(Role.UNIT_LEAD, department=department))
    data = api.get(f"{API}/figures/", {"start": today, "end": today, "dimension": "staff"}).json()
    assert data["total"]["tickets_served"] == 1
    assert set(data["total"]) == set(selectors.FIGURE_KEYS) == set(FiguresSerializer().fields)
    assert data["rows"][0]["key"] == str(staff.pk)
    assert data["outcomes"]["done"] == 1
    assert api.get(f"{API}/figures/", {"start": today, "end": "2000-01-01"}).status_code == 400
    monitor = api.get(f"{API}/monitor/").json()
    assert monitor["windows"][0]["status"] == "open"
    api.force_authenticate(make_user(Role.WINDOW_STAFF, department=department))
    assert api.get(f"{API}/monitor/").status_code == 403
    assert api.get(f"{API}/figures/", {"start": today, "end": today}).status_code == 403


def test_schema_lists_queue_endpoints(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    paths = [p for p in schema["paths"] if p.startswith("/api/queueing/")]
    assert len(paths) == 23


@pytest.mark.parametrize(
    "body",
    [
        {"category": 3},
        {"category": 3, "channel": "kiosk", "item": None},
        {"category": 3, "channel": "web", "priority_reason": "elderly", "item": 9},
        {"category": 3, "phone": "13812345678", "id_number": "", "priority_reason": ""},
        {"category": 3, "extra": "ignored"},
    ],
)
def test_a_plain_issue_body_is_read_as_the_serializer_reads_it(body):
    serializer = IssueTicketInputSerializer(data=body)
    assert serializer.is_valid()
    assert plain_issue_input(body) == serializer.validated_data


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"category": "3"},
        {"category": True},
        {"category": 3, "item": "9"},
        {"category": 3, "channel": "transfer"},
        {"category": 3, "channel": ""},
        {"category": 3, "priority_reason": "vip"},
        {"category": 3, "phone": " 13812345678"},
        {"category": 3, "phone": "1" * 21},
        {"category": 3, "phone": None},
        {"category": 3, "id_number": "11\x00"},
        [{"category": 3}],
    ],
)
def test_any_other_issue_body_is_left_to_the_serializer(body):
    assert plain_issue_input(body) is None


def test_a_form_encoded_issue_is_validated_by_the_serializer(api, hall):
    category, _w, _s = hall
    response = api.post(f"{API}/tickets/", {"category": category.pk, "channel": "kiosk"})
    assert response.status_code == 201 and response.json()["number"] == "A001"
    bad = api.post(f"{API}/tickets/", {"category": category.pk, "channel": "vip"})
    assert bad.status_code == 400 and "channel" in bad.json()["detail"]
    assert Ticket.objects.count() == 1
