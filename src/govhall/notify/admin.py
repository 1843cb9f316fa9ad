from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from govhall.core.crypto import keyed_hash
from govhall.core.formfields import PhoneField
from govhall.core.validators import is_valid_phone, mask_phone, normalize_phone
from govhall.notify.models import DeliveryAttempt, Notification, OptOut


class PhoneHashSearchMixin:
    """Search by a whole phone number too: phones are encrypted at rest, so the number typed is
    found through its keyed hash (``phone_hash``), never by comparing text."""

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        found, may_have_duplicates = super().get_search_results(  # type: ignore[misc]
            request, queryset, search_term
        )
        phone = normalize_phone(search_term)
        if is_valid_phone(phone):
            found |= queryset.filter(phone_hash=keyed_hash(phone))
        return found, may_have_duplicates


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["at", "backend", "ok", "detail"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(PhoneHashSearchMixin, admin.ModelAdmin):
    """The log of every message: read-only (the outbox writes it)."""

    list_display = ["created_at", "kind", "masked_phone", "state", "attempts", "sent_at"]
    list_filter = ["kind", "state", "center"]
    search_fields = ["text"]
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


class OptOutForm(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        """One opt-out per phone and centre: the database checks it on the keyed hash, which the
        form does not hold, so it is checked here (a message instead of an IntegrityError)."""
        data = super().clean()
        phone, center = data.get("phone"), data.get("center")
        if phone and center:
            same = OptOut.objects.filter(center=center, phone_hash=keyed_hash(phone))
            if same.exclude(pk=self.instance.pk).exists():
                self.add_error("phone", _("该手机号已退订。"))
        return data


@admin.register(OptOut)
class OptOutAdmin(PhoneHashSearchMixin, admin.ModelAdmin):
    """Opt-outs are added here whole (the number typed); afterwards the phone is shown masked."""

    form = OptOutForm
    list_display = ["__str__", "center", "created_at", "note"]
    list_filter = ["center"]
    search_fields = ["note"]

    @admin.display(description=_("手机号"))
    def masked_phone(self, obj: OptOut) -> str:
        return mask_phone(obj.phone)

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "phone":  # one line, normalised (fullwidth digits…) and checked
            return PhoneField(label=db_field.verbose_name, max_length=20)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_fields(self, request: HttpRequest, obj: OptOut | None = None) -> list[str]:
        if obj is None:
            return ["center", "phone", "created_at", "note"]
        return ["center", "masked_phone", "created_at", "note"]

    def get_readonly_fields(self, request: HttpRequest, obj: OptOut | None = None) -> list[str]:
        return [] if obj is None else ["masked_phone"]
