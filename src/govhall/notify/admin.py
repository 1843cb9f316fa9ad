from django.contrib import admin

from govhall.notify.models import DeliveryAttempt, Notification, OptOut


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["at", "backend", "ok", "detail"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The log of every message: read-only (the outbox writes it)."""

    list_display = ["created_at", "kind", "masked_phone", "state", "attempts", "sent_at"]
    list_filter = ["kind", "state", "center"]
    search_fields = ["phone", "text"]
    date_hierarchy = "created_at"
    exclude = ["phone"]
    readonly_fields = [
        "center",
        "kind",
        "subject_id",
        "masked_phone",
        "text",
        "params",
        "state",
        "attempts",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "provider_id",
        "last_error",
    ]
    inlines = [DeliveryAttemptInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OptOut)
class OptOutAdmin(admin.ModelAdmin):
    list_display = ["__str__", "center", "created_at", "note"]
    list_filter = ["center"]
    search_fields = ["phone"]
