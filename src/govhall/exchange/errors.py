"""Errors of the receiver: the sender could not be authenticated."""

from govhall.core.errors import DomainError


class AuthenticationFailed(DomainError):
    code = "authentication_failed"
    status = 401
