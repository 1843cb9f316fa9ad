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

from govhall.core.errors import DomainError


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
