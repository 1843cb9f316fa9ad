"""Login lockout (django-axes): per username at one address, and per account.

A username is locked at one client address after ``AXES_FAILURE_LIMIT`` failures from it, so
one person guessing cannot lock everyone else out (the client address is the real one,
`govhall.core.clients`). Independently, the account is locked from every address after
``GOVHALL_ACCOUNT_FAILURE_LIMIT`` failures in all (等保 2.0: 限制非法登录次数), so a guesser
spreading over many addresses is stopped too. Both last ``AXES_COOLOFF_TIME``.
"""

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

from govhall.core.clients import UNKNOWN, client_address


class LockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """The failures axes compares with AXES_FAILURE_LIMIT: those of this username at this
        address, or the account's failures from everywhere shifted so that reaching
        GOVHALL_ACCOUNT_FAILURE_LIMIT reaches AXES_FAILURE_LIMIT (axes has one limit; both
        its lock check and its lockout signal read this number)."""
        here = super().get_failures(request, credentials)
        username = get_client_username(request, credentials)
        if not username:
            return here
        attempts = AccessAttempt.objects.filter(username=username)
        cool_off = get_cool_off(request)
        if cool_off is not None:
            attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
        everywhere = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
        shift = settings.GOVHALL_ACCOUNT_FAILURE_LIMIT - settings.AXES_FAILURE_LIMIT
        return max(here, everywhere - shift)


def lockout_address(request: HttpRequest) -> str | None:
    """The client address axes records (AXES_CLIENT_IP_CALLABLE): None when there is none (a
    test client's force_login), which its address column takes where "unknown" is refused."""
    address = client_address(request)
    return None if address == UNKNOWN else address
