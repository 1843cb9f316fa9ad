from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from govhall.core.errors import DomainError
from govhall.exchange import services
from govhall.exchange.models import (
    DeadLetter,
    ExchangeSettings,
    ReceivedEvent,
    RemoteCase,
    RemoteCenter,
    RemoteRating,
)
from govhall.org.admin_base import ScopedAdmin


class CentreWideAdmin(ScopedAdmin):
    scope_department_field = None


@admin.register(ExchangeSettings)
class ExchangeSettingsAdmin(CentreWideAdmin):
    list_display = ("center", "upstream_url", "key_id", "batch_size", "max_attempts")
    fieldsets = (
        (_("推送"), {"fields": ("center", "upstream_url", "key_id", "secret", "batch_size")}),
        (
            _("重试与告警"),
            {
                "fields": (
                    "max_attempts",
                    "timeout_seconds",
                    "backoff_base_seconds",
                    "backoff_max_seconds",
                    "lag_alert_seconds",
                )
            },
        ),
        (_("接收(省级)"), {"fields": ("timestamp_window_seconds",)}),
    )


@admin.register(DeadLetter)
class DeadLetterAdmin(CentreWideAdmin):
    """The dead letters: inspect why each failed, then re-drive it."""

    list_display = ("id", "center", "kind", "stream", "attempts", "created_at", "last_error")
    list_filter = ("kind",)
    search_fields = ("stream", "idempotency_key")
    readonly_fields = [f.name for f in DeadLetter._meta.fields]
    actions = ["redrive"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(status=DeadLetter.Status.DEAD)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_redrive_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("exchange.redrive_outbox")

    @admin.action(description=_("重新推送所选死信"), permissions=["redrive"])
    def redrive(self, request: HttpRequest, queryset: QuerySet) -> None:
        total = 0
        try:
            for center_id in sorted(set(queryset.values_list("center_id", flat=True))):
                ids = list(queryset.filter(center_id=center_id).values_list("pk", flat=True))
                total += services.redrive_dead_letters(center_id=center_id, ids=ids)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        self.message_user(
            request, ngettext("已重新排队 %d 条。", "已重新排队 %d 条。", total) % total
        )


@admin.register(RemoteCenter)
class RemoteCenterAdmin(CentreWideAdmin):
    list_display = ("name", "region_code", "key_id", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "region_code", "key_id")


class ReadOnlyAdmin(CentreWideAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ReceivedEvent)
class ReceivedEventAdmin(ReadOnlyAdmin):
    list_display = ("id", "remote", "kind", "stream", "sequence", "occurred_at", "received_at")
    list_filter = ("remote", "kind")
    search_fields = ("stream", "idempotency_key")


@admin.register(RemoteCase)
class RemoteCaseAdmin(ReadOnlyAdmin):
    list_display = (
        "case_number",
        "remote",
        "item_name",
        "department_name",
        "state",
        "accepted_at",
        "due_date",
        "completed_at",
    )
    list_filter = ("remote", "state")
    search_fields = ("case_number", "item_code", "item_name")


@admin.register(RemoteRating)
class RemoteRatingAdmin(ReadOnlyAdmin):
    list_display = ("rating_id", "remote", "level", "channel", "department_name", "rated_at")
    list_filter = ("remote", "level", "is_bad", "excluded")
    search_fields = ("rating_id", "case_number", "staff_number")
