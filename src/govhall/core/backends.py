"""Authentication backends."""

from typing import Any

from django.contrib.auth import backends
from django.contrib.auth.models import Permission


class ModelBackend(backends.ModelBackend):
    """Django's ModelBackend, reading a user's permissions (own and through the role groups) in
    one query instead of one per source: every staff request checks a permission."""

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            columns = ("content_type__app_label", "codename")
            if user_obj.is_superuser:
                rows = Permission.objects.values_list(*columns)
            else:
                own = Permission.objects.filter(user=user_obj)
                via_roles = Permission.objects.filter(group__user=user_obj)
                rows = (
                    own.order_by()
                    .values_list(*columns)
                    .union(via_roles.order_by().values_list(*columns))
                )
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return user_obj._perm_cache
