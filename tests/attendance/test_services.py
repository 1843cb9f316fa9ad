"""Workflows of attendance services: leave, violations, assignments; refusals change nothing."""

import datetime as dt

import pytest

from govhall.attendance import services
from govhall.attendance.models import LeaveRequest, StaffAssignment, Violation
from govhall.attendance.selectors import attendance_settings, categories_for
from govhall.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from tests.attendance.factories import at
from tests.factories import StaffProfileFactory

pytestmark = pytest.mark.django_db


def leave_for(staff, start="2026-12-01 08:00", end="2026-12-01 18:00"):
    return services.request_leave(
        actor=staff.user,
        kind=LeaveRequest.Kind.PERSONAL,
        start=at(*start.split()),
        end=at(*end.split()),
        reason="家中有事",
    )


def test_leave_state_machine(staff, unit_lead, admin_user):
    leave = leave_for(staff)
    with pytest.raises(Conflict):
        leave_for(staff, "2026-12-01 10:00", "2026-12-01 11:00")
    with pytest.raises(InvalidTransition):
        services.report_back(actor=staff.user, leave=leave)
    services.reject_leave(actor=unit_lead, leave=leave, reason="当日窗口人手不足")
    with pytest.raises(InvalidTransition):
        services.approve_leave_as_unit(actor=unit_lead, leave=leave)
    second = leave_for(staff)  # a rejected leave no longer blocks the period
    services.cancel_leave(actor=staff.user, leave=second)
    assert [e.type for e in second.events.all()] == ["submitted", "cancelled"]


def test_nobody_approves_their_own_leave(unit_lead, make_user, department):
    leave = leave_for(unit_lead.staff_profile)
    with pytest.raises(PermissionDenied):
        services.approve_leave_as_unit(actor=unit_lead, leave=leave)
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.PENDING_UNIT


def test_leave_end_before_start_is_refused(staff):
    with pytest.raises(ValidationFailed):
        leave_for(staff, "2026-12-01 18:00", "2026-12-01 08:00")
    assert not LeaveRequest.objects.exists()


def test_violation_appeal_once_and_decided_once(staff, inspector, admin_user, unit_lead):
    category = categories_for(staff.center_id).get(name="服务态度生硬")
    violation = services.record_violation(
        actor=inspector, staff=staff, category=category, occurred_at=at("2026-10-09", "10:00")
    )
    assert violation.points == category.default_points
    with pytest.raises(InvalidTransition):
        services.decide_appeal(actor=admin_user, violation=violation, upheld=True, comment="x")
    services.appeal_violation(actor=unit_lead, violation=violation, reason="群众误解")
    with pytest.raises(InvalidTransition):
        services.appeal_violation(actor=staff.user, violation=violation, reason="再次申诉")
    services.decide_appeal(actor=admin_user, violation=violation, upheld=False, comment="维持")
    violation.refresh_from_db()
    assert violation.status == Violation.Status.CONFIRMED and violation.counts


def test_categories_are_seeded_once_and_editable(center):
    names = list(categories_for(center.pk).values_list("name", flat=True))
    assert names[0] == "迟到" and names[-1] == "其他" and len(names) == 9
    categories_for(center.pk).filter(name="其他").update(is_active=False)
    assert categories_for(center.pk).count() == 9
    assert attendance_settings(center_id=center.pk).pause_limit_minutes == 15


def test_assignment_history(staff, admin_user, other_department, window):
    assert (
        services.change_assignment(
            actor=admin_user,
            staff=staff,
            department=staff.department,
            windows=[window],
            reason="无变化",
        )
        is None
    )
    moved = services.change_assignment(
        actor=admin_user, staff=staff, department=other_department, windows=[], reason="轮岗"
    )
    rows = list(StaffAssignment.objects.filter(staff=staff).order_by("started_at"))
    assert len(rows) == 2 and rows[0].ended_at == moved.started_at
    assert moved.department == other_department and not moved.windows.exists()


def test_sync_picks_up_changes_made_elsewhere(center, staff, other_department):
    staff.department = other_department
    staff.save()
    opened = services.sync_assignments(center=center, at=at("2026-11-02", "09:00"))
    assert opened == 1
    assert StaffAssignment.objects.get(staff=staff, ended_at__isnull=True).department == (
        other_department
    )
    assert services.sync_assignments(center=center) == 0


def test_unit_lead_cannot_move_staff(staff, unit_lead, other_department):
    with pytest.raises(PermissionDenied):
        services.change_assignment(
            actor=unit_lead, staff=staff, department=other_department, windows=[], reason="x"
        )
    staff.refresh_from_db()
    assert staff.department != other_department


def test_timetable_sessions_may_not_overlap(center):
    with pytest.raises(ValidationFailed):
        services.create_timetable(
            center=center,
            name="错误",
            sessions=[("上午", dt.time(9), dt.time(12)), ("中午", dt.time(11), dt.time(13))],
        )


def test_centre_takes_the_unit_step_for_staff_without_department(make_user, admin_user):
    from govhall.core.roles import Role
    from tests.attendance.factories import assign

    loner = make_user(Role.WINDOW_STAFF, department=None)
    profile = StaffProfileFactory(center=loner.center, user=loner, department=None)
    assign(profile)
    leave = leave_for(profile)
    services.approve_leave_as_unit(actor=admin_user, leave=leave)
    leave = services.approve_leave_as_center(actor=admin_user, leave=leave)
    assert leave.status == LeaveRequest.Status.APPROVED
    with pytest.raises(InvalidTransition, match="不在待中心审批"):
        services.approve_leave_as_center(actor=admin_user, leave=leave)


def test_leaving_ends_the_assignment_but_keeps_past_days(center, timetable, staff):
    from govhall.attendance.models import AttendanceRecord
    from govhall.attendance.selectors import department_stability
    from tests.attendance.conftest import NOW

    staff.active = False
    staff.save()
    services.sync_assignments(center=center, at=at("2026-10-12", "00:00"))
    for day in ("2026-10-09", "2026-10-12"):
        services.derive_day(center=center, day=dt.date.fromisoformat(day), now=NOW)
    assert set(AttendanceRecord.objects.values_list("date", flat=True)) == {dt.date(2026, 10, 9)}
    october = department_stability(
        center_id=center.pk, start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31)
    )
    assert october[staff.department_id]["left"] == 1
