from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from govhall.org.admin_base import (
    CenterScopedAdmin,
    ReadOnlyInline,
    ReadOnlyMixin,
    ScopedAdmin,
    StaffScopedAdmin,
)
from govhall.org.scoping import scope_for
from govhall.queueing.models import (
    Appointment,
    QueueCategory,
    QueueSettings,
    Ticket,
    TicketEvent,
    WindowPause,
    WindowSession,
)


@admin.register(QueueSettings)
class QueueSettingsAdmin(SimpleHistoryAdmin):
    list_display = ("center", "closing_policy", "recall_limit", "wait_alert_minutes")

    def get_queryset(self, request: HttpRequest):
        scope = scope_for(request.user)
        return scope.filter(super().get_queryset(request), department_field=None)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(QueueCategory)
class QueueCategoryAdmin(CenterScopedAdmin):
    list_display = (
        "prefix",
        "name",
        "floor",
        "daily_capacity",
        "appointment_capacity",
        "is_active",
    )
    list_filter = ("is_active", "center")
    search_fields = ("prefix", "name")
    filter_horizontal = ("departments", "items", "windows")


class TicketEventInline(ReadOnlyInline):
    model = TicketEvent
    fields = ("at", "kind", "window", "staff", "actor", "details")
    readonly_fields = fields


class MaskedContactMixin:
    """The applicant's phone and ID number as the admin shows them: masked, never in full."""

    exclude = ("phone", "id_number")

    @admin.display(description=_("手机号"))
    def masked_phone(self, obj: Ticket | Appointment) -> str:
        return obj.masked_phone

    @admin.display(description=_("身份证号"))
    def masked_id_number(self, obj: Ticket | Appointment) -> str:
        return obj.masked_id_number


@admin.register(Ticket)
class TicketAdmin(MaskedContactMixin, ReadOnlyMixin, ScopedAdmin):
    list_display = (
        "number",
        "issue_date",
        "category",
        "state",
        "channel",
        "priority",
        "window",
        "staff",
        "issued_at",
        "called_at",
        "finished_at",
        "masked_phone",
    )
    list_filter = ("state", "channel", "priority", "category", "issue_date")
    search_fields = ("number",)
    date_hierarchy = "issue_date"
    readonly_fields = ("masked_phone", "masked_id_number")
    inlines = [TicketEventInline]
    list_select_related = ("category", "window", "staff__user")


@admin.register(Appointment)
class AppointmentAdmin(MaskedContactMixin, CenterScopedAdmin):
    list_display = ("code", "date", "slot_start", "category", "name", "masked_phone", "state")
    list_filter = ("state", "category", "date")
    search_fields = ("code", "name")
    readonly_fields = ("code", "masked_phone", "masked_id_number", "booked_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(WindowSession)
class WindowSessionAdmin(ReadOnlyMixin, StaffScopedAdmin):
    list_display = ("window", "staff", "opened_at", "closed_at")
    list_filter = ("window",)
    date_hierarchy = "opened_at"


@admin.register(WindowPause)
class WindowPauseAdmin(ReadOnlyMixin, StaffScopedAdmin):
    list_display = ("window", "staff", "reason", "note", "started_at", "ended_at")
    list_filter = ("reason", "window")
    date_hierarchy = "started_at"
