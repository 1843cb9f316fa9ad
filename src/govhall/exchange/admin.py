from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
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
from govhall.org.admin_base import CenterScopedAdmin, ReadOnlyMixin


class ExchangeSettingsForm(forms.ModelForm):
    """The secret the province issued is typed in, never shown back; left empty it is kept."""

    secret = forms.CharField(
        label=_("签名密钥"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("保存后不再显示;留空则保留原密钥。"),
    )

    class Meta:
        model = ExchangeSettings
        exclude: tuple[str, ...] = ()

    def clean_secret(self) -> str:
        return self.cleaned_data["secret"] or self.instance.secret


@admin.register(ExchangeSettings)
class ExchangeSettingsAdmin(CenterScopedAdmin):
    form = ExchangeSettingsForm
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
class DeadLetterAdmin(CenterScopedAdmin):
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
                total += services.redrive_dead_letters(
                    actor=request.user, center_id=center_id, ids=ids
                )
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        self.message_user(
            request, ngettext("已重新排队 %d 条。", "已重新排队 %d 条。", total) % total
        )


def show_secrets_once(
    request: HttpRequest, remotes: list[tuple[RemoteCenter, str]]
) -> HttpResponse:
    """The page that shows newly issued secrets: the only time anyone sees them."""
    response = TemplateResponse(
        request,
        "exchange/admin_secrets_once.html",
        {"title": _("新签名密钥"), "remotes": remotes, "opts": RemoteCenter._meta},
    )
    add_never_cache_headers(response)
    return response


@admin.register(RemoteCenter)
class RemoteCenterAdmin(CenterScopedAdmin):
    """Registering a sending centre issues its secret, shown once on the next page."""

    list_display = ("name", "region_code", "key_id", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "region_code", "key_id")
    exclude = ("secret",)
    actions = ["issue_secret"]

    def save_model(self, request: HttpRequest, obj: RemoteCenter, form: Any, change: bool) -> None:
        if not change:
            obj.secret = services.new_signing_secret()
        super().save_model(request, obj, form, change)

    def response_add(
        self, request: HttpRequest, obj: RemoteCenter, post_url_continue: str | None = None
    ) -> HttpResponse:
        return show_secrets_once(request, [(obj, obj.secret)])

    @admin.action(description=_("重新签发签名密钥(旧密钥立即失效)"), permissions=["change"])
    def issue_secret(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        return show_secrets_once(
            request,
            [(remote, services.reissue_remote_secret(remote=remote)) for remote in queryset],
        )


class ReadOnlyAdmin(ReadOnlyMixin, CenterScopedAdmin):
    """What the exchange received: shown, never edited."""


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
