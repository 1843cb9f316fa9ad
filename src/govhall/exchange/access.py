"""Who may use the exchange pages and API: the user's centre, once the permission is checked."""

from typing import Any

from govhall.org.scoping import scope_for


def centre_of(user: Any, perm: str, requested: str | None = None) -> int:
    """The id of `user`'s centre (a superuser's: `requested` or the first), or PermissionDenied
    without `perm` or without a centre."""
    scope = scope_for(user)
    scope.require(perm)
    return scope.require_center(requested)
