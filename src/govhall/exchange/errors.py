"""The codes the exchange answers with when it refuses (see `core.error_codes`), listed with
their statuses in docs/architecture.md; the receiver's own kind, a sender it cannot
authenticate (401)."""

from govhall.core.error_codes import ErrorCode
from govhall.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed


class AuthenticationFailed(DomainError, code="authentication_failed", status=401):
    """The sender of a push could not be authenticated."""


class ExchangeError(ErrorCode):
    # The sender of a push (401).
    SIGNATURE_MISSING = "signature_missing", AuthenticationFailed
    SIGNATURE_INVALID = "signature_invalid", AuthenticationFailed
    TIMESTAMP_OUT_OF_WINDOW = "timestamp_out_of_window", AuthenticationFailed
    CENTER_MISMATCH = "center_mismatch", AuthenticationFailed
    # The body of a push (400).
    BAD_JSON = "bad_json", ValidationFailed
    BAD_ENVELOPE = "bad_envelope", ValidationFailed
    BAD_PROTOCOL = "bad_protocol", ValidationFailed
    BATCH_TOO_LARGE = "batch_too_large", ValidationFailed
    # Dead letters (403, 404).
    OTHER_CENTER = "other_center", PermissionDenied
    NOT_A_DEAD_LETTER = "not_a_dead_letter", NotFound
