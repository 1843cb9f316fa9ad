"""Filters that show figures as a person reads them: rates as percentages, seconds as minutes."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from govhall.core.numbers import percent_text

register = template.Library()

EMPTY = "—"


@register.filter
def percent(value: float | Decimal | None, digits: int = 1) -> str:
    """A rate from the figures (0.9231) as a percentage rounded half up ("92.3%"); "—" when
    undefined."""
    if value is None or value == "":
        return EMPTY
    return percent_text(value, int(digits))


@register.filter
def minutes(seconds: float | Decimal | None) -> str:
    """A duration in seconds (254) as minutes ("4.2 分钟"); "—" when undefined."""
    if seconds is None or seconds == "":
        return EMPTY
    return _("%(m)s 分钟") % {"m": f"{float(seconds) / 60:.1f}"}
