"""Factories and helpers for attendance tests (foundation factories come from tests/factories)."""

import datetime as dt

from django.utils import timezone

from govhall.attendance import services
from govhall.attendance.models import StaffAssignment
from govhall.org.models import StaffProfile

TZ = timezone.get_default_timezone()
SINCE = dt.datetime(2026, 1, 1, tzinfo=TZ)


def at(day: str, clock: str) -> dt.datetime:
    """An aware local datetime from '2026-10-09' and '09:03'."""
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time.fromisoformat(clock), TZ)


def standard_timetable(center):
    return services.create_timetable(
        center=center,
        name="标准作息",
        sessions=[("上午", dt.time(9), dt.time(12)), ("下午", dt.time(13, 30), dt.time(17, 30))],
    )


def assign(staff: StaffProfile, *, since: dt.datetime = SINCE) -> StaffAssignment:
    """Record the staff member's current department and windows as held since `since`."""
    assignment = StaffAssignment.objects.create(
        center_id=staff.center_id,
        staff=staff,
        department_id=staff.department_id,
        started_at=since,
    )
    assignment.windows.set(staff.windows.all())
    return assignment
