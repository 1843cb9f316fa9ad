"""Complaints (办不成事反映 / 投诉): received, assigned, resolved, called back, closed."""

import datetime as dt
import decimal
import uuid
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core.models import Center
from govhall.core.workdays import add_workdays
from govhall.core.writes import add_event
from govhall.feedback.errors import FeedbackError
from govhall.feedback.models import (
    Complaint,
    ComplaintEvent,
)
from govhall.feedback.selectors import feedback_settings
from govhall.feedback.services.common import _clean_phone, _full_clean, _locked
from govhall.org.models import Department, StaffProfile, Window
from govhall.org.scoping import ANY_UNIT, require_over, require_perm


def _complaint_event(complaint: Complaint, kind: str, actor: Any, **details: Any) -> None:
    add_event(ComplaintEvent, complaint, kind, actor, details=details)


def _complaint_department(
    *,
    department: Department | None,
    window: Window | None,
    staff: StaffProfile | None,
    item: Any,
) -> Department | None:
    """The unit a complaint is about: named, or the one its staff member or item belongs to."""
    implied = {
        d
        for d in (
            staff.department if staff is not None else None,
            item.department if item is not None else None,
        )
        if d is not None
    }
    if department is not None:
        if any(d.pk != department.pk for d in implied):
            raise FeedbackError.NOT_IN_DEPARTMENT(_("所涉人员或事项不属于所选部门。"))
        return department
    if len(implied) > 1:
        raise FeedbackError.DEPARTMENT_AMBIGUOUS(_("所涉人员与事项不属于同一部门,请选择部门。"))
    if implied:
        return implied.pop()
    if window is not None:
        departments = list(window.departments.all()[:2])
        if len(departments) == 1:
            return departments[0]
    return None


def authorize_complaint_intake(*, actor: Any, center: Center) -> None:
    """Who takes a complaint in: anybody of the centre with the permission, about any unit."""
    require_perm(actor, "feedback.add_complaint", center_id=center.pk, department_id=ANY_UNIT)


def create_complaint(*, center: Center, actor: Any = None, **complaint: Any) -> Complaint:
    """Receive a complaint (办不成事反映 / 投诉) with its deadline in working days (the
    arguments of `_receive_complaint`)."""
    authorize_complaint_intake(actor=actor, center=center)
    return _receive_complaint(center=center, actor=actor, **complaint)


def _receive_complaint(
    *,
    center: Center,
    channel: str,
    content: str,
    complainant_name: str = "",
    complainant_phone: str = "",
    department: Department | None = None,
    window: Window | None = None,
    staff: StaffProfile | None = None,
    item: Any = None,
    external_ref: str = "",
    received_at: dt.datetime | None = None,
    actor: Any = None,
) -> Complaint:
    """Write a complaint received by a permitted person or a 12345 import (whose permission is
    the import's); the caller has checked who acts."""
    for obj in (department, window, staff, item):
        if obj is not None and obj.center_id != center.pk:
            raise FeedbackError.OTHER_CENTER(_("所涉部门、窗口、人员或事项不属于本中心。"))
    department = _complaint_department(department=department, window=window, staff=staff, item=item)
    received_at = received_at or timezone.now()
    due = add_workdays(
        timezone.localdate(received_at), feedback_settings(center_id=center.pk).complaint_days
    )
    with transaction.atomic():
        complaint = Complaint(
            center=center,
            number=uuid.uuid4().hex,
            channel=channel,
            received_at=received_at,
            complainant_name=(complainant_name or "").strip(),
            complainant_phone=_clean_phone(complainant_phone),
            content=(content or "").strip(),
            department=department,
            window=window,
            staff=staff,
            item=item,
            external_ref=(external_ref or "").strip(),
            deadline=due.date,
            deadline_provisional=due.provisional,
        )
        _full_clean(complaint, validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                complaint.save()
        except IntegrityError as exc:
            raise FeedbackError.ALREADY_IMPORTED(_("该12345工单已导入。")) from exc
        complaint.number = f"TS{timezone.localdate(received_at):%Y%m%d}{complaint.pk:06d}"
        complaint.save(update_fields=["number"])
        _complaint_event(complaint, ComplaintEvent.Kind.RECEIVED, actor, channel=channel)
        return complaint


def _complaint_step(complaint: Complaint, expected: Sequence[str], verb: str) -> Complaint:
    row = _locked(Complaint, complaint.pk)
    if row.status not in expected:
        raise FeedbackError.COMPLAINT_WRONG_STEP(
            _("投诉当前为“%(s)s”,不能%(v)s。") % {"s": row.get_status_display(), "v": verb}
        )
    return row


def assign_complaint(*, complaint: Complaint, assignee: Any, actor: Any) -> Complaint:
    """分派: a person in the unit (or the centre) answers for the complaint."""
    require_over(actor, "feedback.handle_complaint", complaint)
    if assignee is None or assignee.center_id != complaint.center_id:
        raise FeedbackError.OTHER_CENTER(_("承办人不属于本中心。"))
    with transaction.atomic():
        row = _complaint_step(
            complaint, [Complaint.Status.OPEN, Complaint.Status.ASSIGNED], _("分派")
        )
        row.assignee = assignee
        row.status = Complaint.Status.ASSIGNED
        row.save(update_fields=["assignee", "status"])
        _complaint_event(row, ComplaintEvent.Kind.ASSIGNED, actor, assignee=assignee.pk)
        return row


def resolve_complaint(
    *,
    complaint: Complaint,
    valid: bool,
    resolution: str,
    deduction: decimal.Decimal | int | str = 0,
    actor: Any,
) -> Complaint:
    """答复: the verdict (valid or not), what was done, and the ranking deduction if valid."""
    require_over(actor, "feedback.handle_complaint", complaint)
    if not (resolution or "").strip():
        raise FeedbackError.FIELD_REQUIRED(
            _("请填写办理结果。"), detail={"resolution": ["required"]}
        )
    try:
        points = decimal.Decimal(str(deduction or 0))
    except decimal.InvalidOperation as exc:
        raise FeedbackError.DEDUCTION_INVALID(_("扣分应为数字。")) from exc
    if points < 0:
        raise FeedbackError.DEDUCTION_INVALID(_("扣分不能为负数。"))
    if points and not valid:
        raise FeedbackError.DEDUCTION_NOT_ALLOWED(_("只有属实的投诉才能扣分。"))
    with transaction.atomic():
        row = _complaint_step(complaint, [Complaint.Status.ASSIGNED], _("答复"))
        row.valid = valid
        row.resolution = resolution.strip()
        row.deduction = points
        row.status = Complaint.Status.RESOLVED
        row.resolved_at = timezone.now()
        _full_clean(row, validate_unique=False)
        row.save()
        _complaint_event(
            row, ComplaintEvent.Kind.RESOLVED, actor, valid=valid, deduction=str(points)
        )
        return row


def callback_complaint(
    *, complaint: Complaint, reached: bool, satisfaction: str = "", actor: Any
) -> Complaint:
    """回访 of the person who complained."""
    require_over(actor, "feedback.handle_complaint", complaint)
    if reached and satisfaction not in Complaint.Satisfaction.values:
        raise FeedbackError.SATISFACTION_REQUIRED(_("联系上反映人时请选择其满意度。"))
    with transaction.atomic():
        row = _complaint_step(complaint, [Complaint.Status.RESOLVED], _("回访"))
        row.callback_reached = reached
        row.satisfaction = satisfaction if reached else ""
        row.save(update_fields=["callback_reached", "satisfaction"])
        _complaint_event(
            row, ComplaintEvent.Kind.CALLED_BACK, actor, reached=reached, satisfaction=satisfaction
        )
        return row


def close_complaint(*, complaint: Complaint, actor: Any) -> Complaint:
    require_over(actor, "feedback.handle_complaint", complaint)
    with transaction.atomic():
        row = _complaint_step(complaint, [Complaint.Status.RESOLVED], _("办结"))
        if row.callback_reached is None and row.complainant_phone:
            raise FeedbackError.CALLBACK_REQUIRED(_("请先回访反映人再办结。"))
        row.status = Complaint.Status.CLOSED
        row.closed_at = timezone.now()
        row.save(update_fields=["status", "closed_at"])
        _complaint_event(row, ComplaintEvent.Kind.CLOSED, actor)
        return row
