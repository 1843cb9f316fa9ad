"""Staff assignments (stability): who sat in which department and windows, when."""

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.attendance.errors import AttendanceError
from govhall.attendance.models import StaffAssignment
from govhall.core.models import Center
from govhall.core.writes import acting_user, locked, validated_save
from govhall.org.models import Department, StaffProfile, Window
from govhall.org.scoping import require_perm, scope_for


def _open_assignment(staff: StaffProfile) -> StaffAssignment | None:
    return locked(StaffAssignment.objects.filter(staff=staff, ended_at__isnull=True)).first()


def _start_assignment(
    *,
    staff: StaffProfile,
    department_id: int | None,
    window_ids: Iterable[int],
    at: dt.datetime,
    reason: str,
    actor: Any,
) -> StaffAssignment:
    assignment = validated_save(
        StaffAssignment(
            center_id=staff.center_id,
            staff=staff,
            department_id=department_id,
            started_at=at,
            reason=reason,
            changed_by=acting_user(actor),
        )
    )
    assignment.windows.set(list(window_ids))
    return assignment


def _record_assignment(
    *, staff: StaffProfile, at: dt.datetime, reason: str, actor: Any
) -> StaffAssignment | None:
    """Close the open assignment and open one matching the profile, if they differ."""
    window_ids = set(staff.windows.values_list("id", flat=True))
    current = _open_assignment(staff)
    if current is not None:
        same = current.department_id == staff.department_id and window_ids == set(
            current.windows.values_list("id", flat=True)
        )
        if same:
            return None
        current.ended_at = max(at, current.started_at)
        validated_save(current)
        at = current.ended_at
    return _start_assignment(
        staff=staff,
        department_id=staff.department_id,
        window_ids=window_ids,
        at=at,
        reason=reason,
        actor=actor,
    )


@transaction.atomic
def change_assignment(
    *,
    actor: Any,
    staff: StaffProfile,
    department: Department | None,
    windows: Sequence[Window],
    reason: str,
    at: dt.datetime | None = None,
) -> StaffAssignment | None:
    """Move a staff member to a department and windows; the assignment history records it."""
    require_perm(
        actor,
        "attendance.change_staff_assignment",
        department_id=None,
        center_id=staff.center_id,
    )
    if not scope_for(actor).whole_center:
        raise AttendanceError.CENTER_ONLY(_("人员派驻调整须由中心办理。"))
    if not reason.strip():
        raise AttendanceError.REASON_REQUIRED(_("请填写变动原因。"))
    for obj in (department, *windows):
        if obj is not None and obj.center_id != staff.center_id:
            raise AttendanceError.OTHER_CENTER(_("单位或窗口不属于该中心。"))
    staff = locked(StaffProfile.objects.filter(pk=staff.pk)).get()
    staff.department = department
    validated_save(staff)
    staff.windows.set(windows)
    return _record_assignment(staff=staff, at=at or timezone.now(), reason=reason, actor=actor)


def _first_seen(staff: StaffProfile) -> dt.datetime:
    first = staff.history.order_by("history_date").values_list("history_date", flat=True).first()
    return first or timezone.now()


@transaction.atomic
def sync_assignments(
    *, center: Center, at: dt.datetime | None = None, since: dt.datetime | None = None
) -> int:
    """Record the changes made outside `change_assignment` (e.g. in the admin).

    A staff member no longer active (离岗) has their open assignment ended at `at`. Active staff
    with no assignment yet get one from their profile's creation (its first
    simple_history row), or from `since` when given; the others get a new one from `at` whenever
    their profile's department or windows differ from their open assignment. Returns the number
    of assignments opened.
    """
    at = at or timezone.now()
    opened = 0
    open_rows = {
        row.staff_id: row
        for row in StaffAssignment.objects.filter(
            center=center, ended_at__isnull=True
        ).prefetch_related("windows")
    }
    known = set(StaffAssignment.objects.filter(center=center).values_list("staff_id", flat=True))
    for staff in StaffProfile.objects.filter(center=center).prefetch_related("windows"):
        window_ids = {w.pk for w in staff.windows.all()}
        if not staff.active:
            current = open_rows.get(staff.pk)
            if current is not None:
                current.ended_at = max(at, current.started_at)
                validated_save(current)
            continue
        if staff.pk not in known:
            _start_assignment(
                staff=staff,
                department_id=staff.department_id,
                window_ids=window_ids,
                at=since or min(_first_seen(staff), at),
                reason=_("初始派驻"),
                actor=None,
            )
            opened += 1
            continue
        current = open_rows.get(staff.pk)
        unchanged = (
            current is not None
            and current.department_id == staff.department_id
            and {w.pk for w in current.windows.all()} == window_ids
        )
        if not unchanged and _record_assignment(
            staff=staff, at=at, reason=_("档案变更"), actor=None
        ):
            opened += 1
    return opened
