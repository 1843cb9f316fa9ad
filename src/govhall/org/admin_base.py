"""The admin base every app uses: rows and choices limited to what the user's scope allows."""

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db import models
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin

from govhall.core.admin import ReadOnlyMixin
from govhall.core.models import Center
from govhall.org.scoping import scope_for


class ScopedAdmin(SimpleHistoryAdmin):
    """Admin limited to the user's centre and, for unit roles, department.

    `scope_department_field` is the path to the record's department: `CenterScopedAdmin` for
    records of the whole centre (None), `StaffScopedAdmin` for those of a staff member.
    """

    scope_center_field = "center"
    scope_department_field: str | None = "department"

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return scope_for(request.user).filter(
            super().get_queryset(request),
            center_field=self.scope_center_field,
            department_field=self.scope_department_field,
        )

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> Any:
        scope = scope_for(request.user)
        related = db_field.related_model
        if not scope.all_centers:
            if related is Center:
                kwargs["queryset"] = Center.objects.filter(pk=scope.center_id)
            elif any(f.name == "center" for f in related._meta.fields):
                department_field = (
                    "pk" if related._meta.label == "org.Department" else self._dept_field(related)
                )
                kwargs["queryset"] = scope.filter(
                    related._default_manager.all(), department_field=department_field
                )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(
        self, db_field: models.ManyToManyField, request: HttpRequest, **kwargs: Any
    ) -> Any:
        scope = scope_for(request.user)
        related = db_field.related_model
        if not scope.all_centers and any(f.name == "center" for f in related._meta.fields):
            kwargs["queryset"] = scope.filter(related._default_manager.all(), department_field=None)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @staticmethod
    def _dept_field(model: type[models.Model]) -> str | None:
        return "department" if any(f.name == "department" for f in model._meta.fields) else None

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        scope = scope_for(request.user)
        if not change and getattr(obj, "center_id", None) is None and scope.center_id:
            obj.center_id = scope.center_id
        super().save_model(request, obj, form, change)

    def _outside_scope(self, request: HttpRequest, object_id: str) -> HttpResponse | None:
        """Django's "no such object" answer when the object is not in the user's scope."""
        if self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            return None
        return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)

    # simple-history's views read the history table directly; keep them inside the scope too,
    # or a unit's people could read (and revert) another department's records by URL.
    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        refused = self._outside_scope(request, object_id)
        if refused is not None:
            return refused
        if not hasattr(self.model._meta, "simple_history_manager_attribute"):
            # A model that keeps no history rows (a rating, written once and never changed):
            # Django's own log of admin actions, not simple-history's page, which needs them.
            return admin.ModelAdmin.history_view(self, request, object_id, extra_context)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        refused = self._outside_scope(request, object_id)
        return refused or super().history_form_view(request, object_id, version_id, extra_context)


class CenterScopedAdmin(ScopedAdmin):
    """Admin of records that belong to the whole centre (its settings, rubrics, calendars)."""

    scope_department_field = None


class StaffScopedAdmin(ScopedAdmin):
    """Admin of one staff member's records: a unit sees those of its own people."""

    scope_department_field = "staff__department"


class RowsInline(admin.TabularInline):
    """The rows of a record, edited under it; no blank forms beyond the "add another" ones."""

    extra = 0


class ReadOnlyInline(ReadOnlyMixin, RowsInline):
    """The rows of a record's timeline or ledger, shown under it and never edited."""

    can_delete = False


class ActorEventInline(ReadOnlyInline):
    """The timeline of a record whose events are `core.models.ActorEvent`s."""

    fields = ("at", "kind", "actor", "details")
    readonly_fields = fields


def timeline_inline(event_model: type[models.Model]) -> type[ActorEventInline]:
    """The `ActorEventInline` of `event_model`, for the `inlines` of the record it belongs to."""
    return type(f"{event_model.__name__}Inline", (ActorEventInline,), {"model": event_model})
