from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from govhall.core.models import Center, OutboxEvent, User, WorkCalendarDay, WorkCalendarYear

admin.site.site_header = _("govhall 政务服务大厅管理")
admin.site.site_title = _("govhall 管理")
admin.site.index_title = _("管理首页")


@admin.register(Center)
class CenterAdmin(SimpleHistoryAdmin):
    list_display = ("name", "level", "region_code", "parent", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("name", "region_code")


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    list_display = ("username", "full_name", "center", "is_active", "is_staff")
    list_filter = ("center", "groups", "is_active", "is_staff")
    search_fields = ("username", "full_name")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("政务服务"), {"fields": ("center", "full_name")}),
    )


class WorkCalendarDayInline(admin.TabularInline):
    model = WorkCalendarDay
    extra = 0


@admin.register(WorkCalendarYear)
class WorkCalendarYearAdmin(SimpleHistoryAdmin):
    list_display = ("year", "source", "official", "updated_at")
    list_filter = ("source", "official")
    inlines = [WorkCalendarDayInline]


@admin.register(WorkCalendarDay)
class WorkCalendarDayAdmin(SimpleHistoryAdmin):
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
