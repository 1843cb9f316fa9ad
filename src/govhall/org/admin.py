from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from govhall.org.admin_base import ScopedAdmin
from govhall.org.admin_filters import CenterFilterMixin, ScopedDepartmentFilter
from govhall.org.models import Department, StaffProfile, Window


@admin.register(Department)
class DepartmentAdmin(CenterFilterMixin, ScopedAdmin):
    scope_department_field = "pk"
    list_display = (
        "name",
        "short_name",
        "kind",
        "uscc",
        "entered",
        "lead",
        "sort_order",
        "is_active",
    )
    list_filter = ("kind", "entered", "is_active", "center")
    search_fields = ("name", "short_name", "uscc")
    list_select_related = ("lead",)


@admin.register(Window)
class WindowAdmin(CenterFilterMixin, ScopedAdmin):
    scope_department_field = "departments"
    list_display = ("number", "name", "floor", "area", "kind", "is_open")
    list_filter = ("kind", "is_open", "floor", "center")
    search_fields = ("number", "name")
    filter_horizontal = ("departments",)

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).distinct()


@admin.register(StaffProfile)
class StaffProfileAdmin(CenterFilterMixin, ScopedAdmin):
    list_display = ("staff_number", "user", "department", "phone", "active")
    list_filter = (ScopedDepartmentFilter, "active", "center")
    search_fields = ("staff_number", "user__username", "user__full_name", "phone")
    list_select_related = ("user", "department")
    filter_horizontal = ("windows",)
