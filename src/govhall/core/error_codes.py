"""The base of each app's catalogue of error codes (`AttendanceError`, `SupervisionError`, ...).

A member is a code with the `DomainError` class it raises, and so its HTTP status:

    class AttendanceError(ErrorCode):
        LEAVE_OVERLAPS = "leave_overlaps", Conflict

    raise AttendanceError.LEAVE_OVERLAPS(_("该时段已有请假申请。"))

The code is what the API answers in `{"code", "message", "detail"}`; docs/architecture.md lists
every app's codes with their statuses (a test keeps the table and the enums equal).
"""

from enum import StrEnum
from typing import Any, Self

from govhall.core.errors import (
    DomainError,
    NotFound,
    PasswordExpired,
    PermissionDenied,
    RateLimited,
    SecondFactorRequired,
    ValidationFailed,
)


class ErrorCode(StrEnum):
    error: type[DomainError]

    def __new__(cls, code: str, error: type[DomainError]) -> Self:
        member = str.__new__(cls, code)
        member._value_ = code
        member.error = error
        return member

    @property
    def status(self) -> int:
        return self.error.status

    def __call__(self, message: str, *, detail: Any = None) -> DomainError:
        """The error to raise: `raise Codes.X(_("..."))`."""
        return self.error(message, code=self.value, detail=detail)


class CoreError(ErrorCode):
    """The codes core answers with, for every app: the generic ones of a model, form or
    serializer check and a missing row, the request and session gates, and the file reading
    and calendar import every app's uploads go through."""

    # Any app: a model, form or serializer check (the detail maps field to errors), a row that
    # is not there, a login required, too many attempts.
    VALIDATION_FAILED = ValidationFailed.code, ValidationFailed
    NOT_FOUND = NotFound.code, NotFound
    PERMISSION_DENIED = PermissionDenied.code, PermissionDenied
    RATE_LIMITED = RateLimited.code, RateLimited
    # The request and the session (400, 403).
    BAD_REQUEST = "bad_request", ValidationFailed
    PASSWORD_EXPIRED = PasswordExpired.code, PasswordExpired
    SECOND_FACTOR_REQUIRED = SecondFactorRequired.code, SecondFactorRequired
    # A file to import (400).
    BAD_FILE = "bad_file", ValidationFailed
    BAD_FILE_TYPE = "bad_file_type", ValidationFailed
    BAD_ENCODING = "bad_encoding", ValidationFailed
    FILE_TOO_LARGE = "file_too_large", ValidationFailed
    TOO_MANY_ROWS = "too_many_rows", ValidationFailed
    BAD_HEADER = "bad_header", ValidationFailed
    BAD_CALENDAR_FILE = "bad_calendar_file", ValidationFailed
    EMPTY_CALENDAR_FILE = "empty_calendar_file", ValidationFailed
    # Settings (400).
    RETENTION_TOO_SHORT = "retention_too_short", ValidationFailed
