"""The roles of govhall and the permissions each one holds.

A role is a Django Group named by its value. Each app declares what its roles may do in its own
``roles.py`` as ``ROLE_PERMISSIONS = {Role.X: ["app_label.codename", ...]}``; `sync_roles` gathers
them, so no app has to edit another's list. Who sees what (department or whole centre) is
answered by `govhall.org.scoping.scope_for`.
"""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from govhall.core.app_modules import optional_module
from govhall.core.compiled import Placeholders, fetch_all


class Role(models.TextChoices):
    CENTER_ADMIN = "center_admin", _("中心管理员")
    UNIT_LEAD = "unit_lead", _("首席代表")
    WINDOW_STAFF = "window_staff", _("窗口工作人员")
    APPROVER = "approver", _("后台审批人员")
    INSPECTOR = "inspector", _("督查人员")
    LEADER = "leader", _("领导(只读)")


# Roles that see the whole centre; the others see their own department.
CENTER_WIDE_ROLES = frozenset({Role.CENTER_ADMIN, Role.LEADER, Role.INSPECTOR})

# What the core app's roles may do: the centre administrator manages the centre's accounts.
ROLE_PERMISSIONS = {
    Role.CENTER_ADMIN: [
        "core.view_user",
        "core.add_user",
        "core.change_user",
        "core.view_center",
        "core.view_workcalendaryear",
        "core.view_workcalendarday",
        "core.view_outboxevent",
        "core.view_securityevent",
    ],
    Role.LEADER: ["core.view_center"],
}


def declared_role_permissions() -> dict[str, set[str]]:
    """Every app's ROLE_PERMISSIONS merged: role value → {"app_label.codename"}."""
    merged: dict[str, set[str]] = defaultdict(set)
    for config in apps.get_app_configs():
        if not config.name.startswith("govhall."):
            continue
        module = optional_module(config.name, "roles")
        if module is None:
            continue
        for role, perms in getattr(module, "ROLE_PERMISSIONS", {}).items():
            merged[str(role)].update(perms)
    return merged


def _permissions(names: Iterable[str]) -> list[Any]:
    from django.contrib.auth.models import Permission

    wanted = {tuple(n.split(".", 1)) for n in names}
    found = Permission.objects.filter(
        content_type__app_label__in={a for a, _c in wanted},
        codename__in={c for _a, c in wanted},
    ).select_related("content_type")
    return [p for p in found if (p.content_type.app_label, p.codename) in wanted]


def sync_roles() -> None:
    """Create the role groups and give each exactly the permissions the apps declare."""
    from django.contrib.auth.models import Group

    declared = declared_role_permissions()
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        group.permissions.set(_permissions(declared.get(role.value, set())))


def sync_roles_after_migrate(**kwargs: Any) -> None:
    """Run once, after the last app's post_migrate (every app's permissions exist by then)."""
    with_models = [c for c in apps.get_app_configs() if c.models_module is not None]
    if kwargs.get("sender") is with_models[-1]:
        sync_roles()


def _access_query(p: Placeholders, *, superuser: bool) -> QuerySet:
    """The names of a user's groups and their permissions, own and through the groups (every
    permission for a superuser), as rows (``mark``, ``name``): a group's name with an empty
    mark, a permission's codename marked with its app's label (no app has an empty one). Each
    part is its own indexed select (an OR across the two permission joins would scan them all).
    """
    from django.contrib.auth.models import Group, Permission

    def perms(qs: Any) -> Any:
        return qs.order_by().values_list("content_type__app_label", "codename")

    user_id = p.int("user")
    groups = Group.objects.filter(user=user_id).annotate(mark=models.Value(""))
    parts = [groups.order_by().values_list("mark", "name")]
    if superuser:
        parts.append(perms(Permission.objects.all()))
    else:
        parts += [
            perms(Permission.objects.filter(user=user_id)),
            perms(Permission.objects.filter(group__user=user_id)),
        ]
    return parts[0].union(*parts[1:])


def load_access(user: Any) -> None:
    """Read what `user` may do in one compiled query (`_access_query`), kept on the user object
    for the request: the names of their groups (``_govhall_role_names``) and their permissions
    (``_perm_cache``, where Django's permission checks look)."""
    superuser = bool(user.is_superuser)
    rows = fetch_all(
        ("access", superuser),
        lambda p: _access_query(p, superuser=superuser),
        {"user": user.pk},
    )
    names: set[str] = set()
    permissions: set[str] = set()
    for row in rows:
        if row["mark"]:
            permissions.add(f"{row['mark']}.{row['name']}")
        else:
            names.add(row["name"])
    user._govhall_role_names = names
    user._perm_cache = permissions


def roles_of(user: Any) -> frozenset[Role]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if not hasattr(user, "_govhall_role_names"):
        load_access(user)
    return frozenset(Role(n) for n in user._govhall_role_names if n in Role.values)
