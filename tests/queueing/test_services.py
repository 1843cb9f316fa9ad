import datetime as dt
import uuid

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from govhall.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from govhall.queueing import hooks, selectors, services
from govhall.queueing.models import (
    Appointment,
    QueueSettings,
    Ticket,
    TicketEvent,
    WindowPause,
    WindowSession,
)
from tests.factories import make_id_number
from tests.queueing.factories import QueueCategoryFactory, at, open_hall, staffed_window

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 24)  # a Tuesday


@pytest.fixture
def hall(center, department):
    open_hall(center, recall_cooldown_seconds=10, recall_limit=2)
    category = QueueCategoryFactory(center=center, prefix="A")
    window, staff = staffed_window(center, department, number="3", categories=[category])
    return category, window, staff


def issue(category, when, **kwargs):
    return services.issue_ticket(category=category, channel=Ticket.Channel.KIOSK, at=when, **kwargs)


def test_numbers_run_per_category_per_day_and_restart_next_day(hall, center):
    category, _window, _staff = hall
    other = QueueCategoryFactory(center=center, prefix="B")
    numbers = [issue(category, at(9, i, day=DAY)).number for i in range(3)]
    assert numbers == ["A001", "A002", "A003"]
    assert issue(other, at(9, 5, day=DAY)).number == "B001"
    assert issue(category, at(9, 0, day=DAY + dt.timedelta(days=1))).number == "A001"
    assert TicketEvent.objects.filter(kind=TicketEvent.Kind.ISSUED).count() == 5


def test_capacity_is_enforced(hall):
    category, _w, _s = hall
    category.daily_capacity = 2
    category.save()
    issue(category, at(9, day=DAY))
    issue(category, at(9, 1, day=DAY))
    with pytest.raises(Conflict) as full:
        issue(category, at(9, 2, day=DAY))
    assert full.value.code == "capacity_reached"
    assert Ticket.objects.count() == 2


def test_opening_hours_refuse_tickets_outside_sessions(hall, center):
    category, _w, _s = hall
    open_hall(center, enforce_opening_hours=True)
    with pytest.raises(InvalidTransition) as lunch:
        issue(category, at(12, 30, day=DAY))
    with pytest.raises(InvalidTransition) as saturday:
        issue(category, at(10, day=dt.date(2026, 11, 28)))
    assert lunch.value.code == saturday.value.code == "closed"
    assert issue(category, at(10, day=DAY)).number == "A001"


def test_bad_phone_or_id_number_is_refused_and_changes_nothing(hall):
    category, _w, _s = hall
    with pytest.raises(ValidationFailed) as phone:
        issue(category, at(9, day=DAY), phone="13800x")
    with pytest.raises(ValidationFailed) as id_number:
        issue(category, at(9, day=DAY), id_number="110101199003074515")
    assert phone.value.code == id_number.value.code == "input_invalid"
    assert "phone" in phone.value.detail and "id_number" in id_number.value.detail
    assert not Ticket.objects.exists()
    assert issue(category, at(9, day=DAY)).number == "A001"


def test_call_order_priority_then_appointment_then_time(hall):
    category, window, staff = hall
    first = issue(category, at(9, 0, day=DAY))
    priority = issue(category, at(9, 5, day=DAY), priority_reason=Ticket.Priority.ELDERLY)
    second = issue(category, at(9, 6, day=DAY))
    Appointment.objects.create(
        center=category.center,
        code="APPT0001",
        category=category,
        date=DAY,
        slot_start=dt.time(9, 30),
        slot_end=dt.time(10, 0),
        name="张三",
        phone="13800000000",
        id_number=make_id_number(1),
    )
    booked = services.check_in_appointment(
        code="APPT0001", id_number=make_id_number(1), at=at(9, 10, day=DAY)
    )
    assert booked.channel == Ticket.Channel.APPOINTMENT
    assert selectors.people_ahead(first, at=at(9, 11, day=DAY)) == 2
    order = []
    for minute in range(20, 24):
        ticket = services.call_next(window=window, staff=staff, at=at(9, minute, day=DAY))
        order.append(ticket.number)
        services.finish_ticket(
            ticket=ticket, window=window, staff=staff, at=at(9, minute, 30, day=DAY)
        )
    assert order == [priority.number, booked.number, first.number, second.number]
    assert services.call_next(window=window, staff=staff, at=at(10, day=DAY)) is None


def test_call_sets_department_and_wait_and_opens_session(hall):
    category, window, staff = hall
    ticket = issue(category, at(9, 0, day=DAY))
    called = services.call_next(window=window, staff=staff, at=at(9, 4, 30, day=DAY))
    assert called.pk == ticket.pk
    assert (called.state, called.window, called.staff, called.department_id) == (
        Ticket.State.CALLED,
        window,
        staff,
        staff.department_id,
    )
    assert called.wait_seconds == 270
    assert WindowSession.objects.filter(window=window, staff=staff, closed_at__isnull=True).exists()


def test_call_refused_while_busy_or_paused_or_not_assigned(hall, center, department):
    category, window, staff = hall
    issue(category, at(9, day=DAY))
    issue(category, at(9, 1, day=DAY))
    services.call_next(window=window, staff=staff, at=at(9, 2, day=DAY))
    with pytest.raises(Conflict) as busy:
        services.call_next(window=window, staff=staff, at=at(9, 3, day=DAY))
    assert busy.value.code == "busy"
    _other_window, stranger = staffed_window(center, department)
    with pytest.raises(PermissionDenied) as stranger_refused:
        services.call_next(window=window, staff=stranger, at=at(9, 3, day=DAY))
    assert stranger_refused.value.code == "not_assigned"
    stranger.active = False
    stranger.save()
    with pytest.raises(PermissionDenied) as gone:
        services.call_next(window=window, staff=stranger, at=at(9, 3, day=DAY))
    assert gone.value.code == "staff_inactive"
    assert Ticket.objects.filter(state=Ticket.State.WAITING).count() == 1


def test_recall_cooldown_limit_and_no_show(hall):
    category, window, staff = hall
    issue(category, at(9, day=DAY))
    ticket = services.call_next(window=window, staff=staff, at=at(9, 1, day=DAY))
    with pytest.raises(InvalidTransition) as early:
        services.mark_no_show(ticket=ticket, window=window, staff=staff, at=at(9, 1, 5, day=DAY))
    assert early.value.code == "recalls_left" and early.value.detail == {"recalls_left": 2}
    with pytest.raises(InvalidTransition) as cooldown:
        services.recall_ticket(ticket=ticket, window=window, staff=staff, at=at(9, 1, 5, day=DAY))
    assert cooldown.value.code == "recall_cooldown"
    services.recall_ticket(ticket=ticket, window=window, staff=staff, at=at(9, 1, 10, day=DAY))
    services.recall_ticket(ticket=ticket, window=window, staff=staff, at=at(9, 1, 30, day=DAY))
    with pytest.raises(InvalidTransition) as limit:
        services.recall_ticket(ticket=ticket, window=window, staff=staff, at=at(9, 2, day=DAY))
    assert limit.value.code == "recall_limit"
    ticket = services.mark_no_show(ticket=ticket, window=window, staff=staff, at=at(9, 3, day=DAY))
    assert ticket.state == Ticket.State.NO_SHOW
    assert list(ticket.events.values_list("kind", flat=True)) == [
        "issued",
        "called",
        "recalled",
        "recalled",
        "no_show",
    ]


def test_finish_runs_hooks_inside_transaction(hall):
    category, window, staff = hall
    seen = []

    def hook(*, ticket, actor):
        seen.append((ticket.number, ticket.state, actor))

    def failing(*, ticket, actor):
        raise RuntimeError("boom")

    issue(category, at(9, day=DAY))
    ticket = services.call_next(window=window, staff=staff, at=at(9, 1, day=DAY))
    services.start_ticket(ticket=ticket, window=window, staff=staff, at=at(9, 2, day=DAY))
    hooks.ticket_finished.register(hook)
    hooks.ticket_finished.register(failing)
    try:
        with pytest.raises(RuntimeError):
            services.finish_ticket(ticket=ticket, window=window, staff=staff, at=at(9, 5, day=DAY))
        ticket.refresh_from_db()
        assert ticket.state == Ticket.State.SERVING
        hooks.ticket_finished.unregister(failing)
        done = services.finish_ticket(
            ticket=ticket, window=window, staff=staff, at=at(9, 7, day=DAY)
        )
    finally:
        hooks.ticket_finished.unregister(hook)
        hooks.ticket_finished.unregister(failing)
    assert done.handling_seconds == 360
    assert seen[-1] == ("A001", Ticket.State.DONE, None)


def test_actions_on_another_windows_ticket_are_refused(hall, center, department):
    category, window, staff = hall
    other_window, other_staff = staffed_window(center, department, categories=[category])
    issue(category, at(9, day=DAY))
    ticket = services.call_next(window=window, staff=staff, at=at(9, 1, day=DAY))
    with pytest.raises(PermissionDenied) as elsewhere:
        services.finish_ticket(
            ticket=ticket, window=other_window, staff=other_staff, at=at(9, 2, day=DAY)
        )
    assert elsewhere.value.code == "other_window"
    with pytest.raises(PermissionDenied) as never_called:
        services.finish_ticket(
            ticket=services.cancel_ticket(
                ticket=issue(category, at(9, 3, day=DAY)), at=at(9, 3, day=DAY)
            ),
            window=window,
            staff=staff,
        )
    assert never_called.value.code == "other_window"


def test_transfer_keeps_number_and_place(hall, center, department):
    category, window, staff = hall
    other = QueueCategoryFactory(center=center, prefix="B")
    b_window, b_staff = staffed_window(center, department, number="5", categories=[other])
    issue(category, at(9, 0, day=DAY))
    later = issue(other, at(9, 10, day=DAY))
    ticket = services.call_next(window=window, staff=staff, at=at(9, 20, day=DAY))
    successor = services.transfer_ticket(
        ticket=ticket, window=window, staff=staff, to_category=other, at=at(9, 25, day=DAY)
    )
    ticket.refresh_from_db()
    assert ticket.state == Ticket.State.TRANSFERRED
    assert (successor.number, successor.queue_at, successor.state) == (
        "A001",
        ticket.queue_at,
        "waiting",
    )
    called = services.call_next(window=b_window, staff=b_staff, at=at(9, 26, day=DAY))
    assert called.pk == successor.pk
    assert called.wait_seconds == 60
    services.finish_ticket(ticket=called, window=b_window, staff=b_staff, at=at(9, 30, day=DAY))
    assert services.call_next(window=b_window, staff=b_staff, at=at(9, 31, day=DAY)).pk == later.pk
    figures = selectors.center_figures(center_id=center.pk, start=DAY, end=DAY)
    assert figures["tickets_issued"] == 2
    assert figures["tickets_called"] == 3


def test_transfer_to_window_waits_for_that_window_only(hall, center, department):
    category, window, staff = hall
    five, five_staff = staffed_window(center, department, number="5")
    issue(category, at(9, 0, day=DAY))
    ticket = services.call_next(window=window, staff=staff, at=at(9, 1, day=DAY))
    successor = services.transfer_ticket(
        ticket=ticket, window=window, staff=staff, to_window=five, at=at(9, 2, day=DAY)
    )
    assert services.call_next(window=window, staff=staff, at=at(9, 3, day=DAY)) is None
    assert (
        services.call_next(window=five, staff=five_staff, at=at(9, 3, day=DAY)).pk == successor.pk
    )


@pytest.mark.parametrize(
    "policy", [QueueSettings.ClosingPolicy.EXPIRE, QueueSettings.ClosingPolicy.CARRY_OVER]
)
def test_closing_policy(hall, center, policy):
    category, window, staff = hall
    open_hall(center, closing_policy=policy)
    old = issue(category, at(16, day=DAY))
    services.open_window_session(window=window, staff=staff, at=at(9, day=DAY))
    result = services.close_queue_day(center=center, day=DAY, at=at(17, 30, day=DAY))
    assert result["sessions_closed"] == 1
    again = services.close_queue_day(center=center, day=DAY, at=at(17, 31, day=DAY))
    assert sum(again.values()) == 0
    old.refresh_from_db()
    tomorrow = DAY + dt.timedelta(days=1)
    new = issue(category, at(9, 0, day=tomorrow))
    first = services.call_next(window=window, staff=staff, at=at(9, 1, day=tomorrow))
    if policy == QueueSettings.ClosingPolicy.EXPIRE:
        assert old.state == Ticket.State.EXPIRED
        assert first.pk == new.pk
    else:
        assert old.state == Ticket.State.WAITING and old.carried_over
        assert first.pk == old.pk


def test_expire_policy_hides_yesterdays_tickets_even_before_closing_runs(hall, center):
    category, window, staff = hall
    open_hall(center, closing_policy=QueueSettings.ClosingPolicy.EXPIRE)
    issue(category, at(16, day=DAY))
    assert (
        services.call_next(window=window, staff=staff, at=at(9, day=DAY + dt.timedelta(days=1)))
        is None
    )


def test_pause_and_resume(hall):
    category, window, staff = hall
    with pytest.raises(ValidationFailed) as no_reason:
        services.pause_window(window=window, staff=staff, reason="nap", at=at(10, day=DAY))
    assert no_reason.value.code == "pause_reason_invalid"
    with pytest.raises(ValidationFailed) as no_note:
        services.pause_window(
            window=window, staff=staff, reason=WindowPause.Reason.OTHER, at=at(10, day=DAY)
        )
    assert no_note.value.code == "note_required"
    with pytest.raises(InvalidTransition) as not_paused:
        services.resume_window(window=window, staff=staff, at=at(10, day=DAY))
    assert not_paused.value.code == "not_paused"
    pause = services.pause_window(
        window=window, staff=staff, reason=WindowPause.Reason.MEETING, at=at(10, day=DAY)
    )
    issue(category, at(10, 1, day=DAY))
    with pytest.raises(InvalidTransition) as calling:
        services.call_next(window=window, staff=staff, at=at(10, 2, day=DAY))
    with pytest.raises(InvalidTransition) as pausing:
        services.pause_window(
            window=window, staff=staff, reason=WindowPause.Reason.BREAK, at=at(10, 2, day=DAY)
        )
    assert calling.value.code == pausing.value.code == "paused"
    services.resume_window(window=window, staff=staff, at=at(10, 15, day=DAY))
    pause.refresh_from_db()
    assert pause.ended_at == at(10, 15, day=DAY)
    assert services.call_next(window=window, staff=staff, at=at(10, 16, day=DAY)) is not None


def test_sessions_take_over_and_close(hall, center, department):
    _category, window, staff = hall
    s1 = services.open_window_session(window=window, staff=staff, at=at(9, day=DAY))
    assert (
        services.open_window_session(window=window, staff=staff, at=at(9, 1, day=DAY)).pk == s1.pk
    )
    _w, colleague = staffed_window(center, department)
    colleague.windows.add(window)
    services.open_window_session(window=window, staff=colleague, at=at(10, day=DAY))
    s1.refresh_from_db()
    assert s1.closed_at == at(10, day=DAY)
    assert services.close_window_session(
        window=window, staff=colleague, at=at(11, day=DAY)
    ).closed_at == at(11, day=DAY)
    assert selectors.open_session(window) is None


class TestAppointments:
    NOW = at(8, 0, day=DAY)

    def book(self, category, n=1, slot=dt.time(9, 30), day=DAY, **kwargs):
        return services.book_appointment(
            category=category,
            date=day,
            slot_start=slot,
            name="李四",
            phone="13900000000",
            id_number=make_id_number(n),
            at=self.NOW,
            **kwargs,
        )

    def test_book_capacity_and_daily_limit(self, hall, center):
        category, _w, _s = hall
        category.appointment_capacity = 2
        category.save()
        open_hall(center, appointment_daily_limit=1)
        self.book(category, 1)
        self.book(category, 2)
        with pytest.raises(Conflict) as full:
            self.book(category, 3)
        assert full.value.code == "slot_full"
        with pytest.raises(Conflict) as limit:
            self.book(category, 1, slot=dt.time(10, 0))
        assert limit.value.code == "daily_limit"
        assert Appointment.objects.count() == 2

    @pytest.mark.parametrize(
        "day,slot,code",
        [
            (DAY - dt.timedelta(days=1), dt.time(9, 30), "day_not_bookable"),
            (DAY + dt.timedelta(days=30), dt.time(9, 30), "day_not_bookable"),
            (dt.date(2026, 11, 28), dt.time(9, 30), "day_not_bookable"),
            (DAY, dt.time(9, 15), "slot_invalid"),
            (DAY, dt.time(12, 0), "slot_invalid"),
            (DAY, dt.time(8, 0), "slot_invalid"),
        ],
    )
    def test_bad_slots_are_refused(self, hall, day, slot, code):
        category, _w, _s = hall
        with pytest.raises(ValidationFailed) as refused:
            self.book(category, day=day, slot=slot)
        assert refused.value.code == code
        assert not Appointment.objects.exists()

    def test_a_slot_already_begun_or_a_category_without_appointments_is_refused(self, hall):
        category, _w, _s = hall
        with pytest.raises(ValidationFailed) as begun:
            services.book_appointment(
                category=category,
                date=DAY,
                slot_start=dt.time(9, 0),
                name="李四",
                phone="13900000000",
                id_number=make_id_number(1),
                at=at(9, 5, day=DAY),
            )
        assert begun.value.code == "slot_started"
        category.appointment_capacity = 0
        category.save()
        with pytest.raises(InvalidTransition) as closed:
            self.book(category)
        assert closed.value.code == "no_appointments"
        assert not Appointment.objects.exists()

    def test_change_cancel_need_phone_and_id(self, hall):
        category, _w, _s = hall
        appointment = self.book(category)
        with pytest.raises(NotFound) as wrong_phone:
            services.cancel_appointment(
                code=appointment.code, phone="13900000001", id_number=make_id_number(1), at=self.NOW
            )
        assert wrong_phone.value.code == "appointment_not_found"
        moved = services.change_appointment(
            code=appointment.code,
            phone="13900000000",
            id_number=make_id_number(1),
            date=DAY,
            slot_start=dt.time(14, 0),
            at=self.NOW,
        )
        assert (moved.slot_start, moved.slot_end) == (dt.time(14, 0), dt.time(14, 30))
        cancelled = services.cancel_appointment(
            code=appointment.code.lower(),
            phone="13900000000",
            id_number=make_id_number(1),
            at=self.NOW,
        )
        assert cancelled.state == Appointment.State.CANCELLED
        with pytest.raises(InvalidTransition) as twice:
            services.cancel_appointment(
                code=appointment.code, phone="13900000000", id_number=make_id_number(1), at=self.NOW
            )
        assert twice.value.code == "appointment_not_booked"
        with pytest.raises(InvalidTransition) as check_in:
            services.check_in_appointment(
                code=appointment.code, id_number=make_id_number(1), at=at(9, 30, day=DAY)
            )
        assert check_in.value.code == "appointment_not_booked"
        with pytest.raises(NotFound) as unknown:
            services.check_in_appointment(
                code="NOPE0000", id_number=make_id_number(1), at=at(9, 30, day=DAY)
            )
        assert unknown.value.code == "appointment_not_found"

    @pytest.mark.parametrize(
        "when,refused",
        [((9, 0), None), ((8, 59), "too_early"), ((9, 45), None), ((9, 46), "too_late")],
    )
    def test_check_in_window(self, hall, when, refused):
        category, _w, _s = hall
        appointment = self.book(category)
        check_in = lambda: services.check_in_appointment(  # noqa: E731
            code=appointment.code, id_number=make_id_number(1), at=at(*when, day=DAY)
        )
        if refused is None:
            ticket = check_in()
            assert ticket.appointment == appointment
            appointment.refresh_from_db()
            assert appointment.state == Appointment.State.CHECKED_IN
        else:
            with pytest.raises(InvalidTransition) as caught:
                check_in()
            assert caught.value.code == refused
            assert not Ticket.objects.exists()

    def test_closing_marks_missed_appointments(self, hall, center):
        category, _w, _s = hall
        appointment = self.book(category)
        services.close_queue_day(center=center, day=DAY, at=at(17, 30, day=DAY))
        appointment.refresh_from_db()
        assert appointment.state == Appointment.State.NO_SHOW
        assert timezone.is_aware(at(1))


def test_close_day_command(hall, center):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    category, _w, _s = hall
    open_hall(center, closing_policy=QueueSettings.ClosingPolicy.EXPIRE)
    ticket = issue(category, at(10, day=DAY))
    out = StringIO()
    call_command("queue_close_day", "--date", DAY.isoformat(), stdout=out)
    ticket.refresh_from_db()
    assert ticket.state == Ticket.State.EXPIRED and "expired=1" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("queue_close_day", "--date", "yesterday")


def test_carried_over_tickets_stay_valid_one_working_day_only(hall, center):
    category, window, staff = hall
    friday = dt.date(2026, 11, 27)
    monday = dt.date(2026, 11, 30)
    old = issue(category, at(16, day=friday))
    services.close_queue_day(center=center, day=friday, at=at(17, 30, day=friday))
    new = issue(category, at(9, day=monday))
    assert selectors.people_ahead(new, at=at(9, day=monday)) == 1  # Friday's comes first
    services.close_queue_day(center=center, day=monday, at=at(17, 30, day=monday))
    old.refresh_from_db()
    assert old.state == Ticket.State.EXPIRED
    tuesday = monday + dt.timedelta(days=1)
    first = services.call_next(window=window, staff=staff, at=at(9, day=tuesday))
    assert first.issue_date == monday and first.carried_over


def test_one_waiting_ticket_per_person_and_category(hall, center):
    category, _window, _staff = hall
    other = QueueCategoryFactory(center=center, prefix="B")
    first = issue(category, at(9, day=DAY), phone="13800000001")
    with pytest.raises(Conflict) as held:
        issue(category, at(9, 1, day=DAY), phone="13800000001")
    assert held.value.code == "already_waiting" and held.value.detail == {"number": first.number}
    issue(other, at(9, 2, day=DAY), phone="13800000001")
    issue(category, at(9, 3, day=DAY))  # anonymous tickets are not limited
    issue(category, at(9, 4, day=DAY))
    services.cancel_ticket(ticket=first, at=at(9, 5, day=DAY))
    assert issue(category, at(9, 6, day=DAY), phone="13800000001").number == "A004"


@pytest.mark.parametrize(
    "person", [{"phone": "13800000001"}, {"id_number": make_id_number(7)}], ids=["phone", "id"]
)
def test_the_database_refuses_a_second_waiting_ticket_for_one_person(hall, person):
    """The last word when two issues race past the service's check."""
    category, _window, _staff = hall
    first = issue(category, at(9, day=DAY), **person)
    twin = Ticket.objects.get(pk=first.pk)
    twin.pk, twin.token, twin.seq, twin.number = None, uuid.uuid4(), 99, "A099"
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    Ticket.objects.filter(pk=first.pk).update(state=Ticket.State.CANCELLED)
    twin.save()  # once the first is no longer waiting, the person may hold another
