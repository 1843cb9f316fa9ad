"""Inspections and the violations inspectors record, with their appeals."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.attendance.errors import AttendanceError
from govhall.attendance.models import Inspection, Violation, ViolationCategory, ViolationEvent
from govhall.attendance.selectors import default_categories
from govhall.attendance.services.common import is_self, require_over
from govhall.core.models import Center
from govhall.core.roles import Role
from govhall.core.writes import locked, validated_save
from govhall.org.models import StaffProfile, Window
from govhall.org.scoping import require_perm, scope_for


def seed_violation_categories(center: Center) -> None:
    """A new centre's default list of violation categories (run by `core.settings_rows`)."""
    ViolationCategory.objects.bulk_create(default_categories(ViolationCategory, center.pk))


def _violation_event(violation: Violation, type_: str, actor: Any, **details: Any) -> None:
    ViolationEvent.objects.create(violation=violation, type=type_, actor=actor, details=details)


@transaction.atomic
def start_inspection(
    *, actor: Any, center: Center, area: str = "", started_at: dt.datetime | None = None
) -> Inspection:
    require_perm(actor, "attendance.record_inspection", department_id=None, center_id=center.pk)
    if not scope_for(actor).whole_center:
        raise AttendanceError.CENTER_ONLY(_("只有督查人员可以巡查。"))
    return validated_save(
        Inspection(
            center=center, inspector=actor, area=area, started_at=started_at or timezone.now()
        )
    )


@transaction.atomic
def finish_inspection(*, actor: Any, inspection: Inspection, note: str = "") -> Inspection:
    require_perm(
        actor, "attendance.record_inspection", department_id=None, center_id=inspection.center_id
    )
    if inspection.ended_at is not None:
        raise AttendanceError.INSPECTION_FINISHED(_("该巡查已结束。"))
    inspection.ended_at = timezone.now()
    inspection.note = note or inspection.note
    return validated_save(inspection)


@transaction.atomic
def record_violation(
    *,
    actor: Any,
    staff: StaffProfile,
    category: ViolationCategory,
    occurred_at: dt.datetime,
    inspection: Inspection | None = None,
    window: Window | None = None,
    points: Decimal | None = None,
    description: str = "",
    photo: UploadedFile | None = None,
) -> Violation:
    """An inspector records a violation (points default to the category's)."""
    require_perm(
        actor, "attendance.record_inspection", department_id=None, center_id=staff.center_id
    )
    if not scope_for(actor).whole_center:
        raise AttendanceError.CENTER_ONLY(_("只有督查人员可以记录违规。"))
    for obj in (category, inspection, window):
        if obj is not None and obj.center_id != staff.center_id:
            raise AttendanceError.OTHER_CENTER(_("记录中的对象不属于同一中心。"))
    if not category.is_active:
        raise AttendanceError.CATEGORY_INACTIVE(_("该违规类别已停用。"))
    if occurred_at > timezone.now() + dt.timedelta(minutes=1):
        raise AttendanceError.TIME_IN_FUTURE(_("发现时间不能晚于当前时间。"))
    violation = Violation(
        center_id=staff.center_id,
        inspection=inspection,
        category=category,
        staff=staff,
        department_id=staff.department_id,
        window=window,
        occurred_at=occurred_at,
        description=description,
        points=category.default_points if points is None else points,
        recorded_by=actor,
    )
    if photo is not None:
        violation.photo = photo
    validated_save(violation)
    _violation_event(
        violation,
        ViolationEvent.Type.RECORDED,
        actor,
        category=category.name,
        points=str(violation.points),
    )
    return violation


@transaction.atomic
def appeal_violation(*, actor: Any, violation: Violation, reason: str) -> Violation:
    """The staff member (or their unit lead) appeals a violation; the centre will decide."""
    violation = locked(Violation.objects.filter(pk=violation.pk)).get()
    if not is_self(actor, violation.staff):
        require_over(actor, "attendance.appeal_violation", violation)
        if not scope_for(actor).has_role(Role.UNIT_LEAD):
            raise AttendanceError.APPEAL_NOT_ALLOWED(_("只能由本人或本单位首席代表申诉。"))
    if violation.status != Violation.Status.RECORDED:
        raise AttendanceError.VIOLATION_NOT_APPEALABLE(_("该记录已申诉或已裁定。"))
    if not reason.strip():
        raise AttendanceError.REASON_REQUIRED(_("请填写申诉理由。"))
    violation.status = Violation.Status.APPEALED
    validated_save(violation)
    _violation_event(violation, ViolationEvent.Type.APPEALED, actor, reason=reason)
    return violation


@transaction.atomic
def decide_appeal(*, actor: Any, violation: Violation, upheld: bool, comment: str) -> Violation:
    """The centre decides: an upheld appeal takes the violation out of the figures (kept)."""
    violation = locked(Violation.objects.filter(pk=violation.pk)).get()
    require_over(actor, "attendance.decide_appeal", violation)
    if violation.status != Violation.Status.APPEALED:
        raise AttendanceError.NO_PENDING_APPEAL(_("该记录没有待裁定的申诉。"))
    if not comment.strip():
        raise AttendanceError.REASON_REQUIRED(_("请填写裁定意见。"))
    violation.status = Violation.Status.UPHELD if upheld else Violation.Status.CONFIRMED
    validated_save(violation)
    kind = ViolationEvent.Type.UPHELD if upheld else ViolationEvent.Type.CONFIRMED
    _violation_event(violation, kind, actor, comment=comment)
    return violation
