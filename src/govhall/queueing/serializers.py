"""Input and output serializers of the queue API (shapes only; no business rules here)."""

from typing import Any

from rest_framework import serializers

from govhall.core.formfields import KEY_RANGE
from govhall.core.serializers import KeyField, ModelSerializer, PeriodIn
from govhall.queueing.models import Appointment, Ticket, WindowPause


class CenterQuerySerializer(serializers.Serializer):
    center = serializers.RegexField(
        r"^\d{6}$", help_text="行政区划代码(6位),为空时取第一个启用的中心", required=False
    )
    floor = serializers.CharField(required=False, allow_blank=True, max_length=16)


class CategoryOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    prefix = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    floor = serializers.CharField()
    waiting = serializers.IntegerField()
    longest_wait_seconds = serializers.IntegerField()
    windows_open = serializers.IntegerField()
    predicted_wait_seconds = serializers.IntegerField()
    alert = serializers.BooleanField()


class IssueTicketInputSerializer(serializers.Serializer):
    category = KeyField(help_text="排队类别 id")
    channel = serializers.ChoiceField(
        choices=[
            Ticket.Channel.KIOSK,
            Ticket.Channel.WEB,
            Ticket.Channel.PHONE,
            Ticket.Channel.API,
        ],
        default=Ticket.Channel.API,
    )
    priority_reason = serializers.ChoiceField(
        choices=Ticket.Priority.choices, required=False, allow_blank=True, default=""
    )
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20, default="")
    id_number = serializers.CharField(required=False, allow_blank=True, max_length=18, default="")
    item = KeyField(required=False, allow_null=True, default=None)


def _plain_choice(value: Any, field: serializers.ChoiceField) -> Any:
    if value == "" and field.allow_blank:
        return ""
    if isinstance(value, str):  # a choice's default is the choice itself
        return field.choice_strings_to_values.get(str(value))
    return None


def _plain_text(value: Any, field: serializers.CharField) -> str | None:
    """`value` when the field takes it as it is (no spaces to trim, nothing unprintable)."""
    if (
        type(value) is str
        and len(value) <= field.max_length
        and value == value.strip()
        and value.isprintable()
    ):
        return value
    return None


def plain_issue_input(data: Any) -> dict[str, Any] | None:
    """`IssueTicketInputSerializer`'s validated data for a plain JSON body (an integer category
    and item, known choices, text with nothing to trim), read without building the serializer:
    a kiosk's everyday request. None for anything else, which the serializer then validates and
    words the errors of. Every choice, default and length is the serializer's own."""
    fields = IssueTicketInputSerializer._declared_fields
    if type(data) is not dict or type(data.get("category")) is not int:
        return None
    out: dict[str, Any] = {"category": data["category"], "item": data.get("item")}
    if out["item"] is not None and type(out["item"]) is not int:
        return None
    if any(key is not None and key not in KEY_RANGE for key in (out["category"], out["item"])):
        return None  # past any row's key: the serializer words the error
    for name in ("channel", "priority_reason"):
        out[name] = _plain_choice(data.get(name, fields[name].default), fields[name])
    for name in ("phone", "id_number"):
        out[name] = _plain_text(data.get(name, fields[name].default), fields[name])
    if any(out[name] is None for name in ("channel", "priority_reason", "phone", "id_number")):
        return None
    return out


class TicketOutputSerializer(ModelSerializer):
    category = serializers.CharField(source="category.name")
    window = serializers.CharField(source="window.number", default=None)
    phone = serializers.CharField(source="masked_phone")
    id_number = serializers.CharField(source="masked_id_number")
    people_ahead = serializers.IntegerField(required=False)
    predicted_wait_seconds = serializers.IntegerField(required=False, allow_null=True)

    class Meta:
        model = Ticket
        fields = [
            "token",
            "number",
            "category",
            "state",
            "priority",
            "priority_reason",
            "channel",
            "issue_date",
            "issued_at",
            "called_at",
            "started_at",
            "finished_at",
            "recall_count",
            "window",
            "phone",
            "id_number",
            "carried_over",
            "people_ahead",
            "predicted_wait_seconds",
        ]


class StaffTicketOutputSerializer(TicketOutputSerializer):
    class Meta(TicketOutputSerializer.Meta):
        fields = ["id", *TicketOutputSerializer.Meta.fields, "wait_seconds", "handling_seconds"]


class CallOutputSerializer(serializers.Serializer):
    ticket = StaffTicketOutputSerializer(allow_null=True)
    waiting = serializers.IntegerField()


class WindowStateOutputSerializer(serializers.Serializer):
    window = serializers.IntegerField()
    number = serializers.CharField()
    current = StaffTicketOutputSerializer(allow_null=True)
    waiting = serializers.IntegerField()
    paused = serializers.BooleanField()
    pause_reason = serializers.CharField(allow_blank=True)
    session_open = serializers.BooleanField()


class TransferInputSerializer(serializers.Serializer):
    to_category = serializers.IntegerField(required=False, allow_null=True, default=None)
    to_window = serializers.IntegerField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class PauseInputSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=WindowPause.Reason.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class PauseOutputSerializer(ModelSerializer):
    class Meta:
        model = WindowPause
        fields = ["id", "window", "staff", "reason", "note", "started_at", "ended_at"]


class BoardCallSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="递增;大于上次所见 id 的为新叫号,按 id 顺序播报")
    kind = serializers.CharField()
    at = serializers.DateTimeField()
    number = serializers.CharField()
    window_number = serializers.CharField()
    window_name = serializers.CharField()
    text = serializers.CharField(help_text="播报文本,如“请A001号到3号窗口办理”")


class BoardOutputSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    calls = BoardCallSerializer(many=True)
    categories = CategoryOutputSerializer(many=True)


class SlotQuerySerializer(serializers.Serializer):
    category = serializers.IntegerField()
    date = serializers.DateField()


class SlotOutputSerializer(serializers.Serializer):
    start = serializers.TimeField()
    end = serializers.TimeField()
    capacity = serializers.IntegerField()
    available = serializers.IntegerField()


class BookInputSerializer(serializers.Serializer):
    category = serializers.IntegerField()
    date = serializers.DateField()
    slot_start = serializers.TimeField()
    name = serializers.CharField(max_length=50)
    phone = serializers.CharField(max_length=20)
    id_number = serializers.CharField(max_length=18)
    item = serializers.IntegerField(required=False, allow_null=True, default=None)


class AppointmentIdentityInputSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=20)
    id_number = serializers.CharField(max_length=18)


class ChangeAppointmentInputSerializer(AppointmentIdentityInputSerializer):
    date = serializers.DateField()
    slot_start = serializers.TimeField()


class CheckInInputSerializer(serializers.Serializer):
    id_number = serializers.CharField(max_length=18)


class AppointmentOutputSerializer(ModelSerializer):
    category = serializers.CharField(source="category.name")
    phone = serializers.CharField(source="masked_phone")
    id_number = serializers.CharField(source="masked_id_number")

    class Meta:
        model = Appointment
        fields = [
            "code",
            "category",
            "date",
            "slot_start",
            "slot_end",
            "name",
            "phone",
            "id_number",
            "state",
            "booked_at",
            "checked_in_at",
        ]


class FiguresQuerySerializer(PeriodIn):
    dimension = serializers.ChoiceField(
        choices=["category", "department", "window", "staff", "day", "hour"], required=False
    )


class FiguresSerializer(serializers.Serializer):
    tickets_issued = serializers.IntegerField()
    tickets_called = serializers.IntegerField()
    tickets_served = serializers.IntegerField()
    no_show = serializers.IntegerField()
    avg_wait_seconds = serializers.FloatField(allow_null=True)
    avg_handling_seconds = serializers.FloatField(allow_null=True)
    served_within_10min = serializers.IntegerField()
    share_within_10min = serializers.FloatField(allow_null=True)


class FiguresRowSerializer(FiguresSerializer):
    key = serializers.CharField(help_text="维度取值:类别/单位/窗口/人员 id,日期,或小时")


class FiguresOutputSerializer(serializers.Serializer):
    total = FiguresSerializer()
    dimension = serializers.CharField(allow_null=True)
    rows = FiguresRowSerializer(many=True)
    outcomes = serializers.DictField(child=serializers.IntegerField())


class MonitorWindowSerializer(serializers.Serializer):
    window = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=["open", "paused", "closed"])
    staff = serializers.CharField(allow_null=True)
    current = serializers.CharField(allow_null=True)
    paused_seconds = serializers.IntegerField()
    pause_over_limit = serializers.BooleanField()


class MonitorOutputSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    waiting = serializers.IntegerField()
    windows_open = serializers.IntegerField()
    windows_paused = serializers.IntegerField()
    longest_wait_seconds = serializers.IntegerField()
    categories = CategoryOutputSerializer(many=True)
    windows = MonitorWindowSerializer(many=True)
    alerts = CategoryOutputSerializer(many=True)
