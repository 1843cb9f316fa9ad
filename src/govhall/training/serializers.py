"""Input and output of the training API."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from govhall.training.views import FIRST_YEAR


class YearInput(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=FIRST_YEAR)

    def validate_year(self, value: int) -> int:
        if value > timezone.localdate().year + 1:
            raise serializers.ValidationError(_("年份不能晚于明年。"))
        return value


class UnitTrainingOut(serializers.Serializer):
    department_id = serializers.IntegerField()
    name = serializers.CharField()
    staff = serializers.IntegerField()
    trained = serializers.IntegerField()
    coverage = serializers.DecimalField(max_digits=5, decimal_places=4, allow_null=True)
    attendances = serializers.IntegerField()
    person_hours = serializers.DecimalField(max_digits=10, decimal_places=1)
    rotations = serializers.IntegerField()


class TrainingYearOut(serializers.Serializer):
    year = serializers.IntegerField()
    sessions_held = serializers.IntegerField()
    sessions_planned = serializers.IntegerField()
    attendances = serializers.IntegerField()
    person_hours = serializers.DecimalField(max_digits=10, decimal_places=1)
    staff = serializers.IntegerField()
    trained = serializers.IntegerField()
    coverage = serializers.DecimalField(max_digits=5, decimal_places=4, allow_null=True)
    rotations = serializers.IntegerField()
    by_topic = serializers.DictField(child=serializers.IntegerField())
    units = UnitTrainingOut(many=True)
