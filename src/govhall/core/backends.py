"""Authentication backends."""

from typing import Any

from django.contrib.auth import backends

from govhall.core.roles import load_access


class ModelBackend(backends.ModelBackend):
    """Django's ModelBackend, reading a user's permissions (own and through the role groups)
    together with their roles in one query (`load_access`) instead of one query per source:
    every staff request checks a permission and its scope."""

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            load_access(user_obj)
        return user_obj._perm_cache
