"""The codes cases (办件 and 联办件) answers with when it refuses (see `core.error_codes`):
`raise CaseError.ALREADY_EXTENDED(_("..."))` answers `{"code": "already_extended", ...}` with
409. docs/architecture.md lists them with their statuses."""

from govhall.core.error_codes import ErrorCode
from govhall.core.errors import (
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)


class CaseError(ErrorCode):
    # Who may act (403) and what they may see (404).
    LOGIN_REQUIRED = "login_required", PermissionDenied
    NO_CENTER = "no_center", PermissionDenied
    OTHER_CENTER = "other_center", PermissionDenied
    CENTER_ONLY = "center_only", PermissionDenied
    WINDOW_NOT_FOR_ITEM = "window_not_for_item", PermissionDenied
    NOT_LEAD = "not_lead", PermissionDenied
    LEAD_WINDOW_ONLY = "lead_window_only", PermissionDenied
    CASE_NOT_FOUND = "case_not_found", NotFound
    JOINT_NOT_FOUND = "joint_not_found", NotFound
    NOT_A_STEP = "not_a_step", NotFound
    UNKNOWN_ACTION = "unknown_action", NotFound
    # Input (400).
    CASE_INVALID = "case_invalid", ValidationFailed
    APPLICANT_INVALID = "applicant_invalid", ValidationFailed
    REASON_REQUIRED = "reason_required", ValidationFailed
    CORRECTION_CONTENT_REQUIRED = "correction_content_required", ValidationFailed
    REPEAT_REASON_REQUIRED = "repeat_reason_required", ValidationFailed
    EXTENSION_DAYS_INVALID = "extension_days_invalid", ValidationFailed
    WINDOW_CHANNEL = "window_channel", ValidationFailed
    MODE_INVALID = "mode_invalid", ValidationFailed
    MATERIAL_NOT_LISTED = "material_not_listed", ValidationFailed
    MATERIALS_OVERLAP = "materials_overlap", ValidationFailed
    MATERIALS_INCOMPLETE = "materials_incomplete", ValidationFailed
    MISSING_MATERIALS_REQUIRED = "missing_materials_required", ValidationFailed
    MISSING_MODE_REQUIRED = "missing_mode_required", ValidationFailed
    SUPPLY_BY_TOO_EARLY = "supply_by_too_early", ValidationFailed
    WINDOW_OTHER_CENTER = "window_other_center", ValidationFailed
    TICKET_INVALID = "ticket_invalid", ValidationFailed
    ITEM_INACTIVE = "item_inactive", ValidationFailed
    PACKAGE_INACTIVE = "package_inactive", ValidationFailed
    PACKAGE_TOO_SMALL = "package_too_small", ValidationFailed
    ITEM_NOT_IN_PACKAGE = "item_not_in_package", ValidationFailed
    SPECIAL_KIND_INVALID = "special_kind_invalid", ValidationFailed
    SPECIAL_DAYS_REQUIRED = "special_days_required", ValidationFailed
    DELIVERY_METHOD_INVALID = "delivery_method_invalid", ValidationFailed
    TRACKING_NUMBER_REQUIRED = "tracking_number_required", ValidationFailed
    PICKUP_WINDOW_INVALID = "pickup_window_invalid", ValidationFailed
    FILE_EMPTY = "file_empty", ValidationFailed
    BAD_HEADER = "bad_header", ValidationFailed
    NO_ROWS = "no_rows", ValidationFailed
    # The state of the record (409).
    WRONG_STATE = "wrong_state", InvalidTransition
    ALREADY_EXTENDED = "already_extended", InvalidTransition
    PAST_DUE = "past_due", InvalidTransition
    MATERIALS_OUTSTANDING = "materials_outstanding", InvalidTransition
    NO_MISSING_MATERIALS = "no_missing_materials", InvalidTransition
    NO_PENDING_COMMITMENT = "no_pending_commitment", InvalidTransition
    JOINT_NOT_RUNNING = "joint_not_running", InvalidTransition
