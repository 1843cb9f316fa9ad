"""Who may use the exchange pages and API: the user's centre, once the permission is checked."""

from typing import Any

from django.utils.translation import gettext as _

from govhall.core.errors import PermissionDenied
from govhall.org.scoping import scope_for


def centre_of(user: Any, perm: str) -> int:
    """The id of `user`'s centre, or PermissionDenied without `perm` or without a centre."""
    scope = scope_for(user)
    scope.require(perm)
    if scope.center_id is None:
        raise PermissionDenied(_("您的账号未归属任何中心。"))
    return scope.center_id
