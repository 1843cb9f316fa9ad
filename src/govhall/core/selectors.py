"""Reads of the core app."""

from dataclasses import dataclass

from django.db.models import Count, Q

from govhall.core.models import WorkCalendarDay, WorkCalendarYear


@dataclass(frozen=True)
class CalendarYearStatus:
    year: int
    source: str
    official: bool
    holidays: int
    makeup_workdays: int


def calendar_status() -> list[CalendarYearStatus]:
    years = WorkCalendarYear.objects.annotate(
        holidays=Count("days", filter=Q(days__kind=WorkCalendarDay.Kind.HOLIDAY)),
        makeup=Count("days", filter=Q(days__kind=WorkCalendarDay.Kind.WORKDAY)),
    ).order_by("year")
    return [
        CalendarYearStatus(y.year, y.get_source_display(), y.official, y.holidays, y.makeup)
        for y in years
    ]
