from django.contrib import admin

from govhall.org.admin_base import ScopedAdmin
from govhall.org.models import Department, StaffProfile, Window


@admin.register(Department)
class DepartmentAdmin(ScopedAdmin):
    scope_department_field = "pk"
    list_display = ("name", "short_name", "uscc", "entered", "lead", "is_active")
    list_filter = ("entered", "is_active", "center")
    search_fields = ("name", "short_name", "uscc")


@admin.register(Window)
class WindowAdmin(ScopedAdmin):
    scope_department_field = "departments"
    list_display = ("number", "name", "floor", "area", "kind", "is_open")
    list_filter = ("kind", "is_open", "floor", "center")
    search_fields = ("number", "name")
    filter_horizontal = ("departments",)

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()


@admin.register(StaffProfile)
class StaffProfileAdmin(ScopedAdmin):
    list_display = ("staff_number", "user", "department", "phone", "active")
    list_filter = ("active", "department", "center")
    search_fields = ("staff_number", "user__username", "user__full_name", "phone")
    filter_horizontal = ("windows",)
    autocomplete_fields = ("user",)
