"""Admin of cases: scoped to the user's centre and department; edits go through history."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from govhall.cases.models import Case, CaseEvent, CaseSettings, ClockStop, JointPackage
from govhall.cases.services import recompute_deadlines
from govhall.org.admin_base import CenterScopedAdmin, ReadOnlyInline, ScopedAdmin


class CaseEventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ["at", "type", "actor", "from_state", "to_state", "details"]
    readonly_fields = fields


class ClockStopInline(ReadOnlyInline):
    model = ClockStop
    fields = ["kind", "started_on", "ended_on", "told_days", "reason"]
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(ScopedAdmin):
    """Cases change through their workflow (pages and API); the admin shows them read-only."""

    list_display = [
        "number",
        "item",
        "department",
        "applicant_name",
        "channel",
        "state",
        "result",
        "accepted_at",
        "due_date",
        "completed_late",
    ]
    list_filter = ["state", "result", "channel", "mode", "completed_late", "department"]
    search_fields = ["number", "applicant_name", "item__name", "item__code"]
    date_hierarchy = "accepted_at"
    list_select_related = ["item", "department"]
    inlines = [ClockStopInline, CaseEventInline]
    # Identifiers are stored whole and never shown whole: left out of the admin.
    readonly_fields = [
        f.name
        for f in Case._meta.fields
        if f.name not in ("id_number", "id_number_hash", "uscc", "phone", "phone_hash")
    ]
    exclude = ["id_number", "uscc", "phone"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CaseEvent)
class CaseEventAdmin(ScopedAdmin):
    scope_department_field = "case__department"
    list_display = ["case", "type", "at", "actor", "to_state"]
    list_filter = ["type"]
    search_fields = ["case__number"]
    list_select_related = ["case", "actor"]
    readonly_fields = [f.name for f in CaseEvent._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CaseSettings)
class CaseSettingsAdmin(CenterScopedAdmin):
    list_display = [
        "center",
        "yellow_on_last_day",
        "yellow_percent",
        "missing_materials_stop_clock",
        "missing_supply_days",
        "commitment_check_days",
    ]
    fieldsets = [
        (None, {"fields": ["center"]}),
        (_("红黄灯预警"), {"fields": ["yellow_on_last_day", "yellow_percent"]}),
        (
            _("容缺受理与告知承诺"),
            {
                "fields": [
                    "missing_materials_stop_clock",
                    "missing_supply_days",
                    "commitment_check_days",
                ]
            },
        ),
    ]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        recompute_deadlines(center_id=obj.center_id)


@admin.register(JointPackage)
class JointPackageAdmin(CenterScopedAdmin):
    """一件事: the items one application asks for, handled jointly under the lead department."""

    list_display = ["name", "lead_department", "limit_days", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "items__name"]
    filter_horizontal = ["items"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
