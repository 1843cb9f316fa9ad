"""API authentication: DRF's token scheme, loading the staff profile with the user.

Every window-terminal call acts for the staff member behind the token, so their profile is read
in the same query as the token and the user instead of in one of its own, compiled once per
process (`govhall.core.compiled`).
"""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from govhall.core.compiled import Placeholders, columns, fetch_one, instance
from govhall.core.models import User
from govhall.org.models import StaffProfile


def _token_query(p: Placeholders) -> QuerySet:
    return Token.objects.filter(key=p.text("key")).values(
        *columns(Token),
        **columns(User, path="user", prefix="account_"),
        **columns(StaffProfile, path="user__staff_profile", prefix="profile_"),
    )


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        row = fetch_one(("token-user-staff",), _token_query, {"key": key})
        if row is None:
            raise exceptions.AuthenticationFailed(_("令牌无效。"))
        token, user = instance(Token, row), instance(User, row, prefix="account_")
        staff = instance(StaffProfile, row, prefix="profile_") if row["profile_id"] else None
        Token.user.field.set_cached_value(token, user)
        # as select_related caches it: None means "no profile", read again by no one
        User.staff_profile.related.set_cached_value(user, staff)
        if staff is not None:
            StaffProfile.user.field.set_cached_value(staff, user)
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("用户已停用或已删除。"))
        return user, token
