"""The codes the evaluation answers with when it refuses (see `core.error_codes`), listed with
their statuses in docs/architecture.md."""

from govhall.core.error_codes import ErrorCode
from govhall.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)


class PerformanceError(ErrorCode):
    # Who may act (403) and what exists (404).
    NO_CENTER = "no_center", PermissionDenied
    CENTER_WIDE_ONLY = "center_wide_only", PermissionDenied
    RUN_NOT_FOUND = "run_not_found", NotFound
    PERIOD_NOT_EVALUATED = "period_not_evaluated", NotFound
    DIMENSION_NOT_FOUND = "dimension_not_found", NotFound
    DIMENSION_OR_UNIT_NOT_FOUND = "dimension_or_unit_not_found", NotFound
    # Input (400).
    BAD_PERIOD = "bad_period", ValidationFailed
    BAD_YEAR = "bad_year", ValidationFailed
    FUTURE_PERIOD = "future_period", ValidationFailed
    EMPTY_PERIOD = "empty_period", ValidationFailed
    BAD_RUBRIC = "bad_rubric", ValidationFailed
    NOT_ENTERED_DIMENSION = "not_entered_dimension", ValidationFailed
    BAD_SCORE = "bad_score", ValidationFailed
    CHECK_FAILED = "check_failed", ValidationFailed
    PUBLISHED_DATE = "published_date", ValidationFailed
    # The state of the record (409).
    RUN_NOT_DRAFT = "run_not_draft", InvalidTransition
    NEWER_RUN_EXISTS = "newer_run_exists", Conflict
