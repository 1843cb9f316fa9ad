"""Admin of the catalogue: themes, items with their materials, materials, the centre's settings."""

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from govhall.catalog.models import CatalogSettings, Material, ServiceItem, Theme
from govhall.org.admin_base import CenterScopedAdmin, RowsInline, ScopedAdmin
from govhall.org.admin_filters import CenterFilterMixin, ScopedDepartmentFilter
from govhall.org.scoping import scope_for


class ItemDepartmentFilter(ScopedDepartmentFilter):
    department_path = "item__department"


@admin.register(Theme)
class ThemeAdmin(CenterFilterMixin, CenterScopedAdmin):
    list_display = ("name", "audience", "sort_order", "item_count")
    list_filter = ("audience", "center")
    search_fields = ("name",)

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).annotate(n_items=models.Count("items"))

    @admin.display(description=_("事项数"), ordering="n_items")
    def item_count(self, obj: Theme) -> int:
        return obj.n_items


class MaterialInline(RowsInline):
    model = Material
    fields = (
        "sort_order",
        "name",
        "required",
        "originals",
        "copies",
        "needs_form",
        "form_file",
        "sample_file",
        "notes",
    )
    formfield_overrides = {
        models.TextField: {"widget": admin.widgets.AdminTextareaWidget(attrs={"rows": 2})}
    }


@admin.register(ServiceItem)
class ServiceItemAdmin(CenterFilterMixin, ScopedAdmin):
    list_display = (
        "name",
        "code",
        "department",
        "kind",
        "limits",
        "immediate",
        "online",
        "entered",
        "is_active",
        "guide_link",
    )
    list_filter = (
        ScopedDepartmentFilter,
        "kind",
        "entered",
        "window_authorized",
        "online",
        "immediate",
        "max_visits",
        "is_active",
        "themes",
        "center",
    )
    search_fields = ("code", "name", "keywords", "department__name", "materials__name")
    list_select_related = ("department",)
    filter_horizontal = ("themes", "windows")
    inlines = [MaterialInline]
    list_per_page = 50
    fieldsets = (
        (
            None,
            {"fields": ("center", "department", "code", "name", "keywords", "kind", "is_active")},
        ),
        (
            _("时限与办理方式"),
            {
                "fields": (
                    ("legal_limit_days", "promised_limit_days"),
                    ("immediate", "online", "max_visits"),
                    ("entered", "window_authorized"),
                )
            },
        ),
        (
            _("办事指南"),
            {
                "fields": (
                    "conditions",
                    "steps",
                    "step_count",
                    "fees",
                    "fee_amount",
                    "basis",
                    "location",
                    "hours",
                )
            },
        ),
        (_("咨询与监督"), {"fields": ("consult_phone", "supervise_phone")}),
        (_("主题与窗口"), {"fields": ("themes", "windows")}),
    )

    @admin.display(description=_("时限(法定/承诺)"), ordering="promised_limit_days")
    def limits(self, obj: ServiceItem) -> str:
        return f"{obj.legal_limit_days} / {obj.promised_limit_days}"

    @admin.display(description=_("公开指南"))
    def guide_link(self, obj: ServiceItem) -> str:
        return format_html(
            '<a href="{}" target="_blank">{}</a>',
            reverse("catalog:guide_detail", args=[obj.pk]),
            _("查看"),
        )


@admin.register(Material)
class MaterialAdmin(ScopedAdmin):
    scope_center_field = "item__center"
    scope_department_field = "item__department"
    list_display = ("name", "item", "required", "originals", "copies", "needs_form", "has_files")
    list_filter = (ItemDepartmentFilter, "required", "needs_form")
    search_fields = ("name", "item__name", "item__code")
    list_select_related = ("item",)
    autocomplete_fields = ("item",)

    @admin.display(description=_("表格/样表"), boolean=True)
    def has_files(self, obj: Material) -> bool:
        return not obj.needs_form or bool(obj.form_file and obj.sample_file)


@admin.register(CatalogSettings)
class CatalogSettingsAdmin(CenterScopedAdmin):
    list_display = ("center",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return scope_for(request.user).all_centers and super().has_add_permission(request)
