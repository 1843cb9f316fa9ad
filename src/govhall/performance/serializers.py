from rest_framework import serializers

from govhall.core.serializers import ModelSerializer
from govhall.performance.models import (
    DepartmentScore,
    EvaluationRun,
    Rubric,
    RubricAward,
    RubricDimension,
    RubricRule,
    StaffScore,
)


class RubricRuleSerializer(ModelSerializer):
    class Meta:
        model = RubricRule
        fields = ["id", "rule", "points", "params", "scale", "order"]


class RubricDimensionSerializer(ModelSerializer):
    rules = RubricRuleSerializer(many=True, read_only=True)

    class Meta:
        model = RubricDimension
        fields = ["id", "code", "name", "weight", "method", "order", "rules"]


class RubricAwardSerializer(ModelSerializer):
    class Meta:
        model = RubricAward
        fields = ["id", "name", "subject", "count", "criterion", "excludes_overdue", "order"]


class RubricSerializer(ModelSerializer):
    dimensions = RubricDimensionSerializer(many=True, read_only=True)
    awards = RubricAwardSerializer(many=True, read_only=True)

    class Meta:
        model = Rubric
        fields = [
            "id",
            "name",
            "version",
            "is_active",
            "no_data_policy",
            "award_min_volume_share",
            "tie_breakers",
            "star_rules",
            "dimensions",
            "awards",
        ]


class DepartmentScoreSerializer(ModelSerializer):
    department_name = serializers.CharField(source="department.name")

    class Meta:
        model = DepartmentScore
        fields = [
            "department",
            "department_name",
            "dimension_scores",
            "total",
            "standing",
            "rank",
            "award",
            "flags",
        ]


class StaffScoreSerializer(ModelSerializer):
    staff_number = serializers.CharField(source="staff.staff_number")
    name = serializers.CharField(source="staff.user.display_name")

    class Meta:
        model = StaffScore
        fields = ["staff", "staff_number", "name", "score", "rank", "award"]


class RunSerializer(ModelSerializer):
    period_code = serializers.CharField(source="period.code")
    period_label = serializers.CharField(source="period.label")
    rubric_version = serializers.IntegerField(source="rubric.version")

    class Meta:
        model = EvaluationRun
        fields = [
            "id",
            "period_code",
            "period_label",
            "version",
            "status",
            "rubric_version",
            "computed_at",
            "published_at",
            "issued_on",
            "changes",
        ]


class RunDetailSerializer(RunSerializer):
    scores = DepartmentScoreSerializer(many=True, read_only=True)
    staff_scores = StaffScoreSerializer(many=True, read_only=True)
    center_figures = serializers.JSONField(source="inputs.center")

    class Meta(RunSerializer.Meta):
        fields = [*RunSerializer.Meta.fields, "center_figures", "scores", "staff_scores"]


class ComputeInput(serializers.Serializer):
    period = serializers.CharField(help_text="2026-05, 2026-Q2, 2026-H1, 2026")


class ManualScoreInput(serializers.Serializer):
    period = serializers.CharField()
    dimension = serializers.IntegerField()
    department = serializers.IntegerField()
    score = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100)
