"""API authentication: DRF's token scheme, loading the staff profile with the user.

Every window-terminal call acts for the staff member behind the token, so their profile is read
in the same query as the token and the user instead of in one of its own.
"""

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        token = Token.objects.select_related("user__staff_profile").filter(key=key).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("令牌无效。"))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("用户已停用或已删除。"))
        return token.user, token
