"""Reads of the organisation: its units and staff, and what was in the hall on a date (from the
records' history)."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from govhall.core.dates import end_of_day
from govhall.core.models import Center, User
from govhall.core.roles import Role
from govhall.core.selectors import latest_versions
from govhall.org.models import Department, StaffProfile, Window
from govhall.org.scoping import Scope


def first_user_in_role(center: Center, role: Role) -> User | None:
    """The centre's longest-standing active user holding `role` (the demos act as them)."""
    return (
        User.objects.filter(center=center, groups__name=role.value, is_active=True)
        .order_by("pk")
        .first()
    )


def departments_of(center_id: int | None) -> QuerySet[Department]:
    """The centre's departments (in their model's order)."""
    return Department.objects.filter(center_id=center_id)


def departments_in_scope(scope: Scope) -> QuerySet[Department]:
    """The active departments the user sees (all of their centre's, or their own)."""
    return scope.filter(Department.objects.filter(is_active=True), department_field="pk")


def department_names(center_id: int | None) -> dict[int, str]:
    """Name of each of the centre's departments, by id."""
    return dict(departments_of(center_id).values_list("pk", "name"))


def profile_of(user: Any) -> StaffProfile | None:
    """The user's staff profile, in post or not, else None."""
    return StaffProfile.objects.filter(user=user).first()


def active_profile(user: Any) -> StaffProfile | None:
    """The user's staff profile while they are in post, else None."""
    return StaffProfile.objects.filter(user=user, active=True).first()


def staff_names(staff_ids: Iterable[int]) -> dict[int, str]:
    """The display name of each staff profile, by id."""
    return {
        profile.pk: profile.user.display_name
        for profile in StaffProfile.objects.filter(pk__in=list(staff_ids)).select_related("user")
    }


def profile_ids_of_users(user_ids: Iterable[int | None]) -> dict[int, int]:
    """The StaffProfile id of each of the users that has one, by user id."""
    ids = [pk for pk in set(user_ids) if pk is not None]
    return dict(StaffProfile.objects.filter(user_id__in=ids).values_list("user_id", "pk"))


def departments_in_hall_on(*, center_id: int, day: dt.date, kind: str | None = None) -> int:
    """Departments in the hall at the close of `day` (seed 001: 进驻33个部门): active and entered,
    as their history kept them; of one `Department.Kind` only when `kind` is given (seed 003
    counts the 92 government departments and the 16 enterprises apart)."""
    units = latest_versions(Department.history.filter(center_id=center_id), end_of_day(day)).filter(
        is_active=True, entered=True
    )
    return (units if kind is None else units.filter(kind=kind)).count()


def enterprise_ids_on(*, center_id: int, day: dt.date) -> QuerySet:
    """The ids of the units that were enterprises at the close of `day` (as their history kept
    them, active or not): an item of one is an enterprise's service item (企业服务事项)."""
    return (
        latest_versions(Department.history.filter(center_id=center_id), end_of_day(day))
        .filter(kind=Department.Kind.ENTERPRISE)
        .values("id")
    )


def windows_open_on(*, center_id: int, day: dt.date) -> int:
    """Windows open at the close of `day` (seed 003: 270个窗口), as their history kept them."""
    return _open_windows_on(center_id, day).count()


def service_areas_on(*, center_id: int, day: dt.date) -> int:
    """Service areas (服务区) at the close of `day` (seed 003: 设27个服务区): the distinct areas
    named on the windows open then, as their history kept them (a window without an area names
    none)."""
    return _open_windows_on(center_id, day).exclude(area="").values("area").distinct().count()


def service_areas(center_id: int) -> int:
    """Service areas (服务区) now: the distinct areas named on the open windows."""
    return (
        Window.objects.filter(center_id=center_id, is_open=True)
        .exclude(area="")
        .values("area")
        .distinct()
        .count()
    )


def _open_windows_on(center_id: int, day: dt.date) -> QuerySet:
    return latest_versions(Window.history.filter(center_id=center_id), end_of_day(day)).filter(
        is_open=True
    )
