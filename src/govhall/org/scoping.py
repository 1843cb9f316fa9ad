"""The one place that answers "what may this user see and do".

Every view, API and admin asks `scope_for(user)`: administrators, leaders and inspectors see
their whole centre; a unit's people (unit lead, window staff, approvers) see their department;
a superuser with no centre sees everything. Permissions ("may do") come from the role groups
(`govhall.core.roles`).
"""

from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govhall.core.models import Center
from govhall.core.roles import CENTER_WIDE_ROLES, Role, roles_of
from govhall.core.selectors import Rollup
from govhall.org.errors import OrgError

M = TypeVar("M", bound=Model)

# The one wording for "this page is about one centre and you have none".
NO_CENTER = gettext_lazy("您的账号未关联政务服务中心。")
# The one wording for "this record is another unit's (or another centre's)".
OTHER_UNIT = gettext_lazy("该记录不属于您所在的单位。")


@dataclass(frozen=True)
class Scope:
    user: Any
    center_id: int | None
    department_id: int | None
    roles: frozenset[Role]
    all_centers: bool = False

    @property
    def whole_center(self) -> bool:
        return (
            self.all_centers
            or bool(getattr(self.user, "is_superuser", False))
            or bool(self.roles & CENTER_WIDE_ROLES)
        )

    @property
    def sees_nothing(self) -> bool:
        return not self.all_centers and (
            self.center_id is None or (not self.whole_center and self.department_id is None)
        )

    def has_role(self, *roles: Role) -> bool:
        return self.all_centers or bool(self.roles & set(roles))

    def can(self, perm: str) -> bool:
        return bool(self.user.is_authenticated and self.user.has_perm(perm))

    def require(self, perm: str, *, unless: str | None = None) -> None:
        """Refuse a scope without `perm`; one holding `unless` is not asked."""
        if unless is not None and self.can(unless):
            return
        if not self.can(perm):
            raise OrgError.PERMISSION_DENIED(
                _("您没有执行此操作的权限。"), detail={"permission": perm}
            )

    def figure_rows(self, figures: Rollup, by: str) -> list[dict[str, Any]]:
        """`figures` as rows with their `key`: the centre's alone (key None) when `by` is
        "center", else each department's this scope sees."""
        if by == "center":
            return [{"key": None, **figures.total}]
        return [
            {"key": key, **values}
            for key, values in figures.by["department"].items()
            if self.whole_center or key == self.department_id
        ]

    def require_center(self, requested: str | None = None) -> int:
        """The id of the centre this user works in. A superuser above the centres works in the
        one they ask for (`requested`: its region code, as in ``?center=`` on the public pages)
        or else the first; anyone else without a centre is refused."""
        if self.center_id is not None:
            return self.center_id
        if self.all_centers:
            centers = Center.objects.order_by("pk").values_list("pk", flat=True)
            chosen = centers.filter(region_code=requested).first() if requested else None
            first = chosen or centers.first()
            if first is not None:
                return first
        raise OrgError.NO_CENTER(NO_CENTER)

    def filter(
        self,
        qs: QuerySet[M],
        *,
        center_field: str = "center",
        department_field: str | None = "department",
    ) -> QuerySet[M]:
        """Rows of `qs` this user may see."""
        if self.all_centers:
            return qs
        if self.sees_nothing:
            return qs.none()
        qs = qs.filter(**{center_field: self.center_id})
        if self.whole_center or department_field is None:
            return qs
        return qs.filter(**{department_field: self.department_id})

    def may_see_department(self, department_id: int | None, center_id: int | None = None) -> bool:
        if self.all_centers:
            return True
        if center_id is not None and center_id != self.center_id:
            return False
        return self.whole_center or (
            department_id is not None and department_id == self.department_id
        )

    def check_department(self, department_id: int | None, center_id: int | None = None) -> None:
        if not self.may_see_department(department_id, center_id):
            raise OrgError.OTHER_DEPARTMENT(OTHER_UNIT)

    def check_center(self, center_id: int) -> None:
        """Refuse a record of another centre (a superuser above the centres works in all)."""
        if not (self.all_centers or center_id == self.center_id):
            raise OrgError.OTHER_DEPARTMENT(OTHER_UNIT)


class Unit(Enum):
    """What `require_perm` is told instead of a department: any unit of the centre."""

    ANY = "any"


ANY_UNIT = Unit.ANY


def require_perm(
    actor: Any, perm: str, *, center_id: int, department_id: int | Unit | None
) -> None:
    """The one permission rule of a staff action, asked by the action's service.

    The logged-in `actor` holds `perm` over a record of `center_id` and of the unit
    `department_id`: a unit's people act on their own unit's records, the centre-wide roles on
    any; None is a record of the whole centre (the centre-wide roles only), `ANY_UNIT` one that
    anybody of the centre holding `perm` acts on. An anonymous actor holds nothing and is
    refused. `actor` None is the system (commands, timers, hooks, the demo), never a request's
    user, and is not asked.
    """
    if actor is None:
        return
    scope = scope_for(actor)
    scope.require(perm)
    if department_id is ANY_UNIT:
        scope.check_center(center_id)
    else:
        scope.check_department(department_id, center_id)


def require_over(actor: Any, perm: str, record: Any) -> None:
    """`require_perm` over a record: a row (or a staff profile) carrying `center_id` and
    `department_id`."""
    require_perm(actor, perm, center_id=record.center_id, department_id=record.department_id)


def scope_for(user: Any) -> Scope:
    if not getattr(user, "is_authenticated", False):
        return Scope(user=user, center_id=None, department_id=None, roles=frozenset())
    cached = getattr(user, "_govhall_scope", None)
    if cached is not None:
        return cached
    profile = getattr(user, "staff_profile", None) if hasattr(user, "staff_profile") else None
    center_id = user.center_id
    scope = Scope(
        user=user,
        center_id=center_id,
        department_id=profile.department_id if profile is not None and profile.active else None,
        roles=roles_of(user),
        all_centers=user.is_superuser and user.center_id is None,
    )
    user._govhall_scope = scope
    return scope


def view_scope(view: Any, perm: str) -> Scope:
    """An API view's scope, its user holding `perm`; schema generation (`swagger_fake_view`: no
    user, no rows) gets an empty one."""
    if getattr(view, "swagger_fake_view", False):
        return Scope(user=None, center_id=None, department_id=None, roles=frozenset())
    scope = scope_for(view.request.user)
    scope.require(perm)
    return scope
