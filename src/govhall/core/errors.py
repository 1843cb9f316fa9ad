"""One error vocabulary: every service raises a DomainError subclass with a code and a message.

The DRF exception handler (`govhall.core.api.exception_handler`) and the page middleware
(`govhall.core.middleware.DomainErrorMiddleware`) render them the same way.
"""

import os
import re
from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest
from django.views.debug import SafeExceptionReporterFilter


class DomainError(Exception):
    """A business rule refused the action; nothing was changed.

    A kind of refusal names its code and HTTP status in its class line:
    `class NotFound(DomainError, code="not_found", status=404)`.
    """

    code = "invalid"
    status = 400

    def __init_subclass__(cls, *, code: str = "", status: int = 0, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if code:
            cls.code = code
        if status:
            cls.status = status

    def __init__(self, message: str, *, code: str | None = None, detail: Any = None) -> None:
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code
        self.detail = detail

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "detail": self.detail}


class ValidationFailed(DomainError, code="validation_failed"):
    """The input breaks a rule."""


class NotFound(DomainError, code="not_found", status=404):
    """The record does not exist, or not for this user."""


class PermissionDenied(DomainError, code="permission_denied", status=403):
    """The user may not do this."""


class InvalidTransition(DomainError, code="invalid_transition", status=409):
    """The record is not in a state that allows the step."""


class Conflict(DomainError, code="conflict", status=409):
    """The action clashes with the records as they are now (a full slot, a taken number)."""


class RateLimited(DomainError, code="rate_limited", status=429):
    """Too many attempts in too short a time."""


class PasswordExpired(DomainError, code="password_expired", status=403):
    """The user must change the password first."""


class SecondFactorRequired(DomainError, code="second_factor_required", status=403):
    """The user must confirm the second factor first."""


class SettingsHidingReporterFilter(SafeExceptionReporterFilter):
    """What an error page or error mail may show: never the settings, never the process
    environment (under `govhall run` it is in request.META), and no local variable whose value
    holds a secret (the secret key, a database or Redis password). Active in debug too."""

    def is_active(self, request: HttpRequest | None) -> bool:
        return True

    def get_safe_settings(self) -> dict[str, Any]:
        return {}

    def get_safe_request_meta(self, request: HttpRequest) -> dict[str, Any]:
        meta = getattr(request, "META", {})
        return {
            k: self.cleanse_setting(k, v)
            for k, v in meta.items()
            if k.startswith("HTTP_") or k in REQUEST_META_SHOWN
        }

    def get_traceback_frame_variables(self, request: Any, tb_frame: Any) -> list[tuple[str, Any]]:
        secrets = _secrets()
        return [
            (name, self.cleansed_substitute if _holds(value, secrets) else value)
            for name, value in super().get_traceback_frame_variables(request, tb_frame)
        ]


REQUEST_META_SHOWN = frozenset(
    {"REQUEST_METHOD", "PATH_INFO", "QUERY_STRING", "CONTENT_TYPE", "CONTENT_LENGTH"}
)


def _secrets() -> list[str]:
    """The secret values of this process: the secret key, database and Redis passwords and
    URLs, and every GOVHALL_* variable whose name says it is secret."""
    from django.conf import settings

    values = [settings.SECRET_KEY, settings.GOVHALL_REDIS_URL]
    values += [db.get("PASSWORD") or "" for db in settings.DATABASES.values()]
    for name, value in os.environ.items():
        if name.startswith("GOVHALL_") and SECRET_NAMES.search(name):
            values += [value, urlsplit(value).password or ""]
    values.append(urlsplit(settings.GOVHALL_REDIS_URL).password or "")
    return [v for v in values if v and len(v) >= 4]


SECRET_NAMES = re.compile(r"SECRET|PASSWORD|KEY|TOKEN|DATABASE_URL|REDIS_URL", re.IGNORECASE)


def _holds(value: Any, secrets: list[str]) -> bool:
    try:
        text = repr(value)
    except Exception:
        return True
    return any(secret in text for secret in secrets)
