"""Supervision's catalogue of refusals: `raise SupervisionError.ALREADY_SIGNED(_("..."))`
answers `{"code": "already_signed", ...}` with 409 (docs/architecture.md has the table)."""

from govhall.core.error_codes import ErrorCode
from govhall.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)


class SupervisionError(ErrorCode):
    # Who may act (403) and what exists (404).
    NO_ROLE = "no_role", PermissionDenied
    OTHER_CENTER = "other_center", PermissionDenied
    NOT_YOUR_LIST = "not_your_list", PermissionDenied
    DEADLINE_CENTER_ONLY = "deadline_center_only", PermissionDenied
    CAMPAIGN_NOT_FOUND = "campaign_not_found", NotFound
    PROBLEM_NOT_FOUND = "problem_not_found", NotFound
    SOURCE_NOT_FOUND = "source_not_found", NotFound
    # Input (400).
    FIELD_REQUIRED = "field_required", ValidationFailed
    TIME_IN_FUTURE = "time_in_future", ValidationFailed
    BAD_PERIOD = "bad_period", ValidationFailed
    UNKNOWN_SOURCE = "unknown_source", ValidationFailed
    NO_CATEGORIES = "no_categories", ValidationFailed
    PHASES_REQUIRED = "phases_required", ValidationFailed
    PHASES_OUT_OF_ORDER = "phases_out_of_order", ValidationFailed
    UNIT_OUTSIDE_CENTER = "unit_outside_center", ValidationFailed
    NO_UNITS = "no_units", ValidationFailed
    UNIT_NOT_IN_CAMPAIGN = "unit_not_in_campaign", ValidationFailed
    CATEGORY_NOT_IN_CAMPAIGN = "category_not_in_campaign", ValidationFailed
    DEADLINE_REQUIRED = "deadline_required", ValidationFailed
    DEADLINE_BEFORE_FOUND = "deadline_before_found", ValidationFailed
    FIXED_BEFORE_FOUND = "fixed_before_found", ValidationFailed
    BEFORE_LAST_STEP = "before_last_step", ValidationFailed
    FOUND_BY_DATA_ONLY = "found_by_data_only", ValidationFailed
    FOUND_BY_INVALID = "found_by_invalid", ValidationFailed
    ZERO_REPORT_WITH_LINES = "zero_report_with_lines", ValidationFailed
    CENSUS_WITHOUT_LINES = "census_without_lines", ValidationFailed
    # The state of the record (409).
    ALREADY_SIGNED = "already_signed", Conflict
    PROBLEMS_STILL_OPEN = "problems_still_open", InvalidTransition
    PROBLEM_NOT_OPEN = "problem_not_open", InvalidTransition
    PROBLEM_NOT_FIXED = "problem_not_fixed", InvalidTransition
    PROBLEM_CONFIRMED = "problem_confirmed", InvalidTransition
    CAMPAIGN_ENDED = "campaign_ended", InvalidTransition
