"""The codes feedback answers with when it refuses (see `core.error_codes`), listed with their
statuses in docs/architecture.md (the rating page reads `comment_required`)."""

from govhall.core.error_codes import ErrorCode
from govhall.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
)


class FeedbackError(ErrorCode):
    # Who may act (403), what they may see (404), and how often a pad may guess (429).
    NO_ROLE = "no_role", PermissionDenied
    NO_CENTER = "no_center", PermissionDenied
    CENTER_ONLY = "center_only", PermissionDenied
    NOT_OWN_WINDOW = "not_own_window", PermissionDenied
    PAD_UNKNOWN = "pad_unknown", PermissionDenied
    LINK_FORGED = "link_forged", PermissionDenied
    OWN_SERVICE = "own_service", PermissionDenied
    RECORD_NOT_FOUND = "record_not_found", NotFound
    TICKET_NOT_FOUND = "ticket_not_found", NotFound
    CENTER_NOT_FOUND = "center_not_found", NotFound
    LINK_UNKNOWN = "link_unknown", NotFound
    PAIRING_LOCKED = "pairing_locked", RateLimited
    # Input (400).
    FIELD_REQUIRED = "field_required", ValidationFailed
    FIELD_INVALID = "field_invalid", ValidationFailed
    PHONE_INVALID = "phone_invalid", ValidationFailed
    OTHER_CENTER = "other_center", ValidationFailed
    NOT_IN_DEPARTMENT = "not_in_department", ValidationFailed
    DEPARTMENT_AMBIGUOUS = "department_ambiguous", ValidationFailed
    DEDUCTION_INVALID = "deduction_invalid", ValidationFailed
    DEDUCTION_NOT_ALLOWED = "deduction_not_allowed", ValidationFailed
    SATISFACTION_REQUIRED = "satisfaction_required", ValidationFailed
    DEADLINE_INVALID = "deadline_invalid", ValidationFailed
    EXPLANATION_ONLY = "explanation_only", ValidationFailed
    NO_PHONE = "no_phone", ValidationFailed
    LEVEL_INVALID = "level_invalid", ValidationFailed
    CHANNEL_INVALID = "channel_invalid", ValidationFailed
    ASPECT_UNKNOWN = "aspect_unknown", ValidationFailed
    COMMENT_REQUIRED = "comment_required", ValidationFailed
    RATING_INCOMPLETE = "rating_incomplete", ValidationFailed
    BAD_CODE = "bad_code", ValidationFailed
    STEP_STALE = "step_stale", ValidationFailed
    STEP_TIME_INVALID = "step_time_invalid", ValidationFailed
    IMPORT_KIND_INVALID = "import_kind_invalid", ValidationFailed
    COLUMN_MISSING = "column_missing", ValidationFailed
    CELL_REQUIRED = "cell_required", ValidationFailed
    NO_ROWS = "no_rows", ValidationFailed
    ROW_INVALID = "row_invalid", ValidationFailed
    TIME_IN_FUTURE = "time_in_future", ValidationFailed
    RATED_BEFORE_SERVICE = "rated_before_service", ValidationFailed
    # The state of the record (409).
    ALREADY_RATED = "already_rated", Conflict
    ALREADY_IMPORTED = "already_imported", Conflict
    APPEAL_EXISTS = "appeal_exists", Conflict
    CODE_SPENT = "code_spent", Conflict
    NOT_PENDING = "not_pending", Conflict
    LINK_EXPIRED = "link_expired", InvalidTransition
    COMPLAINT_WRONG_STEP = "complaint_wrong_step", InvalidTransition
    CALLBACK_REQUIRED = "callback_required", InvalidTransition
    RECTIFICATION_WRONG_STEP = "rectification_wrong_step", InvalidTransition
    EVALUATION_EXCLUDED = "evaluation_excluded", InvalidTransition
    APPEAL_DECIDED = "appeal_decided", InvalidTransition
