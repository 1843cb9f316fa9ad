"""Input and output serializers of the cases API (no business logic)."""

from rest_framework import serializers

from govhall.cases.importing import DEFAULT_MAPPING, parse_mapping
from govhall.cases.models import Case, CaseEvent, ClockStop, JointCase
from govhall.core.serializers import KeyField, ModelSerializer, PeriodIn
from govhall.core.validators import mask_id_number, mask_phone


class CaseOut(ModelSerializer):
    item_code = serializers.CharField(source="item.code")
    item_name = serializers.CharField(source="item.name")
    department_name = serializers.CharField(source="department.name")
    window_number = serializers.CharField(source="window.number", default=None)
    identifier = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    light = serializers.CharField(read_only=True, default="")

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "item",
            "item_code",
            "item_name",
            "department",
            "department_name",
            "applicant_type",
            "applicant_name",
            "identifier",
            "phone",
            "channel",
            "window",
            "window_number",
            "ticket",
            "state",
            "result",
            "mode",
            "reason",
            "materials_received",
            "materials_missing",
            "supply_by",
            "supply_by_provisional",
            "supplied_at",
            "commitment_status",
            "commitment_check_by",
            "commitment_check_provisional",
            "delivery_method",
            "tracking_number",
            "limit_days",
            "extension_days",
            "extension_reason",
            "extended_at",
            "deemed_accepted_on",
            "correction_notices",
            "submitted_at",
            "accepted_at",
            "due_date",
            "due_provisional",
            "yellow_from",
            "completed_at",
            "completed_late",
            "elapsed_workdays",
            "delivered_at",
            "delivery_due",
            "delivery_due_provisional",
            "delivered_late",
            "delivery_window",
            "closed_at",
            "light",
        ]

    def get_identifier(self, case: Case) -> str:
        return mask_id_number(case.applicant_identifier)

    def get_phone(self, case: Case) -> str:
        return mask_phone(case.phone)


class CaseEventOut(ModelSerializer):
    actor_name = serializers.CharField(source="actor.display_name", default=None)

    class Meta:
        model = CaseEvent
        fields = ["id", "type", "at", "from_state", "to_state", "actor", "actor_name", "details"]


class ClockStopOut(ModelSerializer):
    class Meta:
        model = ClockStop
        fields = ["id", "kind", "reason", "told_days", "told_until", "started_on", "ended_on"]


class CaseDetailOut(CaseOut):
    events = CaseEventOut(many=True, read_only=True)
    clock_stops = ClockStopOut(many=True, read_only=True)

    class Meta(CaseOut.Meta):
        fields = [*CaseOut.Meta.fields, "events", "clock_stops"]


# The item asked for and who asks, as accepting at a window and submitting online both take
# them (no docstring: the schema would show it as each subclass's description).
class CaseApplicationIn(serializers.Serializer):
    item = serializers.IntegerField()
    applicant_type = serializers.ChoiceField(choices=Case.ApplicantType.choices)
    applicant_name = serializers.CharField(max_length=200)
    id_number = serializers.CharField(max_length=18, required=False, default="", allow_blank=True)
    uscc = serializers.CharField(max_length=18, required=False, default="", allow_blank=True)
    phone = serializers.CharField(max_length=20)


class CaseAcceptIn(CaseApplicationIn):
    window = serializers.IntegerField(required=False, allow_null=True, default=None)
    ticket = serializers.IntegerField(required=False, allow_null=True, default=None)
    mode = serializers.ChoiceField(choices=Case.Mode.choices, default=Case.Mode.NORMAL)
    materials_received = serializers.ListField(
        child=serializers.CharField(max_length=300), required=False, default=list
    )
    materials_missing = serializers.ListField(
        child=serializers.CharField(max_length=300), required=False, default=list
    )
    supply_by = serializers.DateField(required=False, allow_null=True, default=None)


class CaseSubmitIn(CaseApplicationIn):
    channel = serializers.ChoiceField(
        choices=[c for c in Case.Channel.choices if c[0] != Case.Channel.WINDOW]
    )


class CaseNoInput(serializers.Serializer):
    pass


class CaseReasonIn(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class CaseOptionalReasonIn(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class CaseCorrectionIn(CaseReasonIn):
    materials = serializers.ListField(
        child=serializers.CharField(max_length=300), required=False, default=list
    )
    repeat_reason = serializers.CharField(
        max_length=2000, required=False, default="", allow_blank=True
    )


class CaseExtendIn(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=Case.EXTENSION_DAYS)
    reason = serializers.CharField(max_length=2000)


class CaseSuspendIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[(k.value, k.label) for k in ClockStop.PROCEDURES])
    told_days = serializers.IntegerField(min_value=1, max_value=365)
    reason = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class CaseCompleteIn(serializers.Serializer):
    approved = serializers.BooleanField()
    reason = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class CaseDeliverIn(serializers.Serializer):
    method = serializers.ChoiceField(choices=[("window", "window"), ("mail", "mail")])
    tracking_number = serializers.CharField(
        max_length=64, required=False, default="", allow_blank=True
    )
    window = serializers.IntegerField(required=False, allow_null=True, default=None)


class CaseListFilterIn(serializers.Serializer):
    department = KeyField(required=False, source="department_id")
    item = KeyField(required=False, source="item_id")
    state = serializers.ChoiceField(choices=Case.State.choices, required=False)
    light = serializers.ChoiceField(choices=["red", "yellow", "green", "paused"], required=False)
    number = serializers.CharField(max_length=32, required=False)


class CaseLookupIn(serializers.Serializer):
    number = serializers.CharField(max_length=32)
    phone_last4 = serializers.RegexField(r"^\d{4}$")


class CaseStepOut(serializers.Serializer):
    type = serializers.CharField()
    label = serializers.CharField()
    at = serializers.DateTimeField()
    note = serializers.CharField()


class CaseLookupOut(serializers.Serializer):
    number = serializers.CharField()
    item_name = serializers.CharField()
    department_name = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    result = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)
    due_provisional = serializers.BooleanField()
    steps = CaseStepOut(many=True)


class CaseLightCountOut(serializers.Serializer):
    department_id = serializers.IntegerField()
    department__name = serializers.CharField()
    running = serializers.IntegerField()
    red = serializers.IntegerField()
    yellow = serializers.IntegerField()
    green = serializers.IntegerField()
    paused = serializers.IntegerField()


class CaseFiguresOut(serializers.Serializer):
    key = serializers.IntegerField(allow_null=True)
    accepted = serializers.IntegerField()
    completed = serializers.IntegerField()
    completion_rate = serializers.FloatField(allow_null=True)
    accepted_online = serializers.IntegerField()
    online_share = serializers.FloatField(allow_null=True)
    completed_in_period = serializers.IntegerField()
    overdue = serializers.IntegerField()
    on_time_rate = serializers.FloatField(allow_null=True)
    avg_workdays = serializers.FloatField(allow_null=True)
    consultations = serializers.IntegerField()


class CaseClockFiguresOut(serializers.Serializer):
    key = serializers.IntegerField(allow_null=True)
    extended = serializers.IntegerField()
    deemed_accepted = serializers.IntegerField()
    repeat_corrections = serializers.IntegerField()
    delivered = serializers.IntegerField()
    delivered_late = serializers.IntegerField()
    delivery_on_time_rate = serializers.FloatField(allow_null=True)


class CaseClockFlagOut(serializers.Serializer):
    flag = serializers.CharField()
    count = serializers.IntegerField()
    numbers = serializers.ListField(child=serializers.CharField())


class CaseFiguresIn(PeriodIn):
    by = serializers.ChoiceField(
        choices=["center", "department", "item", "window", "staff"], default="center"
    )


class CaseImportIn(serializers.Serializer):
    file = serializers.FileField()
    mapping = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        help_text="field=column,... over the defaults: "
        + ", ".join(f"{k}={v}" for k, v in DEFAULT_MAPPING.items()),
    )
    dry_run = serializers.BooleanField(required=False, default=False)

    def validate_mapping(self, value: str) -> dict[str, str]:
        try:
            return parse_mapping(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from exc


class CaseRowErrorOut(serializers.Serializer):
    row = serializers.IntegerField()
    message = serializers.CharField()


class CaseImportOut(serializers.Serializer):
    total = serializers.IntegerField()
    imported = serializers.IntegerField()
    dry_run = serializers.BooleanField()
    errors = CaseRowErrorOut(many=True)


class CaseClockFiguresIn(CaseFiguresIn):
    by = serializers.ChoiceField(choices=["center", "department"], default="center")


# --- 并联审批 / 一件事 -------------------------------------------------------------------------


class JointAcceptIn(serializers.Serializer):
    package = serializers.IntegerField()
    applicant_type = serializers.ChoiceField(choices=Case.ApplicantType.choices)
    applicant_name = serializers.CharField(max_length=200)
    id_number = serializers.CharField(max_length=18, required=False, default="", allow_blank=True)
    uscc = serializers.CharField(max_length=18, required=False, default="", allow_blank=True)
    phone = serializers.CharField(max_length=20)
    window = serializers.IntegerField(required=False, allow_null=True, default=None)
    materials_received = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField(max_length=300), max_length=200),
        help_text="item id → names of the materials received",
    )

    def validate_materials_received(self, value: dict) -> dict[int, list[str]]:
        if not all(str(key).isdigit() for key in value):
            raise serializers.ValidationError("keys are item ids")
        return {int(key): names for key, names in value.items()}


class JointExtendIn(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=JointCase.EXTENSION_DAYS)
    reason = serializers.CharField(max_length=2000)


class JointStepOut(serializers.Serializer):
    number = serializers.CharField()
    item = serializers.CharField(source="item.name")
    department = serializers.IntegerField(source="department_id")
    department_name = serializers.CharField(source="department.name")
    limit_days = serializers.IntegerField()
    state = serializers.CharField()
    result = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    completed_late = serializers.BooleanField()


class JointOut(serializers.Serializer):
    number = serializers.CharField()
    package = serializers.CharField(source="package.name")
    lead_department = serializers.IntegerField(source="lead_department_id")
    applicant_name = serializers.CharField()
    accepted_at = serializers.DateTimeField()
    state = serializers.CharField()
    result = serializers.CharField()
    reason = serializers.CharField()
    limit_days = serializers.IntegerField()
    extension_days = serializers.IntegerField()
    extension_reason = serializers.CharField()
    completed_at = serializers.DateTimeField(allow_null=True)
    due_date = serializers.DateField(source="clock.due", allow_null=True)
    due_provisional = serializers.BooleanField(source="clock.provisional")
    elapsed_workdays = serializers.IntegerField(source="clock.elapsed_workdays", allow_null=True)
    late = serializers.BooleanField(source="clock.late")
    light = serializers.CharField(source="clock.light")


class JointDetailOut(JointOut):
    steps = JointStepOut(many=True, source="visible_steps")


class JointWholeFiguresOut(serializers.Serializer):
    accepted = serializers.IntegerField()
    completed = serializers.IntegerField()
    denied = serializers.IntegerField()
    overdue = serializers.IntegerField()
    avg_workdays = serializers.FloatField(allow_null=True)


class JointPackageFiguresOut(JointWholeFiguresOut):
    package = serializers.IntegerField()
    name = serializers.CharField()


class JointStepFiguresOut(serializers.Serializer):
    department = serializers.IntegerField()
    received = serializers.IntegerField()
    done = serializers.IntegerField()
    on_time = serializers.IntegerField()
    overdue = serializers.IntegerField()


class JointFiguresOut(serializers.Serializer):
    total = JointWholeFiguresOut()
    packages = JointPackageFiguresOut(many=True)
    departments = JointStepFiguresOut(many=True)


class JointFiguresIn(CaseFiguresIn):
    by = None
