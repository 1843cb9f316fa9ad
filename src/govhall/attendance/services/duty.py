"""Timetables and the weekend duty roster."""

import datetime as dt
import itertools
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from govhall.attendance.errors import AttendanceError
from govhall.attendance.models import DutyAssignment, Session, Timetable
from govhall.attendance.services.common import require_over
from govhall.core.models import Center
from govhall.core.workdays import is_workday
from govhall.core.writes import validated_save
from govhall.org.models import StaffProfile
from govhall.org.scoping import require_perm


@transaction.atomic
def create_timetable(
    *,
    center: Center,
    name: str,
    sessions: Sequence[tuple[str, dt.time, dt.time]],
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> Timetable:
    """A timetable with its sessions, e.g. ("上午", 09:00, 12:00), ("下午", 13:30, 17:30)."""
    if not sessions:
        raise AttendanceError.TIMETABLE_EMPTY(_("作息时间表至少要有一个时段。"))
    ordered = sorted(sessions, key=lambda s: s[1])
    for (_n1, _s1, end1), (_n2, start2, _e2) in itertools.pairwise(ordered):
        if start2 < end1:
            raise AttendanceError.SESSIONS_OVERLAP(_("时段不能重叠。"))
    timetable = validated_save(
        Timetable(center=center, name=name, valid_from=valid_from, valid_to=valid_to)
    )
    for session_name, start, end in ordered:
        validated_save(Session(timetable=timetable, name=session_name, start=start, end=end))
    return timetable


@transaction.atomic
def schedule_duty(
    *, actor: Any, staff: StaffProfile, date: dt.date, note: str = ""
) -> DutyAssignment:
    """Put a staff member on the weekend duty roster (expected on that rest day)."""
    require_over(actor, "attendance.add_dutyassignment", staff)
    if is_workday(date):
        raise AttendanceError.DUTY_ON_WORKDAY(_("%(date)s 是工作日,无需排值班。") % {"date": date})
    duty = DutyAssignment.objects.filter(staff=staff, date=date).first()
    if duty is not None:
        if not duty.cancelled:
            raise AttendanceError.DUTY_EXISTS(_("该工作人员当天已在值班表中。"))
        duty.cancelled = False
        duty.note = note
        return validated_save(duty)
    return validated_save(
        DutyAssignment(center_id=staff.center_id, staff=staff, date=date, note=note)
    )


@transaction.atomic
def cancel_duty(*, actor: Any, duty: DutyAssignment) -> DutyAssignment:
    require_perm(
        actor,
        "attendance.change_dutyassignment",
        department_id=duty.staff.department_id,
        center_id=duty.center_id,
    )
    duty.cancelled = True
    return validated_save(duty)
