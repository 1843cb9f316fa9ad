"""The base of the apps' model serializers, and the statistics period their figures take."""

import copy
from typing import Any

from rest_framework import serializers

from govhall.core.validators import validate_period


class ModelSerializer(serializers.ModelSerializer):
    """DRF's ModelSerializer with the fields it derives from the model built once per class.

    DRF rebuilds them from the model's metadata for every serializer instance (every object of
    every response); they depend on the class alone (its Meta and declared fields), so each
    instance now gets a deep copy of the class's, as DRF gives it of the declared ones.
    """

    def get_fields(self) -> dict[str, Any]:
        cls = type(self)
        built = cls.__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            cls._built_fields = built
        return copy.deepcopy(built)


class PeriodIn(serializers.Serializer):
    """A statistics period: `start` to `end`, both days included, at most a year, in years the
    calendar arithmetic can reach."""

    start = serializers.DateField()
    end = serializers.DateField()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        validate_period(attrs["start"], attrs["end"])
        return attrs
