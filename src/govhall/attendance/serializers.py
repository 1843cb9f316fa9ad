"""Input and output serializers of the attendance API (no business logic here)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from govhall.attendance.models import (
    AttendanceRecord,
    DutyAssignment,
    Inspection,
    LeaveEvent,
    LeaveRequest,
    PostAbsence,
    Punch,
    Session,
    StaffAssignment,
    TemporaryAbsence,
    Timetable,
    Violation,
    ViolationCategory,
    ViolationEvent,
)
from govhall.core.serializers import ModelSerializer


class SessionOut(ModelSerializer):
    class Meta:
        model = Session
        fields = ["id", "name", "start", "end"]


class TimetableOut(ModelSerializer):
    sessions = SessionOut(many=True, read_only=True)

    class Meta:
        model = Timetable
        fields = ["id", "name", "valid_from", "valid_to", "is_active", "sessions"]


class DutyOut(ModelSerializer):
    class Meta:
        model = DutyAssignment
        fields = ["id", "staff", "date", "note", "cancelled"]


class DutyIn(serializers.Serializer):
    staff = serializers.IntegerField()
    date = serializers.DateField()
    note = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class PunchOut(ModelSerializer):
    class Meta:
        model = Punch
        fields = [
            "id",
            "staff",
            "punched_at",
            "kind",
            "source",
            "window",
            "batch",
            "note",
            "voided",
        ]


class SelfPunchIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[Punch.Kind.IN, Punch.Kind.OUT])


class EnterPunchIn(serializers.Serializer):
    staff = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Punch.Kind.choices)
    punched_at = serializers.DateTimeField()
    note = serializers.CharField(max_length=200)


class NoteIn(serializers.Serializer):
    note = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class ImportIn(serializers.Serializer):
    file = serializers.FileField()
    dry_run = serializers.BooleanField(required=False, default=True)


class ImportOut(serializers.Serializer):
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    skipped = serializers.IntegerField()
    dry_run = serializers.BooleanField()
    batch_id = serializers.IntegerField(allow_null=True)
    preview = serializers.ListField(child=serializers.DictField())


class LeaveEventOut(ModelSerializer):
    class Meta:
        model = LeaveEvent
        fields = ["type", "actor", "at", "details"]


class LeaveOut(ModelSerializer):
    events = LeaveEventOut(many=True, read_only=True)

    class Meta:
        model = LeaveRequest
        fields = [
            "id",
            "staff",
            "department",
            "kind",
            "start",
            "end",
            "reason",
            "status",
            "returned_at",
            "created_at",
            "events",
        ]


class LeaveIn(serializers.Serializer):
    staff = serializers.IntegerField(required=False, help_text=_("默认为本人"))
    kind = serializers.ChoiceField(choices=LeaveRequest.Kind.choices)
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    reason = serializers.CharField(max_length=1000)


class CommentIn(serializers.Serializer):
    comment = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class OptionalTimeIn(serializers.Serializer):
    at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class TemporaryAbsenceOut(ModelSerializer):
    class Meta:
        model = TemporaryAbsence
        fields = ["id", "staff", "department", "left_at", "returned_at", "reason", "created_at"]


class TemporaryAbsenceIn(serializers.Serializer):
    staff = serializers.IntegerField(required=False, help_text=_("默认为本人"))
    reason = serializers.CharField(max_length=200)
    left_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    returned_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class RecordOut(ModelSerializer):
    class Meta:
        model = AttendanceRecord
        fields = [
            "id",
            "staff",
            "department",
            "date",
            "session_name",
            "starts_at",
            "ends_at",
            "day_fraction",
            "on_duty_roster",
            "check_in",
            "check_out",
            "status",
            "late_minutes",
            "early_minutes",
            "missing_punches",
        ]


class PostAbsenceOut(ModelSerializer):
    class Meta:
        model = PostAbsence
        fields = [
            "id",
            "window",
            "department",
            "staff",
            "date",
            "kind",
            "started_at",
            "ended_at",
            "minutes",
        ]


class DeriveIn(serializers.Serializer):
    date = serializers.DateField()
    end = serializers.DateField(required=False, help_text=_("可选:计算到该日期(含)"))


class DeriveOut(serializers.Serializer):
    date = serializers.DateField()
    records = serializers.IntegerField()
    post_absences = serializers.IntegerField()


class CategoryOut(ModelSerializer):
    class Meta:
        model = ViolationCategory
        fields = ["id", "name", "default_points", "sort_order", "is_active"]


class InspectionOut(ModelSerializer):
    class Meta:
        model = Inspection
        fields = ["id", "inspector", "started_at", "ended_at", "area", "note"]


class InspectionIn(serializers.Serializer):
    area = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)


class ViolationEventOut(ModelSerializer):
    class Meta:
        model = ViolationEvent
        fields = ["type", "actor", "at", "details"]


class ViolationOut(ModelSerializer):
    events = ViolationEventOut(many=True, read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)

    class Meta:
        model = Violation
        fields = [
            "id",
            "inspection",
            "category",
            "category_name",
            "staff",
            "department",
            "window",
            "occurred_at",
            "description",
            "photo",
            "points",
            "status",
            "events",
        ]


class ViolationIn(serializers.Serializer):
    staff = serializers.IntegerField()
    category = serializers.IntegerField()
    occurred_at = serializers.DateTimeField()
    inspection = serializers.IntegerField(required=False, allow_null=True, default=None)
    window = serializers.IntegerField(required=False, allow_null=True, default=None)
    points = serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=0, required=False, allow_null=True, default=None
    )
    description = serializers.CharField(required=False, default="", allow_blank=True)
    photo = serializers.FileField(required=False, allow_null=True, default=None)


class DecideIn(serializers.Serializer):
    upheld = serializers.BooleanField()
    comment = serializers.CharField(max_length=500)


class AssignmentOut(ModelSerializer):
    class Meta:
        model = StaffAssignment
        fields = [
            "id",
            "staff",
            "department",
            "windows",
            "started_at",
            "ended_at",
            "reason",
            "changed_by",
        ]


class AssignmentIn(serializers.Serializer):
    staff = serializers.IntegerField()
    department = serializers.IntegerField(allow_null=True)
    windows = serializers.ListField(child=serializers.IntegerField(), allow_empty=True)
    reason = serializers.CharField(max_length=200)


class PeriodIn(serializers.Serializer):
    month = serializers.RegexField(r"^\d{4}-\d{2}$", required=False, help_text=_("例如 2026-10"))
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)

    def validate(self, attrs):
        if "month" not in attrs and not ("start" in attrs and "end" in attrs):
            raise serializers.ValidationError(_("请提供 month,或 start 与 end。"))
        if "start" in attrs and "end" in attrs and attrs["start"] > attrs["end"]:
            raise serializers.ValidationError(_("start 不能晚于 end。"))
        return attrs


class FiguresOut(serializers.Serializer):
    working_days = serializers.IntegerField()
    staff_count = serializers.IntegerField()
    present_days = serializers.DecimalField(max_digits=10, decimal_places=4)
    late = serializers.IntegerField()
    early = serializers.IntegerField()
    missing_punches = serializers.IntegerField()
    absent_days = serializers.DecimalField(max_digits=10, decimal_places=4)
    leave_days = serializers.DecimalField(max_digits=10, decimal_places=4)
    temp_absences = serializers.IntegerField()
    scheduled_minutes = serializers.IntegerField()
    absence_from_post_minutes = serializers.IntegerField()
    violations = serializers.IntegerField()
    violation_points = serializers.DecimalField(max_digits=10, decimal_places=1)


class KeyedFiguresOut(FiguresOut):
    id = serializers.IntegerField()
    name = serializers.CharField()


class StabilityOut(serializers.Serializer):
    department = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    headcount_start = serializers.IntegerField()
    headcount_end = serializers.IntegerField()
    joined = serializers.IntegerField()
    left = serializers.IntegerField()
    window_changes = serializers.IntegerField()
    changes = serializers.IntegerField()
    change_rate = serializers.FloatField()
