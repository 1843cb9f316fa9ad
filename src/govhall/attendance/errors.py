"""The codes attendance answers with when it refuses (see `core.error_codes`), listed with
their statuses in docs/architecture.md."""

from govhall.core.error_codes import ErrorCode
from govhall.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)


class AttendanceError(ErrorCode):
    # Who may act (403) and what they may see (404).
    NO_ROLE = "no_role", PermissionDenied
    NO_CENTER = "no_center", PermissionDenied
    NO_STAFF_PROFILE = "no_staff_profile", PermissionDenied
    NOT_AN_APPROVER = "not_an_approver", PermissionDenied
    CENTER_ONLY = "center_only", PermissionDenied
    OWN_LEAVE_APPROVAL = "own_leave_approval", PermissionDenied
    NOT_OWN_LEAVE = "not_own_leave", PermissionDenied
    APPEAL_NOT_ALLOWED = "appeal_not_allowed", PermissionDenied
    RECORD_NOT_FOUND = "record_not_found", NotFound
    # Input (400).
    REASON_REQUIRED = "reason_required", ValidationFailed
    TIME_IN_FUTURE = "time_in_future", ValidationFailed
    OTHER_CENTER = "other_center", ValidationFailed
    BAD_PERIOD = "bad_period", ValidationFailed
    TIMETABLE_EMPTY = "timetable_empty", ValidationFailed
    SESSIONS_OVERLAP = "sessions_overlap", ValidationFailed
    DUTY_ON_WORKDAY = "duty_on_workday", ValidationFailed
    PUNCH_TIME_NAIVE = "punch_time_naive", ValidationFailed
    PUNCH_KIND_INVALID = "punch_kind_invalid", ValidationFailed
    PUNCH_FILE_INVALID = "punch_file_invalid", ValidationFailed
    CATEGORY_INACTIVE = "category_inactive", ValidationFailed
    RETURN_TOO_EARLY = "return_too_early", ValidationFailed
    ASSIGNMENT_UNCHANGED = "assignment_unchanged", ValidationFailed
    # The state of the record (409).
    DUTY_EXISTS = "duty_exists", Conflict
    PUNCH_EXISTS = "punch_exists", Conflict
    LEAVE_OVERLAPS = "leave_overlaps", Conflict
    ABSENCE_STILL_OPEN = "absence_still_open", Conflict
    LEAVE_WRONG_STEP = "leave_wrong_step", InvalidTransition
    LEAVE_ALREADY_RETURNED = "leave_already_returned", InvalidTransition
    ABSENCE_ALREADY_RETURNED = "absence_already_returned", InvalidTransition
    INSPECTION_FINISHED = "inspection_finished", InvalidTransition
    VIOLATION_NOT_APPEALABLE = "violation_not_appealable", InvalidTransition
    NO_PENDING_APPEAL = "no_pending_appeal", InvalidTransition
