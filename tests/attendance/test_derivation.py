"""Deriving late, early, missing and absence from post (services.derive_day)."""

import datetime as dt
from decimal import Decimal

import pytest

from govhall.attendance import services
from govhall.attendance.models import AttendanceRecord, LeaveRequest, PostAbsence, Punch
from govhall.core.errors import ValidationFailed
from govhall.queueing.models import WindowPause, WindowSession
from tests.attendance.conftest import NOW
from tests.attendance.factories import at

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat
S = AttendanceRecord.Status


def punch(staff, day, clock, kind=Punch.Kind.ANY, source=Punch.Source.MACHINE):
    return Punch.objects.create(
        center_id=staff.center_id,
        staff=staff,
        punched_at=at(day, clock),
        kind=kind,
        source=source,
    )


def derive(center, day):
    return services.derive_day(center=center, day=D(day), now=NOW)


def records(staff, day):
    return list(AttendanceRecord.objects.filter(staff=staff, date=D(day)).order_by("starts_at"))


def approved_leave(staff, lead, admin, start, end):
    leave = services.request_leave(
        actor=staff.user, kind=LeaveRequest.Kind.PERSONAL, start=start, end=end, reason="家中有事"
    )
    services.approve_leave_as_unit(actor=lead, leave=leave)
    return services.approve_leave_as_center(actor=admin, leave=leave)


def test_late_early_and_missing_per_session(center, timetable, staff):
    punch(staff, "2026-10-09", "09:03", Punch.Kind.IN)  # within the 5-minute tolerance
    punch(staff, "2026-10-09", "11:50", Punch.Kind.OUT)  # 10 minutes early
    punch(staff, "2026-10-09", "13:42", Punch.Kind.IN)  # 12 minutes late, never signs out
    derive(center, "2026-10-09")
    morning, afternoon = records(staff, "2026-10-09")
    assert (morning.status, morning.late_minutes, morning.early_minutes) == (S.PRESENT, 0, 10)
    assert morning.missing_punches == 0
    assert (afternoon.late_minutes, afternoon.early_minutes, afternoon.missing_punches) == (
        12,
        0,
        1,
    )
    assert morning.day_fraction == Decimal("0.5")


def test_machine_punches_split_at_the_session_boundary(center, timetable, staff):
    # Undirected machine punches: 12:40 is before the lunch midpoint (12:45) so it closes the
    # morning; 12:50 is after it so it opens the afternoon.
    for clock in ("08:55", "12:40", "12:50", "17:31"):
        punch(staff, "2026-10-09", clock)
    derive(center, "2026-10-09")
    morning, afternoon = records(staff, "2026-10-09")
    assert morning.check_out == at("2026-10-09", "12:40")
    assert afternoon.check_in == at("2026-10-09", "12:50")
    for record in (morning, afternoon):
        assert (record.late_minutes, record.early_minutes, record.missing_punches) == (0, 0, 0)


def test_a_single_punch_late_in_the_session_is_a_check_out(center, timetable, staff):
    punch(staff, "2026-10-09", "11:10")
    derive(center, "2026-10-09")
    morning = records(staff, "2026-10-09")[0]
    assert (morning.check_in, morning.check_out) == (None, at("2026-10-09", "11:10"))
    assert (morning.missing_punches, morning.early_minutes) == (1, 50)


def test_holiday_expects_nobody_and_make_up_saturday_expects_everyone(center, timetable, staff):
    punch(staff, "2026-10-05", "09:00")
    derive(center, "2026-10-05")  # National Day holiday, a Monday
    derive(center, "2026-10-10")  # make-up Saturday, nobody punched
    assert records(staff, "2026-10-05") == []
    assert [r.status for r in records(staff, "2026-10-10")] == [S.ABSENT, S.ABSENT]
    derive(center, "2026-10-11")  # an ordinary Sunday
    assert records(staff, "2026-10-11") == []


def test_weekend_duty_roster(center, timetable, staff, admin_user):
    services.schedule_duty(actor=admin_user, staff=staff, date=D("2026-10-11"), note="周日值班")
    punch(staff, "2026-10-11", "09:20", Punch.Kind.IN)
    derive(center, "2026-10-11")
    morning, afternoon = records(staff, "2026-10-11")
    assert morning.on_duty_roster and morning.late_minutes == 20
    assert afternoon.status == S.ABSENT


def test_duty_cannot_be_scheduled_on_a_working_day(staff, admin_user, timetable):
    with pytest.raises(ValidationFailed):
        services.schedule_duty(actor=admin_user, staff=staff, date=D("2026-10-10"))


def test_approved_leave_is_never_a_violation(center, timetable, staff, unit_lead, admin_user):
    approved_leave(
        staff, unit_lead, admin_user, at("2026-10-09", "08:00"), at("2026-10-09", "18:00")
    )
    derive(center, "2026-10-09")
    assert [r.status for r in records(staff, "2026-10-09")] == [S.LEAVE, S.LEAVE]
    assert all(
        (r.late_minutes, r.early_minutes, r.missing_punches) == (0, 0, 0)
        for r in records(staff, "2026-10-09")
    )


def test_pending_leave_does_not_excuse(center, timetable, staff):
    services.request_leave(
        actor=staff.user,
        kind=LeaveRequest.Kind.SICK,
        start=at("2026-10-09", "08:00"),
        end=at("2026-10-09", "18:00"),
        reason="发烧",
    )
    derive(center, "2026-10-09")
    assert [r.status for r in records(staff, "2026-10-09")] == [S.ABSENT, S.ABSENT]


def test_partial_leave_moves_the_due_time(center, timetable, staff, unit_lead, admin_user):
    approved_leave(
        staff, unit_lead, admin_user, at("2026-10-09", "09:00"), at("2026-10-09", "10:00")
    )
    punch(staff, "2026-10-09", "10:04", Punch.Kind.IN)  # due at 10:00, within tolerance
    punch(staff, "2026-10-09", "12:00", Punch.Kind.OUT)
    punch(staff, "2026-10-09", "13:50", Punch.Kind.IN)  # the leave was the morning only
    punch(staff, "2026-10-09", "17:30", Punch.Kind.OUT)
    derive(center, "2026-10-09")
    morning, afternoon = records(staff, "2026-10-09")
    assert (morning.status, morning.late_minutes) == (S.PRESENT, 0)
    assert afternoon.late_minutes == 20


def test_reporting_back_early_ends_the_leave(center, timetable, staff, unit_lead, admin_user):
    leave = approved_leave(
        staff, unit_lead, admin_user, at("2026-10-09", "08:00"), at("2026-10-09", "18:00")
    )
    services.report_back(actor=staff.user, leave=leave, at=at("2026-10-09", "12:30"))
    derive(center, "2026-10-09")
    morning, afternoon = records(staff, "2026-10-09")
    assert (morning.status, afternoon.status) == (S.LEAVE, S.ABSENT)


def test_temporary_absence_excuses_leaving_early(center, timetable, staff):
    punch(staff, "2026-10-09", "08:58", Punch.Kind.IN)
    punch(staff, "2026-10-09", "11:00", Punch.Kind.OUT)
    services.register_temporary_absence(
        actor=staff.user,
        reason="到不动产中心协调",
        left_at=at("2026-10-09", "11:00"),
        returned_at=at("2026-10-09", "12:10"),
    )
    derive(center, "2026-10-09")
    morning = records(staff, "2026-10-09")[0]
    assert (morning.status, morning.early_minutes) == (S.PRESENT, 0)


def _login(window, staff, day, opened, closed):
    return WindowSession.objects.create(
        center_id=window.center_id,
        window=window,
        staff=staff,
        opened_at=at(day, opened),
        closed_at=at(day, closed),
    )


def _pause(window, staff, day, start, end, reason=WindowPause.Reason.BREAK, note=""):
    return WindowPause.objects.create(
        center_id=window.center_id,
        window=window,
        staff=staff,
        reason=reason,
        note=note,
        started_at=at(day, start),
        ended_at=at(day, end),
    )


def _absences(window, day):
    return [
        (a.kind, a.started_at.astimezone(at(day, "00:00").tzinfo).strftime("%H:%M"), a.minutes)
        for a in PostAbsence.objects.filter(window=window, date=D(day)).order_by("started_at")
    ]


def test_absence_from_post_from_terminal_logins(center, timetable, staff, window):
    day = "2026-10-09"
    _login(window, staff, day, "08:58", "10:00")
    _login(window, staff, day, "10:30", "17:35")
    derive(center, day)
    assert _absences(window, day) == [(PostAbsence.Kind.NO_LOGIN, "10:00", 30)]
    # The terminal logins are the punches: in at 08:58 and out at 17:35, so no lateness.
    morning, afternoon = records(staff, day)
    assert morning.check_in == at(day, "08:58") and morning.late_minutes == 0
    assert afternoon.check_out == at(day, "17:35") and afternoon.early_minutes == 0
    assert Punch.objects.filter(staff=staff, source=Punch.Source.TERMINAL).count() == 4


def test_long_pause_across_the_session_boundary(center, timetable, staff, window):
    day = "2026-10-09"
    _login(window, staff, day, "08:55", "17:40")
    _pause(window, staff, day, "11:50", "13:40")  # a break over the limit across lunch
    _pause(window, staff, day, "15:00", "16:00", WindowPause.Reason.MEETING)  # registered
    _pause(window, staff, day, "16:10", "16:20")  # under the 15-minute limit
    _pause(window, staff, day, "16:30", "17:00", WindowPause.Reason.OTHER)  # "other", no note
    derive(center, day)
    assert _absences(window, day) == [
        (PostAbsence.Kind.LONG_PAUSE, "11:50", 10),
        (PostAbsence.Kind.LONG_PAUSE, "13:30", 10),
        (PostAbsence.Kind.LONG_PAUSE, "16:30", 30),
    ]
    assert {a.department_id for a in PostAbsence.objects.all()} == {staff.department_id}


def test_window_unattended_on_a_make_up_day_but_not_on_a_holiday(center, timetable, staff, window):
    # At work all day by the machine, never at the window's terminal.
    for day in ("2026-10-06", "2026-10-10"):
        for clock, kind in (("08:55", "in"), ("12:01", "out"), ("13:25", "in"), ("17:32", "out")):
            punch(staff, day, clock, kind)
    derive(center, "2026-10-06")
    derive(center, "2026-10-10")
    assert _absences(window, "2026-10-06") == []
    assert _absences(window, "2026-10-10") == [
        (PostAbsence.Kind.NO_LOGIN, "09:00", 180),
        (PostAbsence.Kind.NO_LOGIN, "13:30", 240),
    ]


def test_absence_from_post_is_the_time_at_work_away_from_the_window(
    center, timetable, staff, window
):
    # Hand-worked: in by the machine at 09:20 (20 minutes late), at the window 09:30-11:00
    # and 11:40-12:00; afternoon at the window 13:30-15:00, out by the machine at 16:30.
    day = "2026-10-09"
    punch(staff, day, "09:20", Punch.Kind.IN)
    _login(window, staff, day, "09:30", "11:00")
    _login(window, staff, day, "11:40", "12:00")
    _login(window, staff, day, "13:30", "15:00")
    punch(staff, day, "16:30", Punch.Kind.OUT)
    derive(center, day)
    # 09:20-09:30 (10), 11:00-11:40 (40); 15:00-16:30 (90). The late 20 minutes are lateness,
    # the last hour is early leave, neither is 空岗: 140 minutes of 420 scheduled.
    assert _absences(window, day) == [
        (PostAbsence.Kind.NO_LOGIN, "09:20", 10),
        (PostAbsence.Kind.NO_LOGIN, "11:00", 40),
        (PostAbsence.Kind.NO_LOGIN, "15:00", 90),
    ]
    morning, afternoon = records(staff, day)
    assert morning.late_minutes == 20 and afternoon.early_minutes == 60
    assert {a.staff_id for a in PostAbsence.objects.all()} == {staff.pk}


def test_no_absence_from_post_for_an_absent_person_or_an_unstaffed_window(
    center, timetable, staff, window, department
):
    from tests.factories import WindowFactory

    empty = WindowFactory(center=center, departments=[department])  # nobody scheduled
    derive(center, "2026-10-09")  # the staff member never came: 缺勤, not 空岗
    assert PostAbsence.objects.count() == 0
    assert {r.status for r in records(staff, "2026-10-09")} == {S.ABSENT}
    assert _absences(empty, "2026-10-09") == []


def test_a_person_with_two_windows_is_away_once(center, timetable, staff, window, department):
    from tests.factories import WindowFactory

    second = WindowFactory(center=center, departments=[department])
    staff.windows.add(second)
    services.sync_assignments(center=center, at=at("2026-10-08", "18:00"))
    day = "2026-10-09"
    punch(staff, day, "08:55", Punch.Kind.IN)
    _login(second, staff, day, "09:00", "10:00")  # at the second window, then away until noon
    punch(staff, day, "12:02", Punch.Kind.OUT)
    derive(center, day)
    rows = list(PostAbsence.objects.values_list("staff_id", "minutes"))
    assert rows == [(staff.pk, 120)]


def test_a_colleague_at_the_window_covers_it(
    center, timetable, staff, window, make_user, department
):
    from govhall.core.roles import Role
    from tests.attendance.factories import assign

    colleague = make_user(Role.WINDOW_STAFF, department=department).staff_profile
    assign(colleague)
    day = "2026-10-09"
    punch(staff, day, "08:55", Punch.Kind.IN)
    punch(staff, day, "12:02", Punch.Kind.OUT)
    _login(window, colleague, day, "09:00", "12:00")  # the window is open all morning
    derive(center, day)
    assert PostAbsence.objects.filter(staff=staff).count() == 0


def test_window_of_a_staff_member_on_leave_is_not_absent(
    center, timetable, staff, window, unit_lead, admin_user
):
    approved_leave(
        staff, unit_lead, admin_user, at("2026-10-09", "08:00"), at("2026-10-09", "12:30")
    )
    _login(window, staff, "2026-10-09", "13:30", "17:30")
    derive(center, "2026-10-09")
    assert _absences(window, "2026-10-09") == []


def test_derivation_is_idempotent(center, timetable, staff, window):
    punch(staff, "2026-10-09", "09:20", Punch.Kind.IN)
    _login(window, staff, "2026-10-09", "09:20", "11:00")
    derive(center, "2026-10-09")
    first = sorted(AttendanceRecord.objects.values_list("id", "late_minutes", "status"))
    absences = sorted(PostAbsence.objects.values_list("id", "minutes"))
    derive(center, "2026-10-09")
    assert sorted(AttendanceRecord.objects.values_list("id", "late_minutes", "status")) == first
    assert sorted(PostAbsence.objects.values_list("id", "minutes")) == absences
    assert Punch.objects.count() == 3  # the terminal punches were not made twice


def test_a_late_punch_changes_the_rederived_day(center, timetable, staff):
    derive(center, "2026-10-09")
    assert records(staff, "2026-10-09")[0].status == S.ABSENT
    punch(staff, "2026-10-09", "09:00", Punch.Kind.IN)
    derive(center, "2026-10-09")
    assert records(staff, "2026-10-09")[0].status == S.PRESENT


def test_seasonal_timetable_wins_in_its_dates(center, timetable, staff):
    services.create_timetable(
        center=center,
        name="夏季作息",
        valid_from=D("2026-07-01"),
        valid_to=D("2026-09-30"),
        sessions=[("上午", dt.time(8, 30), dt.time(12)), ("下午", dt.time(14), dt.time(18))],
    )
    punch(staff, "2026-09-30", "08:50", Punch.Kind.IN)
    punch(staff, "2026-10-09", "08:50", Punch.Kind.IN)
    derive(center, "2026-09-30")
    derive(center, "2026-10-09")
    assert records(staff, "2026-09-30")[0].late_minutes == 20
    assert records(staff, "2026-10-09")[0].late_minutes == 0


def test_future_sessions_are_not_judged(center, timetable, staff):
    services.derive_day(center=center, day=D("2026-10-09"), now=at("2026-10-09", "10:00"))
    assert [r.session_name for r in records(staff, "2026-10-09")] == ["上午"]
