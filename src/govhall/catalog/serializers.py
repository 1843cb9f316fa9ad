"""Input and output serializers of the catalogue API."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from govhall.catalog.models import Material, ServiceItem, Theme
from govhall.core.serializers import KeyField, ModelSerializer
from govhall.org.models import Department


class GuideSearchInput(serializers.Serializer):
    center = serializers.RegexField(
        r"^\d{6}$", required=False, help_text=_("中心的行政区划代码;不填为第一个中心。")
    )
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    department = KeyField(required=False, min_value=1)
    theme = KeyField(required=False, min_value=1)
    kind = serializers.ChoiceField(choices=ServiceItem.Kind.choices, required=False)
    in_hall = serializers.BooleanField(required=False, default=False)
    online = serializers.BooleanField(required=False, default=False)


class DepartmentBrief(ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "short_name", "kind", "entered"]


class ThemeOutput(ModelSerializer):
    class Meta:
        model = Theme
        fields = ["id", "name", "audience"]


class ItemListOutput(ModelSerializer):
    department = DepartmentBrief()
    kind_display = serializers.CharField(source="get_kind_display")
    limit_days = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = ServiceItem
        fields = [
            "id",
            "code",
            "name",
            "department",
            "kind",
            "kind_display",
            "immediate",
            "online",
            "max_visits",
            "entered",
            "legal_limit_days",
            "promised_limit_days",
            "limit_days",
            "url",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_url(self, obj: ServiceItem) -> str:
        return reverse("catalog:guide_detail", args=[obj.pk])


class MaterialOutput(ModelSerializer):
    form_url = serializers.SerializerMethodField()
    sample_url = serializers.SerializerMethodField()

    class Meta:
        model = Material
        fields = [
            "id",
            "name",
            "required",
            "originals",
            "copies",
            "needs_form",
            "notes",
            "form_url",
            "sample_url",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_form_url(self, obj: Material) -> str | None:
        if not obj.form_file:
            return None
        return reverse("catalog:material_form", args=[obj.item_id, obj.pk])

    @extend_schema_field(OpenApiTypes.STR)
    def get_sample_url(self, obj: Material) -> str | None:
        if not obj.sample_file:
            return None
        return reverse("catalog:material_sample", args=[obj.item_id, obj.pk])


class ItemDetailOutput(ItemListOutput):
    materials = MaterialOutput(many=True)
    themes = ThemeOutput(many=True)
    max_visits_display = serializers.CharField(source="get_max_visits_display")

    class Meta(ItemListOutput.Meta):
        fields = [
            *ItemListOutput.Meta.fields,
            "max_visits_display",
            "window_authorized",
            "conditions",
            "materials",
            "steps",
            "fees",
            "basis",
            "location",
            "hours",
            "consult_phone",
            "supervise_phone",
            "themes",
            "updated_at",
        ]


class FindingOutput(serializers.Serializer):
    item_id = serializers.IntegerField()
    item_code = serializers.CharField()
    item_name = serializers.CharField()
    department = serializers.CharField()
    rule = serializers.CharField()
    severity = serializers.ChoiceField(choices=["error", "warning"])
    message = serializers.CharField()
