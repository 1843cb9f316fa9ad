"""The codes the SMS outbox answers with when it refuses (see `core.error_codes`), listed with
their statuses in docs/architecture.md."""

from govhall.core.error_codes import ErrorCode
from govhall.core.errors import ValidationFailed


class NotifyError(ErrorCode):
    KIND_INVALID = "kind_invalid", ValidationFailed
    OPT_OUT_INVALID = "opt_out_invalid", ValidationFailed
