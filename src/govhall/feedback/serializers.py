"""Input and output serializers of the feedback API (no business logic here)."""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from govhall.core import serializers as core_serializers
from govhall.core.serializers import ModelSerializer
from govhall.feedback import selectors
from govhall.feedback.models import (
    MAX_COUNT,
    MAX_QUANTITY,
    MAX_SAVING,
    Appeal,
    AssistRecord,
    Channel,
    Complaint,
    Evaluation,
    Level,
    Rectification,
)


def _identity(
    context: dict[str, Any], department_id: int | None, name: str, phone: str, record: str
) -> dict[str, str]:
    """`selectors.visible_identity`; a phone shown whole is noted in ``context["unmasked"]``
    (the view writes one audit row per response for them)."""
    shown = selectors.visible_identity(context["scope"], department_id, name, phone)
    if phone and shown["phone"] == phone:
        context.setdefault("unmasked", []).append(record)
    return shown


class PersonSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()


class EvaluationOut(ModelSerializer):
    department_name = serializers.CharField(source="department.name")
    window_number = serializers.CharField(source="window.number", default="")
    staff_number = serializers.CharField(source="staff.staff_number", default="")
    # The service's numbers lead to the person (a case shows its applicant): only for those
    # who see the rater (`selectors.may_see_identity`), empty for everyone else.
    ticket_number = serializers.SerializerMethodField()
    case_number = serializers.SerializerMethodField()
    is_bad = serializers.BooleanField()
    rater = serializers.SerializerMethodField()

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "level",
            "channel",
            "department",
            "department_name",
            "window",
            "window_number",
            "staff",
            "staff_number",
            "ticket_number",
            "case_number",
            "aspects",
            "comment",
            "rater",
            "external_ref",
            "rated_at",
            "is_bad",
            "excluded",
        ]

    def _service_number(self, obj: Evaluation, service: str) -> str:
        row = getattr(obj, service) if getattr(obj, f"{service}_id") else None
        if row is None or not selectors.may_see_identity(self.context["scope"], obj.department_id):
            return ""
        return row.number

    def get_ticket_number(self, obj: Evaluation) -> str:
        return self._service_number(obj, "ticket")

    def get_case_number(self, obj: Evaluation) -> str:
        return self._service_number(obj, "case")

    @extend_schema_field(PersonSerializer)
    def get_rater(self, obj: Evaluation) -> dict:
        return _identity(
            self.context, obj.department_id, obj.rater_name, obj.rater_phone, f"evaluation:{obj.pk}"
        )


class InvitationOut(serializers.Serializer):
    id = serializers.IntegerField()
    department_name = serializers.CharField(source="department.name")
    window_number = serializers.CharField(source="window.number", default="")
    staff_number = serializers.CharField(source="staff.staff_number", default="")
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    aspects = serializers.ListField(child=serializers.CharField())


class RateIn(serializers.Serializer):
    token = serializers.CharField()
    level = serializers.ChoiceField(choices=Level.choices)
    channel = serializers.ChoiceField(
        choices=[Channel.QR, Channel.WEB, Channel.SMS], default=Channel.WEB
    )
    aspects = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    rater_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)
    rater_phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=20)


class RatedOut(serializers.Serializer):
    id = serializers.IntegerField()
    level = serializers.IntegerField()
    is_bad = serializers.BooleanField()


class PadPairIn(serializers.Serializer):
    code = serializers.CharField(max_length=16)


class PadSkipIn(serializers.Serializer):
    invitation = serializers.IntegerField()


class PadPairOut(serializers.Serializer):
    token = serializers.CharField(help_text=_("评价器设备令牌,之后放在请求头 X-Pad-Token 中。"))
    window_number = serializers.CharField()


class PadStateOut(serializers.Serializer):
    window_number = serializers.CharField()
    invitation = InvitationOut(allow_null=True)


class PadRateIn(serializers.Serializer):
    invitation = serializers.IntegerField()
    level = serializers.ChoiceField(choices=Level.choices)


class AppealIn(serializers.Serializer):
    reason = serializers.CharField()
    evidence = serializers.FileField(required=False, allow_null=True)


class AppealOut(ModelSerializer):
    class Meta:
        model = Appeal
        fields = [
            "id",
            "evaluation",
            "department",
            "reason",
            "status",
            "filed_at",
            "decided_at",
            "decision_note",
        ]


class DecideAppealIn(serializers.Serializer):
    upheld = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RectificationOut(ModelSerializer):
    evaluation = EvaluationOut()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Rectification
        fields = [
            "id",
            "evaluation",
            "department",
            "status",
            "opened_at",
            "deadline",
            "deadline_provisional",
            "overdue",
            "valid",
            "verify_reason",
            "measures",
            "kind",
            "rectify_by",
            "callback_reached",
            "callback_satisfaction",
            "callback_note",
            "closed_at",
        ]

    def get_overdue(self, obj: Rectification) -> bool:
        return obj.is_overdue()


class VerifyIn(serializers.Serializer):
    valid = serializers.BooleanField()
    reason = serializers.CharField()
    evidence = serializers.FileField(required=False, allow_null=True)


class RectifyIn(serializers.Serializer):
    measures = serializers.CharField(max_length=4000)
    kind = serializers.ChoiceField(choices=Rectification.Kind.choices)
    rectify_by = serializers.DateField(required=False, allow_null=True, default=None)


class CallbackIn(serializers.Serializer):
    reached = serializers.BooleanField()
    satisfaction = serializers.ChoiceField(
        choices=Rectification.Satisfaction.choices, required=False, allow_blank=True, default=""
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class EmptyIn(serializers.Serializer):
    pass


class ComplaintOut(ModelSerializer):
    complainant = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Complaint
        fields = [
            "id",
            "number",
            "channel",
            "received_at",
            "complainant",
            "content",
            "department",
            "window",
            "staff",
            "item",
            "external_ref",
            "assignee",
            "deadline",
            "overdue",
            "status",
            "valid",
            "resolution",
            "deduction",
            "callback_reached",
            "satisfaction",
            "resolved_at",
            "closed_at",
        ]

    @extend_schema_field(PersonSerializer)
    def get_complainant(self, obj: Complaint) -> dict:
        return _identity(
            self.context,
            obj.department_id,
            obj.complainant_name,
            obj.complainant_phone,
            f"complaint:{obj.pk}",
        )

    def get_overdue(self, obj: Complaint) -> bool:
        return obj.is_overdue()


class ComplaintIn(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Complaint.Channel.choices)
    content = serializers.CharField()
    complainant_name = serializers.CharField(required=False, allow_blank=True, default="")
    complainant_phone = serializers.CharField(required=False, allow_blank=True, default="")
    department = serializers.IntegerField(required=False, allow_null=True, default=None)
    window = serializers.IntegerField(required=False, allow_null=True, default=None)
    staff = serializers.IntegerField(required=False, allow_null=True, default=None)
    item = serializers.IntegerField(required=False, allow_null=True, default=None)


class AssignIn(serializers.Serializer):
    assignee = serializers.IntegerField(help_text=_("承办人的用户 id"))


class ResolveIn(serializers.Serializer):
    valid = serializers.BooleanField()
    resolution = serializers.CharField()
    deduction = serializers.DecimalField(max_digits=5, decimal_places=2, default=0, min_value=0)


class ComplaintCallbackIn(serializers.Serializer):
    reached = serializers.BooleanField()
    satisfaction = serializers.ChoiceField(
        choices=Complaint.Satisfaction.choices, required=False, allow_blank=True, default=""
    )


class AssistOut(ModelSerializer):
    class Meta:
        model = AssistRecord
        fields = [
            "id",
            "kind",
            "department",
            "staff",
            "date",
            "beneficiary",
            "count",
            "households",
            "quantity",
            "unit",
            "saving",
            "notes",
        ]


class AssistIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AssistRecord.Kind.choices)
    department = serializers.IntegerField()
    staff = serializers.IntegerField(required=False, allow_null=True, default=None)
    date = serializers.DateField()
    count = serializers.IntegerField(min_value=1, max_value=MAX_COUNT, default=1)
    households = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, default=0)
    quantity = serializers.IntegerField(min_value=0, max_value=MAX_QUANTITY, default=0)
    unit = serializers.CharField(max_length=8, required=False, allow_blank=True, default="")
    saving = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0"), max_value=MAX_SAVING, default=0
    )
    beneficiary = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class PeriodIn(core_serializers.PeriodIn):
    by = serializers.ChoiceField(
        choices=["center", *selectors.GROUPINGS], default="department", required=False
    )


class CallbackPeriodIn(PeriodIn):
    by = serializers.ChoiceField(choices=["center", "department"], default="center")


class CallbackFiguresOut(serializers.Serializer):
    key = serializers.IntegerField(allow_null=True, help_text=_("部门 id;全中心为空"))
    realname_bad = serializers.IntegerField()
    realname_reached = serializers.IntegerField()
    realname_callback_rate = serializers.FloatField(allow_null=True)
    anonymous_bad = serializers.IntegerField()
    by_kind = serializers.DictField(child=serializers.IntegerField())


class AssistTotalOut(serializers.Serializer):
    kind = serializers.CharField()
    count = serializers.IntegerField()
    households = serializers.IntegerField()
    quantity = serializers.IntegerField()
    saving = serializers.DecimalField(max_digits=14, decimal_places=2)


class FiguresOut(serializers.Serializer):
    key = serializers.IntegerField(allow_null=True, help_text=_("部门/窗口/人员 id;全中心为空"))
    services_completed = serializers.IntegerField()
    invitations = serializers.IntegerField()
    invitation_rate = serializers.FloatField(allow_null=True)
    invitations_rated = serializers.IntegerField()
    participation_rate = serializers.FloatField(allow_null=True)
    ratings = serializers.IntegerField()
    ratings_by_level = serializers.DictField(child=serializers.IntegerField())
    good_ratings = serializers.IntegerField()
    good_rate = serializers.FloatField(allow_null=True)
    bad_ratings = serializers.IntegerField()
    bad_valid = serializers.IntegerField()
    bad_rectified = serializers.IntegerField()
    rectifications_due = serializers.IntegerField()
    rectified_on_time = serializers.IntegerField()
    rectification_on_time_rate = serializers.FloatField(allow_null=True)
    complaints = serializers.IntegerField()
    complaints_valid = serializers.IntegerField()
    complaints_invalid = serializers.IntegerField()
    complaint_deductions = serializers.DecimalField(max_digits=9, decimal_places=2)
    assists_by_type = serializers.DictField(child=serializers.IntegerField())
    assists_total = serializers.IntegerField()


class DisclosureIn(serializers.Serializer):
    center = serializers.RegexField(r"^\d{6}$", required=False)
    month = serializers.RegexField(r"^(19|20)\d{2}-(0[1-9]|1[0-2])$")


class DisclosureRowOut(serializers.Serializer):
    department = serializers.IntegerField(source="department.pk")
    department_name = serializers.CharField(source="department.name")
    ratings = serializers.IntegerField()
    ratings_by_level = serializers.DictField(child=serializers.IntegerField())
    good_rate = serializers.FloatField(allow_null=True)
    bad_ratings = serializers.IntegerField()
    bad_rectified = serializers.IntegerField()


class HotlineImportIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["ratings", "complaints"])
    file = serializers.FileField()
    dry_run = serializers.BooleanField(default=False)


class HotlineImportOut(serializers.Serializer):
    rows = serializers.IntegerField()
    dry_run = serializers.BooleanField()
