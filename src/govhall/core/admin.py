from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from govhall.core.models import (
    Center,
    OutboxEvent,
    SecurityEvent,
    User,
    WorkCalendarDay,
    WorkCalendarYear,
)
from govhall.core.services import create_center, record_security_event

admin.site.site_header = _("govhall 政务服务大厅管理")
admin.site.site_title = _("govhall 管理")
admin.site.index_title = _("管理首页")


@admin.register(Center)
class CenterAdmin(SimpleHistoryAdmin):
    list_display = ("name", "level", "region_code", "parent", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("name", "region_code")

    def save_model(self, request: HttpRequest, obj: Center, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
        else:
            create_center(obj)


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    """Accounts. A centre administrator manages the accounts of their own centre only, and can
    neither make superusers nor hand out single permissions (roles are groups)."""

    list_display = ("username", "full_name", "center", "is_active", "is_staff")
    list_filter = ("center", "groups", "is_active", "is_staff")
    search_fields = ("username", "full_name")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("政务服务"), {"fields": ("center", "full_name")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("政务服务"), {"fields": ("center", "full_name")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        users = super().get_queryset(request)
        if request.user.is_superuser and request.user.center_id is None:
            return users
        return users.filter(center_id=request.user.center_id, is_superuser=False)

    def get_fieldsets(self, request: HttpRequest, obj: User | None = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        hidden = {"is_superuser", "user_permissions"}
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f not in hidden]})
            for name, opts in fieldsets
        ]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "center" and not request.user.is_superuser:
            kwargs["queryset"] = Center.objects.filter(pk=request.user.center_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if not request.user.is_superuser:
            obj.center_id = request.user.center_id
            obj.is_superuser = False
        obj._access_before = _access(User.objects.filter(pk=obj.pk).first())
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Every change of an account's roles, permissions or flags goes to the audit trail."""
        super().save_related(request, form, formsets, change)
        user = form.instance
        before, after = getattr(user, "_access_before", _access(None)), _access(user)
        changes = {
            k: {"before": before[k], "after": after[k]} for k in after if before[k] != after[k]
        }
        if changes:
            record_security_event(
                kind=SecurityEvent.Kind.PERMISSION_CHANGED,
                request=request,
                target=f"user:{user.pk} {user.get_username()}",
                detail=changes,
            )


def _access(user: User | None) -> dict[str, Any]:
    """What an account may do: its flags, role groups and own permissions (for the audit)."""
    if user is None:
        return {
            "is_active": None,
            "is_staff": None,
            "is_superuser": None,
            "groups": [],
            "permissions": [],
        }
    return {
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "permissions": sorted(
            f"{app}.{code}"
            for app, code in user.user_permissions.values_list(
                "content_type__app_label", "codename"
            )
        ),
    }


class ReadOnlyMixin:
    """For records the services write (events, ledgers): the admin shows them, never edits."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# The working-day calendar changes only through `govhall calendar import` (docs/calendar.md):
# the file is checked whole and every deadline that depends on it is recomputed; an edit here
# would do neither, and the calendar cached by every process would not see it.


class WorkCalendarDayInline(ReadOnlyMixin, admin.TabularInline):
    model = WorkCalendarDay
    extra = 0


@admin.register(WorkCalendarYear)
class WorkCalendarYearAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ("year", "source", "official", "updated_at")
    list_filter = ("source", "official")
    inlines = [WorkCalendarDayInline]


@admin.register(WorkCalendarDay)
class WorkCalendarDayAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ("date", "kind", "name")
    list_filter = ("kind", "year")
    search_fields = ("name",)
    date_hierarchy = "date"


@admin.register(OutboxEvent)
class OutboxEventAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "center",
        "kind",
        "stream",
        "status",
        "attempts",
        "created_at",
        "acked_at",
    )
    list_filter = ("status", "kind", "center")
    search_fields = ("stream", "idempotency_key")
    readonly_fields = [f.name for f in OutboxEvent._meta.fields]


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """The security audit trail: read only for everyone, superusers included; a centre
    administrator sees their own centre's rows."""

    list_display = ("created_at", "kind", "username", "address", "center", "target")
    list_filter = ("kind", "center")
    search_fields = ("username", "address", "target")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in SecurityEvent._meta.fields]

    def get_queryset(self, request: HttpRequest) -> QuerySet[SecurityEvent]:
        events = super().get_queryset(request)
        if request.user.is_superuser and request.user.center_id is None:
            return events
        return events.filter(center_id=request.user.center_id)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
