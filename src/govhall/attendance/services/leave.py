"""Leave (请销假) in two approval steps, and temporary absence (临时外出登记)."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.attendance.errors import AttendanceError
from govhall.attendance.models import LeaveEvent, LeaveRequest, TemporaryAbsence
from govhall.attendance.services.common import (
    filed_for,
    is_self,
    require_over,
    staff_row,
)
from govhall.core.writes import locked, validated_save
from govhall.org.models import StaffProfile
from govhall.org.scoping import require_perm


def _leave_event(leave: LeaveRequest, type_: str, actor: Any, **details: Any) -> None:
    LeaveEvent.objects.create(leave=leave, type=type_, actor=actor, details=details)


def _move(leave: LeaveRequest, status: str, event: str, actor: Any, **details: Any) -> LeaveRequest:
    """Put the leave in `status` and record the step in its timeline."""
    leave.status = status
    validated_save(leave)
    _leave_event(leave, event, actor, **details)
    return leave


def _locked_leave(leave: LeaveRequest) -> LeaveRequest:
    return locked(LeaveRequest.objects.filter(pk=leave.pk)).get()


@transaction.atomic
def request_leave(
    *,
    actor: Any,
    kind: str,
    start: dt.datetime,
    end: dt.datetime,
    reason: str,
    staff: StaffProfile | None = None,
) -> LeaveRequest:
    """A staff member asks for leave (for themself; a unit lead may file it for their staff)."""
    staff = filed_for(actor, staff, "attendance.approve_leave_unit", reason, _("请填写请假事由。"))
    overlapping = LeaveRequest.objects.filter(
        staff=staff,
        status__in=[
            LeaveRequest.Status.PENDING_UNIT,
            LeaveRequest.Status.PENDING_CENTER,
            LeaveRequest.Status.APPROVED,
        ],
        start__lt=end,
        end__gt=start,
    )
    if overlapping.exists():
        raise AttendanceError.LEAVE_OVERLAPS(_("该时段已有请假申请。"))
    leave = validated_save(
        LeaveRequest(**staff_row(staff), kind=kind, start=start, end=end, reason=reason)
    )
    _leave_event(leave, LeaveEvent.Type.SUBMITTED, actor)
    return leave


@transaction.atomic
def approve_leave_as_unit(*, actor: Any, leave: LeaveRequest, comment: str = "") -> LeaveRequest:
    """First step: the unit lead of the staff member's department agrees (the centre takes this
    step for staff who belong to no department)."""
    leave = _locked_leave(leave)
    require_perm(
        actor,
        "attendance.approve_leave_unit"
        if leave.department_id is not None
        else "attendance.approve_leave_center",
        department_id=leave.department_id,
        center_id=leave.center_id,
    )
    if leave.status != LeaveRequest.Status.PENDING_UNIT:
        raise AttendanceError.LEAVE_WRONG_STEP(_("该请假不在待单位审批状态。"))
    if is_self(actor, leave.staff):
        raise AttendanceError.OWN_LEAVE_APPROVAL(_("不能审批本人的请假。"))
    return _move(
        leave,
        LeaveRequest.Status.PENDING_CENTER,
        LeaveEvent.Type.UNIT_APPROVED,
        actor,
        comment=comment,
    )


@transaction.atomic
def approve_leave_as_center(*, actor: Any, leave: LeaveRequest, comment: str = "") -> LeaveRequest:
    """Second step: the centre approves; from now on the leave excuses the absence."""
    leave = _locked_leave(leave)
    require_over(actor, "attendance.approve_leave_center", leave)
    if leave.status == LeaveRequest.Status.PENDING_UNIT:
        raise AttendanceError.LEAVE_WRONG_STEP(_("该请假须先经单位审批。"))
    if leave.status != LeaveRequest.Status.PENDING_CENTER:
        raise AttendanceError.LEAVE_WRONG_STEP(_("该请假不在待中心审批状态。"))
    if is_self(actor, leave.staff):
        raise AttendanceError.OWN_LEAVE_APPROVAL(_("不能审批本人的请假。"))
    return _move(
        leave, LeaveRequest.Status.APPROVED, LeaveEvent.Type.CENTER_APPROVED, actor, comment=comment
    )


@transaction.atomic
def reject_leave(*, actor: Any, leave: LeaveRequest, reason: str) -> LeaveRequest:
    """The approver of the current step refuses the leave, with a reason."""
    leave = _locked_leave(leave)
    perm = {
        LeaveRequest.Status.PENDING_UNIT: "attendance.approve_leave_unit",
        LeaveRequest.Status.PENDING_CENTER: "attendance.approve_leave_center",
    }.get(leave.status)
    if perm is None:
        raise AttendanceError.LEAVE_WRONG_STEP(_("该请假已办结,不能驳回。"))
    require_over(actor, perm, leave)
    if not reason.strip():
        raise AttendanceError.REASON_REQUIRED(_("请填写驳回理由。"))
    return _move(
        leave, LeaveRequest.Status.REJECTED, LeaveEvent.Type.REJECTED, actor, reason=reason
    )


@transaction.atomic
def cancel_leave(*, actor: Any, leave: LeaveRequest) -> LeaveRequest:
    """The staff member withdraws a request not yet approved."""
    leave = _locked_leave(leave)
    if not is_self(actor, leave.staff):
        raise AttendanceError.NOT_OWN_LEAVE(_("只能撤销本人的请假。"))
    if leave.status not in (LeaveRequest.Status.PENDING_UNIT, LeaveRequest.Status.PENDING_CENTER):
        raise AttendanceError.LEAVE_WRONG_STEP(_("只能撤销尚未批准的请假;已批准的请办理销假。"))
    return _move(leave, LeaveRequest.Status.CANCELLED, LeaveEvent.Type.CANCELLED, actor)


@transaction.atomic
def report_back(*, actor: Any, leave: LeaveRequest, at: dt.datetime | None = None) -> LeaveRequest:
    """销假: the staff member reports back; an early return shortens the leave."""
    leave = _locked_leave(leave)
    require_over(actor, "attendance.approve_leave_unit", leave, unless_own=leave.staff)
    if leave.status != LeaveRequest.Status.APPROVED:
        raise AttendanceError.LEAVE_WRONG_STEP(_("只有已批准的请假可以销假。"))
    if leave.returned_at is not None:
        raise AttendanceError.LEAVE_ALREADY_RETURNED(_("该请假已销假。"))
    at = at or timezone.now()
    if at < leave.start:
        raise AttendanceError.RETURN_TOO_EARLY(_("销假时间不能早于请假开始时间。"))
    leave.returned_at = at
    validated_save(leave)
    _leave_event(leave, LeaveEvent.Type.RETURNED, actor, at=at.isoformat())
    return leave


# --- temporary absence (临时外出登记) ---------------------------------------------------------


@transaction.atomic
def register_temporary_absence(
    *,
    actor: Any,
    reason: str,
    left_at: dt.datetime | None = None,
    returned_at: dt.datetime | None = None,
    staff: StaffProfile | None = None,
) -> TemporaryAbsence:
    """Register leaving the post for a while (time out, reason; time back now or later)."""
    staff = filed_for(
        actor, staff, "attendance.register_absence_for_others", reason, _("请填写外出事由。")
    )
    left_at = left_at or timezone.now()
    if TemporaryAbsence.objects.filter(staff=staff, returned_at__isnull=True).exists():
        raise AttendanceError.ABSENCE_STILL_OPEN(_("上一次外出尚未登记返回。"))
    return validated_save(
        TemporaryAbsence(
            **staff_row(staff),
            left_at=left_at,
            returned_at=returned_at,
            reason=reason,
            registered_by=actor,
        )
    )


@transaction.atomic
def register_return(
    *, actor: Any, absence: TemporaryAbsence, at: dt.datetime | None = None
) -> TemporaryAbsence:
    absence = locked(TemporaryAbsence.objects.filter(pk=absence.pk)).get()
    require_over(actor, "attendance.register_absence_for_others", absence, unless_own=absence.staff)
    if absence.returned_at is not None:
        raise AttendanceError.ABSENCE_ALREADY_RETURNED(_("该外出已登记返回。"))
    at = at or timezone.now()
    if at <= absence.left_at:
        raise AttendanceError.RETURN_TOO_EARLY(_("返回时间须晚于外出时间。"))
    absence.returned_at = at
    return validated_save(absence)
