"""Writes of attendance: one function per business action, each one transaction, by topic.

Authorisation of a person's action is checked here (actor + scope), so the pages and the API
behave the same. `from govhall.attendance import services; services.request_leave(...)` keeps
working: this package re-exports every public service of its modules.
"""

from govhall.attendance.services.assignments import change_assignment, sync_assignments
from govhall.attendance.services.derivation import (
    REGISTERED_PAUSE_REASONS,
    DeriveResult,
    derive_day,
    derive_days,
    derive_for,
    derive_range,
    rederive_after_calendar_change,
)
from govhall.attendance.services.duty import cancel_duty, create_timetable, schedule_duty
from govhall.attendance.services.inspections import (
    appeal_violation,
    decide_appeal,
    finish_inspection,
    record_violation,
    seed_violation_categories,
    start_inspection,
)
from govhall.attendance.services.leave import (
    approve_leave_as_center,
    approve_leave_as_unit,
    cancel_leave,
    register_return,
    register_temporary_absence,
    reject_leave,
    report_back,
    request_leave,
)
from govhall.attendance.services.punches import (
    ImportReport,
    enter_punch,
    import_punches,
    record_terminal_punches,
    self_punch,
    terminal_reference,
    void_punch,
)

__all__ = [
    "REGISTERED_PAUSE_REASONS",
    "DeriveResult",
    "ImportReport",
    "appeal_violation",
    "approve_leave_as_center",
    "approve_leave_as_unit",
    "cancel_duty",
    "cancel_leave",
    "change_assignment",
    "create_timetable",
    "decide_appeal",
    "derive_day",
    "derive_days",
    "derive_for",
    "derive_range",
    "enter_punch",
    "finish_inspection",
    "import_punches",
    "record_terminal_punches",
    "record_violation",
    "rederive_after_calendar_change",
    "register_return",
    "register_temporary_absence",
    "reject_leave",
    "report_back",
    "request_leave",
    "schedule_duty",
    "seed_violation_categories",
    "self_punch",
    "start_inspection",
    "sync_assignments",
    "terminal_reference",
    "void_punch",
]
