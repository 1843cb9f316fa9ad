"""The security audit trail's hooks into authentication: Django's login, logout and
failed-login signals and django-axes' lockout signal each write a `SecurityEvent`. They are
the only place these happen (login views of the site, the admin and the API alike)."""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from govhall.core.models import SecurityEvent
from govhall.core.services import record_security_event


def _logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record_security_event(kind=SecurityEvent.Kind.LOGIN, request=request, actor=user)


def _logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record_security_event(kind=SecurityEvent.Kind.LOGOUT, request=request, actor=user)


def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    record_security_event(
        kind=SecurityEvent.Kind.LOGIN_FAILED,
        request=request,
        username=str(credentials.get("username", "")),
    )


def _locked_out(sender: Any, request: HttpRequest, username: str, **kwargs: Any) -> None:
    record_security_event(
        kind=SecurityEvent.Kind.LOCKED_OUT, request=request, username=username or ""
    )


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="govhall_audit_login")
    user_logged_out.connect(_logged_out, dispatch_uid="govhall_audit_logout")
    user_login_failed.connect(_login_failed, dispatch_uid="govhall_audit_login_failed")
    user_locked_out.connect(_locked_out, dispatch_uid="govhall_audit_locked_out")
