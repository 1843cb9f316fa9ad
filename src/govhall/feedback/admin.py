"""Admin of the feedback app.

Ratings, rectifications, complaints and appeals change state only through the services (pages
and API), so here they are read-only with their timelines; settings, assisted services and pads
are edited here.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from govhall.feedback.models import (
    Appeal,
    AssistRecord,
    Complaint,
    ComplaintEvent,
    Evaluation,
    EvaluationEvent,
    FeedbackSettings,
    Invitation,
    RatingPad,
    Rectification,
    RectificationEvent,
)
from govhall.org.admin_base import CenterScopedAdmin, ReadOnlyMixin, ScopedAdmin, timeline_inline


@admin.register(FeedbackSettings)
class FeedbackSettingsAdmin(CenterScopedAdmin):
    list_display = (
        "center",
        "rectification_days",
        "complaint_days",
        "invitation_valid_days",
        "pad_prompt_minutes",
    )


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ("id", "source", "channel", "department", "window", "created_at", "used_at")
    list_filter = ("source", "channel", "department")
    date_hierarchy = "created_at"
    exclude = ("rater_name", "rater_phone")


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = (
        "id",
        "level",
        "channel",
        "department",
        "window",
        "staff",
        "rated_at",
        "excluded",
    )
    list_filter = ("level", "channel", "excluded", "department")
    date_hierarchy = "rated_at"
    search_fields = ("external_ref", "comment")
    exclude = ("rater_name", "rater_phone")
    inlines = [timeline_inline(EvaluationEvent)]


@admin.register(Appeal)
class AppealAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ("id", "evaluation", "department", "status", "filed_at", "decided_at")
    list_filter = ("status", "department")


@admin.register(Rectification)
class RectificationAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ("id", "department", "status", "deadline", "valid", "closed_at")
    list_filter = ("status", "valid", "department")
    date_hierarchy = "deadline"
    inlines = [timeline_inline(RectificationEvent)]


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ("number", "channel", "department", "status", "valid", "deduction", "deadline")
    list_filter = ("channel", "status", "valid", "department")
    search_fields = ("number", "external_ref", "content")
    date_hierarchy = "received_at"
    exclude = ("complainant_name", "complainant_phone")
    inlines = [timeline_inline(ComplaintEvent)]


@admin.register(AssistRecord)
class AssistRecordAdmin(ScopedAdmin):
    list_display = ("date", "kind", "department", "staff", "beneficiary", "count")
    list_filter = ("kind", "department")
    date_hierarchy = "date"
    search_fields = ("beneficiary", "notes")
    exclude = ("recorded_by",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(RatingPad)
class RatingPadAdmin(ScopedAdmin):
    scope_department_field = "window__departments"
    list_display = ("__str__", "window", "paired_at", "last_seen_at", "is_active")
    list_filter = ("is_active",)
    fields = ("window", "name", "is_active", "paired_at", "last_seen_at")
    readonly_fields = ("window", "paired_at", "last_seen_at")

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).distinct()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
