"""One error vocabulary: every service raises a DomainError subclass with a code and a message.

The DRF exception handler (`govhall.core.api.exception_handler`) and the page middleware
(`govhall.core.middleware.DomainErrorMiddleware`) render them the same way.
"""

from typing import Any


class DomainError(Exception):
    """A business rule refused the action; nothing was changed."""

    code = "invalid"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, detail: Any = None) -> None:
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code
        self.detail = detail

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "detail": self.detail}


class ValidationFailed(DomainError):
    code = "validation_failed"


class NotFound(DomainError):
    code = "not_found"
    status = 404


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403


class InvalidTransition(DomainError):
    code = "invalid_transition"
    status = 409


class Conflict(DomainError):
    code = "conflict"
    status = 409


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429
