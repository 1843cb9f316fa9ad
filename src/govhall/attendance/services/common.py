"""What the attendance services share: who may act, and for whom."""

from typing import Any

from django.utils.translation import gettext as _

from govhall.attendance.errors import AttendanceError
from govhall.core.writes import acting_user
from govhall.org import scoping
from govhall.org.models import StaffProfile


def profile_of(user: Any) -> StaffProfile:
    """The active staff profile of `user`, or PermissionDenied."""
    user = acting_user(user)
    profile = StaffProfile.objects.filter(user=user).first() if user else None
    if profile is None or not profile.active:
        raise AttendanceError.NO_STAFF_PROFILE(_("您没有在岗的工作人员档案。"))
    return profile


def is_self(actor: Any, staff: StaffProfile) -> bool:
    """Whether the actor acts on their own record."""
    return acting_user(actor) is not None and staff.user_id == actor.pk


def require_over(
    actor: Any, perm: str, record: Any, *, unless_own: StaffProfile | None = None
) -> None:
    """`perm` over the department of `record` (a staff profile, or a row carrying
    `department_id` and `center_id`); not asked when the actor is `unless_own` themself."""
    if unless_own is not None and is_self(actor, unless_own):
        return
    scoping.require_over(actor, perm, record)


def filed_for(
    actor: Any, staff: StaffProfile | None, perm: str, reason: str, ask: str
) -> StaffProfile:
    """Whom a request with a `reason` (leave, an absence) is filed for: `staff`, else the actor
    themself; filing for someone else takes `perm` over them. An empty reason is refused with
    the message `ask`."""
    staff = staff or profile_of(actor)
    require_over(actor, perm, staff, unless_own=staff)
    if not reason.strip():
        raise AttendanceError.REASON_REQUIRED(ask)
    return staff


def staff_row(staff: StaffProfile) -> dict[str, Any]:
    """The fields that tie a new row to `staff`: their centre, themself and their department."""
    return {"center_id": staff.center_id, "staff": staff, "department_id": staff.department_id}
