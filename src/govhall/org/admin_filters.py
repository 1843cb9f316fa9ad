"""Admin list filters that offer only what the user's scope lets them see."""

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from govhall.org.models import Department
from govhall.org.scoping import scope_for


class CenterFilterMixin:
    """Keep the "center" list filter only for those who see several centres."""

    def get_list_filter(self, request: HttpRequest) -> Any:
        filters = super().get_list_filter(request)  # type: ignore[misc]
        if scope_for(request.user).all_centers:
            return filters
        return tuple(f for f in filters if f != "center")


class ScopedDepartmentFilter(admin.SimpleListFilter):
    """Filter by department, listing only the departments the user may see."""

    title = _("单位")
    parameter_name = "department"
    department_path = "department"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[Any, str]]:
        departments = scope_for(request.user).filter(
            Department.objects.all(), department_field="pk"
        )
        return [(d.pk, d.name) for d in departments.order_by("sort_order", "name")]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet) -> models.QuerySet:
        value = self.value()
        if value and str(value).isdigit():
            return queryset.filter(**{self.department_path: value})
        return queryset
