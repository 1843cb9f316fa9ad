"""The base of the apps' model serializers, and the statistics period their figures take."""

import copy
from typing import Any

from rest_framework import serializers

from govhall.core.formfields import KEY_RANGE
from govhall.core.validators import validate_period


class KeyField(serializers.IntegerField):
    """A row's key in an input: past what a 64-bit column holds it is refused (400), since the
    database cannot bind it (SQLite's OverflowError, PostgreSQL's bigint out of range: a 500)
    where a lookup is not Django's own pk check."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", KEY_RANGE.start)
        kwargs.setdefault("max_value", KEY_RANGE.stop - 1)
        super().__init__(**kwargs)


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
