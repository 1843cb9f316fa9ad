"""The codes training answers with when it refuses (see `core.error_codes`), listed with their
statuses in docs/architecture.md."""

from govhall.core.error_codes import ErrorCode
from govhall.core.errors import InvalidTransition, NotFound, ValidationFailed


class TrainingError(ErrorCode):
    # What the user may see (404).
    RECORD_NOT_FOUND = "record_not_found", NotFound
    SESSION_NOT_FOUND = "session_not_found", NotFound
    ROTATION_NOT_FOUND = "rotation_not_found", NotFound
    # Input (400).
    OTHER_CENTER = "other_center", ValidationFailed
    NOT_YET_HELD = "not_yet_held", ValidationFailed
    NOT_IN_AUDIENCE = "not_in_audience", ValidationFailed
    REASON_REQUIRED = "reason_required", ValidationFailed
    STAFF_INACTIVE = "staff_inactive", ValidationFailed
    DESTINATION_REQUIRED = "destination_required", ValidationFailed
    END_BEFORE_START = "end_before_start", ValidationFailed
    # The state of the record (409).
    SESSION_CANCELLED = "session_cancelled", InvalidTransition
    SESSION_NOT_PLANNED = "session_not_planned", InvalidTransition
    ROTATION_ENDED = "rotation_ended", InvalidTransition
