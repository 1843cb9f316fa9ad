"""The codes the queue answers with when it refuses (see `core.error_codes`), listed with their
statuses in docs/architecture.md. The kiosk, the terminal and the API clients read some of them
(`paused`, `busy`, `capacity_reached`, ...): their values are part of the API."""

from govhall.core.error_codes import ErrorCode
from govhall.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)


class QueueError(ErrorCode):
    # Who may work a window (403).
    NO_CENTER = "no_center", PermissionDenied
    NO_STAFF_PROFILE = "no_staff_profile", PermissionDenied
    STAFF_INACTIVE = "staff_inactive", PermissionDenied
    NOT_ASSIGNED = "not_assigned", PermissionDenied
    OTHER_WINDOW = "other_window", PermissionDenied
    # What exists (404).
    CENTER_NOT_FOUND = "center_not_found", NotFound
    CATEGORY_NOT_FOUND = "category_not_found", NotFound
    TICKET_NOT_FOUND = "ticket_not_found", NotFound
    APPOINTMENT_NOT_FOUND = "appointment_not_found", NotFound
    OTHER_CENTER = "other_center", NotFound
    UNKNOWN_ACTION = "unknown_action", NotFound
    # Input (400).
    INPUT_INVALID = "input_invalid", ValidationFailed
    CHANNEL_INVALID = "channel_invalid", ValidationFailed
    PRIORITY_INVALID = "priority_invalid", ValidationFailed
    ITEM_NOT_IN_CATEGORY = "item_not_in_category", ValidationFailed
    PAUSE_REASON_INVALID = "pause_reason_invalid", ValidationFailed
    NOTE_REQUIRED = "note_required", ValidationFailed
    DAY_NOT_BOOKABLE = "day_not_bookable", ValidationFailed
    SLOT_INVALID = "slot_invalid", ValidationFailed
    SLOT_STARTED = "slot_started", ValidationFailed
    TARGET_REQUIRED = "target_required", ValidationFailed
    SAME_WINDOW = "same_window", ValidationFailed
    # The state of the queue (409).
    BUSY = "busy", Conflict
    TAKEN = "taken", Conflict
    CAPACITY_REACHED = "capacity_reached", Conflict
    ALREADY_WAITING = "already_waiting", Conflict
    NUMBER_CONFLICT = "number_conflict", Conflict
    SLOT_FULL = "slot_full", Conflict
    DAILY_LIMIT = "daily_limit", Conflict
    PAUSED = "paused", InvalidTransition
    NOT_PAUSED = "not_paused", InvalidTransition
    CLOSED = "closed", InvalidTransition
    CATEGORY_INACTIVE = "category_inactive", InvalidTransition
    TICKET_WRONG_STATE = "ticket_wrong_state", InvalidTransition
    NO_CURRENT_TICKET = "no_current_ticket", InvalidTransition
    RECALL_LIMIT = "recall_limit", InvalidTransition
    RECALL_COOLDOWN = "recall_cooldown", InvalidTransition
    RECALLS_LEFT = "recalls_left", InvalidTransition
    NO_APPOINTMENTS = "no_appointments", InvalidTransition
    APPOINTMENT_NOT_BOOKED = "appointment_not_booked", InvalidTransition
    TOO_EARLY = "too_early", InvalidTransition
    TOO_LATE = "too_late", InvalidTransition
