"""Admin of training: rows are written by the services (the pages); the admin reads them."""

from django.contrib import admin

from govhall.org.admin_base import CenterScopedAdmin, ReadOnlyMixin, ScopedAdmin
from govhall.training.models import Rotation, TrainingAttendance, TrainingSession


@admin.register(TrainingSession)
class TrainingSessionAdmin(ReadOnlyMixin, CenterScopedAdmin):
    list_display = ["held_on", "title", "topic", "provider", "hours", "state"]
    list_filter = ["state", "topic", "provider"]
    search_fields = ["title", "provider_name"]
    date_hierarchy = "held_on"


@admin.register(TrainingAttendance)
class TrainingAttendanceAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ["session", "staff", "department", "present", "recorded_at"]
    list_filter = ["present"]


@admin.register(Rotation)
class RotationAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ["staff", "department", "kind", "to_window", "to_post", "started_on", "ended_on"]
    list_filter = ["kind"]
