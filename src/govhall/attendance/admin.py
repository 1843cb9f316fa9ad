"""Admin of attendance, limited to the user's scope (ScopedAdmin). Derived rows are read-only:
they change only by recomputing the day (`govhall attendance-derive`)."""

from django.contrib import admin
from django.http import HttpRequest

from govhall.attendance.models import (
    AttendanceRecord,
    AttendanceSettings,
    DutyAssignment,
    Inspection,
    LeaveEvent,
    LeaveRequest,
    PostAbsence,
    Punch,
    PunchImport,
    Session,
    StaffAssignment,
    TemporaryAbsence,
    Timetable,
    Violation,
    ViolationCategory,
    ViolationEvent,
)
from govhall.org.admin_base import (
    CenterScopedAdmin,
    ReadOnlyInline,
    ReadOnlyMixin,
    RowsInline,
    ScopedAdmin,
    StaffScopedAdmin,
)


class NoDeleteMixin:
    """Nothing a report counts is deleted: void or cancel it instead."""

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(AttendanceSettings)
class AttendanceSettingsAdmin(NoDeleteMixin, CenterScopedAdmin):
    list_display = (
        "center",
        "late_tolerance_minutes",
        "early_tolerance_minutes",
        "pause_limit_minutes",
        "post_gap_minutes",
    )


class SessionInline(RowsInline):
    model = Session


@admin.register(Timetable)
class TimetableAdmin(CenterScopedAdmin):
    list_display = ("name", "valid_from", "valid_to", "is_active")
    list_filter = ("is_active",)
    inlines = [SessionInline]


@admin.register(DutyAssignment)
class DutyAssignmentAdmin(NoDeleteMixin, StaffScopedAdmin):
    list_display = ("date", "staff", "note", "cancelled")
    list_filter = ("cancelled",)
    date_hierarchy = "date"
    autocomplete_fields = ("staff",)


@admin.register(Punch)
class PunchAdmin(NoDeleteMixin, StaffScopedAdmin):
    list_display = ("punched_at", "staff", "kind", "source", "window", "voided")
    list_filter = ("source", "kind", "voided")
    search_fields = ("staff__staff_number", "staff__user__full_name")
    date_hierarchy = "punched_at"
    readonly_fields = ("source", "reference", "batch", "entered_by")
    autocomplete_fields = ("staff",)


@admin.register(PunchImport)
class PunchImportAdmin(ReadOnlyMixin, CenterScopedAdmin):
    list_display = ("imported_at", "filename", "rows", "created", "skipped", "imported_by")


class LeaveEventInline(ReadOnlyInline):
    model = LeaveEvent


@admin.register(LeaveRequest)
class LeaveRequestAdmin(NoDeleteMixin, ScopedAdmin):
    list_display = ("staff", "department", "kind", "start", "end", "status", "returned_at")
    list_filter = ("status", "kind", "department")
    search_fields = ("staff__staff_number", "staff__user__full_name", "reason")
    date_hierarchy = "start"
    readonly_fields = ("status", "returned_at")
    inlines = [LeaveEventInline]
    autocomplete_fields = ("staff",)


@admin.register(TemporaryAbsence)
class TemporaryAbsenceAdmin(NoDeleteMixin, ScopedAdmin):
    list_display = ("staff", "department", "left_at", "returned_at", "reason")
    list_filter = ("department",)
    date_hierarchy = "left_at"
    autocomplete_fields = ("staff",)


@admin.register(AttendanceRecord)
class AttendanceRecordAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = (
        "date",
        "session_name",
        "staff",
        "department",
        "status",
        "check_in",
        "check_out",
        "late_minutes",
        "early_minutes",
        "missing_punches",
    )
    list_filter = ("status", "department", "on_duty_roster")
    date_hierarchy = "date"
    search_fields = ("staff__staff_number", "staff__user__full_name")


@admin.register(PostAbsence)
class PostAbsenceAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ("date", "window", "department", "staff", "kind", "started_at", "minutes")
    list_filter = ("kind", "department")
    date_hierarchy = "date"


@admin.register(ViolationCategory)
class ViolationCategoryAdmin(NoDeleteMixin, CenterScopedAdmin):
    list_display = ("name", "default_points", "sort_order", "is_active")
    list_editable = ("default_points", "sort_order", "is_active")


class ViolationEventInline(ReadOnlyInline):
    model = ViolationEvent


@admin.register(Inspection)
class InspectionAdmin(NoDeleteMixin, CenterScopedAdmin):
    list_display = ("started_at", "ended_at", "inspector", "area")
    date_hierarchy = "started_at"


@admin.register(Violation)
class ViolationAdmin(NoDeleteMixin, ScopedAdmin):
    list_display = ("occurred_at", "staff", "department", "window", "category", "points", "status")
    list_filter = ("status", "category", "department")
    date_hierarchy = "occurred_at"
    readonly_fields = ("status",)
    inlines = [ViolationEventInline]
    autocomplete_fields = ("staff",)


@admin.register(StaffAssignment)
class StaffAssignmentAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ("staff", "department", "started_at", "ended_at", "reason", "changed_by")
    list_filter = ("department",)
    date_hierarchy = "started_at"
