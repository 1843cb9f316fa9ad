"""Admin of rectification campaigns: the centre admin keeps campaigns (units, categories, phase
dates, documents); problem states, census and sign-offs change only through the services, so
their admin pages are read-only for those fields."""

import itertools
from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from govhall.org.admin_base import (
    CenterScopedAdmin,
    ReadOnlyInline,
    ReadOnlyMixin,
    RowsInline,
    ScopedAdmin,
    timeline_inline,
)
from govhall.supervision.models import (
    Campaign,
    CampaignDocument,
    CampaignUnit,
    CensusEntry,
    CensusReport,
    Phase,
    Problem,
    ProblemCategory,
    ProblemEvent,
    ProblemEvidence,
    SignOff,
    SupervisionSettings,
)


class CenterInline(RowsInline):
    exclude = ("center",)


class PhaseFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        ends = {
            f.cleaned_data["kind"]: f.cleaned_data["ends_on"]
            for f in self.forms
            if f.cleaned_data.get("kind") and f.cleaned_data.get("ends_on")
        }
        ordered = [ends[k] for k in Phase.ORDER if k in ends]
        if any(a >= b for a, b in itertools.pairwise(ordered)):
            raise ValidationError(
                _("各阶段的截止日期须依次为自查自纠、集中督查、巩固提升,逐个推后。")
            )


class PhaseInline(CenterInline):
    model = Phase
    formset = PhaseFormSet
    max_num = 3
    can_delete = False


class CategoryInline(CenterInline):
    model = ProblemCategory


class UnitInline(CenterInline):
    model = CampaignUnit


class DocumentInline(CenterInline):
    model = CampaignDocument
    readonly_fields = ("uploaded_by", "uploaded_at")


@admin.register(Campaign)
class CampaignAdmin(ScopedAdmin):
    scope_department_field = "units__department"
    list_display = ("title", "issuer", "issued_on", "census_due")
    search_fields = ("title", "issuer")
    readonly_fields = ("created_by", "created_at")
    exclude = ("center",)
    inlines = (PhaseInline, CategoryInline, UnitInline, DocumentInline)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a campaign is created on its page, with its phases and categories

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).distinct()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for instance in formset.save(commit=False):
            instance.center_id = form.instance.center_id
            if isinstance(instance, CampaignDocument) and not instance.uploaded_by_id:
                instance.uploaded_by = request.user
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


class EvidenceInline(ReadOnlyInline):
    model = ProblemEvidence
    fields = ("title", "file", "uploaded_by", "uploaded_at")
    readonly_fields = fields


@admin.register(Problem)
class ProblemAdmin(ReadOnlyMixin, ScopedAdmin):
    """Read-only: problems are recorded, edited, fixed, confirmed and reopened on the pages
    (or the API), where each change writes its event."""

    scope_department_field = "unit__department"
    list_display = ("id", "unit", "category", "short", "found_by", "deadline", "status")
    list_filter = ("status", "found_by", "campaign", "category__key")
    search_fields = ("description", "measure", "owner", "source_key")
    inlines = (EvidenceInline, timeline_inline(ProblemEvent))

    @admin.display(description=Problem._meta.get_field("description").verbose_name)
    def short(self, obj: Problem) -> str:
        return str(obj)


class CensusEntryInline(ReadOnlyMixin, RowsInline):
    model = CensusEntry
    exclude = ("center",)


@admin.register(CensusReport)
class CensusReportAdmin(ReadOnlyMixin, ScopedAdmin):
    scope_department_field = "unit__department"
    list_display = ("unit", "campaign", "zero_report", "signed_by_name", "first_filed_at")
    list_filter = ("zero_report", "campaign")
    inlines = (CensusEntryInline,)


@admin.register(SignOff)
class SignOffAdmin(ReadOnlyMixin, ScopedAdmin):
    scope_department_field = "unit__department"
    list_display = ("unit", "campaign", "signer_name", "signed_at", "revoked_at")
    list_filter = ("campaign",)


@admin.register(SupervisionSettings)
class SupervisionSettingsAdmin(CenterScopedAdmin):
    list_display = ("center", "signoff_requires_confirmation")
    exclude = ("center",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
