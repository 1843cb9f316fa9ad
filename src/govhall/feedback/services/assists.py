"""Assisted services (帮办代办) recorded by the departments."""

import datetime as dt
import decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core.models import Center
from govhall.core.writes import acting_user
from govhall.feedback.errors import FeedbackError
from govhall.feedback.models import (
    AssistRecord,
)
from govhall.feedback.services.common import _full_clean
from govhall.org.models import Department, StaffProfile
from govhall.org.scoping import ANY_UNIT, Unit, require_perm


def authorize_assist(*, actor: Any, center: Center, department: Department | None = None) -> None:
    """Who records assisted services: those with the permission, for their own unit (the
    centre's people: any); without `department`, the permission in the centre (what can be
    asked before the input names the unit)."""
    unit: int | Unit = ANY_UNIT if department is None else department.pk
    require_perm(actor, "feedback.add_assistrecord", center_id=center.pk, department_id=unit)


def record_assist(
    *,
    center: Center,
    kind: str,
    department: Department,
    date: dt.date,
    count: int = 1,
    households: int = 0,
    quantity: int = 0,
    unit: str = "",
    saving: decimal.Decimal = decimal.Decimal("0"),
    staff: StaffProfile | None = None,
    beneficiary: str = "",
    notes: str = "",
    actor: Any = None,
) -> AssistRecord:
    """Record help given beyond the counter (帮办代办): how many times, for how many households,
    what quantity (e.g. seals) and the money it saved; each bounded (model validators and
    database checks: the sums feed the ranking)."""
    authorize_assist(actor=actor, center=center, department=department)
    if department.center_id != center.pk or (staff is not None and staff.center_id != center.pk):
        raise FeedbackError.OTHER_CENTER(_("部门或工作人员不属于本中心。"))
    if staff is not None and staff.department_id not in (None, department.pk):
        raise FeedbackError.NOT_IN_DEPARTMENT(_("工作人员不属于所选部门。"))
    if date > timezone.localdate():
        # A day still to come is a mistyped date: the month's figures would count help not given.
        raise FeedbackError.TIME_IN_FUTURE(
            _("帮办代办日期不能晚于今天。"), detail={"date": date.isoformat()}
        )
    with transaction.atomic():
        record = AssistRecord(
            center=center,
            kind=kind,
            department=department,
            staff=staff,
            date=date,
            count=count,
            households=households,
            quantity=quantity,
            unit=(unit or "").strip(),
            saving=saving,
            beneficiary=(beneficiary or "").strip(),
            notes=(notes or "").strip(),
            recorded_by=acting_user(actor),
        )
        _full_clean(record)
        record.save()
        return record
