"""The API's query filters: django-filter with dates bounded to the years a centre can hold.

A date or time filter like ``?punched_at__gte=0001-01-01`` is parsed, then made aware in the
centre's time zone and converted to UTC for the query: year 1 underflows there and year 9999
overflows. Every date and time filter therefore refuses years outside MIN_YEAR–MAX_YEAR with
a 400 and its message, like the forms do (``core.validators.validate_year_range``).
"""

import copy
from typing import Any

from django.db import models
from django_filters import rest_framework as filters

from govhall.core.validators import validate_year_range


def _bounded(defaults: dict[str, Any]) -> dict[str, Any]:
    entry = copy.deepcopy(defaults)
    given = entry.get("extra", lambda _field: {})
    entry["extra"] = lambda field: {**given(field), "validators": [validate_year_range]}
    return entry


class FilterSet(filters.FilterSet):
    FILTER_DEFAULTS = {
        **filters.FilterSet.FILTER_DEFAULTS,
        **{
            field: _bounded(filters.FilterSet.FILTER_DEFAULTS[field])
            for field in (models.DateField, models.DateTimeField)
        },
    }


class FilterBackend(filters.DjangoFilterBackend):
    """DjangoFilterBackend whose generated filter sets bound their dates (see the module)."""

    filterset_base = FilterSet
