"""Deadline arithmetic of a case over the working-day calendar, with stopped-clock periods.

DOMAIN.md "Working days": a limit of N working days runs from the day after acceptance and ends
at the close of the Nth working day; 即办件 (N = 0) are due the day of acceptance. A stop
``(started_on, ended_on)`` removes the working days d with ``started_on < d <= ended_on``;
counting restarts on the next working day after ``ended_on``. While a stop is open
(``ended_on is None``) the due date is unknown, unless all N days were used before it began
(then the case was overdue already and stays so). A 即办件's stop asked for on the day moves its
due date to the day the stop ends; one begun after that day moves nothing.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from govhall.core.workdays import ONE_DAY, Calendar

Stop = tuple[dt.date, dt.date | None]


@dataclass(frozen=True)
class Deadline:
    due: dt.date | None
    provisional: bool


def _stopped(day: dt.date, stops: Sequence[Stop]) -> bool:
    return any(start < day and (end is None or day <= end) for start, end in stops)


def compute_due(
    cal: Calendar, accepted_on: dt.date, limit_days: int, stops: Sequence[Stop] = ()
) -> Deadline:
    """The due date of a case accepted on `accepted_on` with `limit_days` and these stops."""
    provisional = not cal.is_known(accepted_on)
    if limit_days == 0:
        return Deadline(_same_day_due(accepted_on, stops), provisional)
    open_from = min((start for start, end in stops if end is None), default=None)
    day = accepted_on
    remaining = limit_days
    while remaining:
        day += ONE_DAY
        if open_from is not None and day > open_from:
            return Deadline(None, provisional)
        provisional = provisional or not cal.is_known(day)
        if cal.is_workday(day) and not _stopped(day, stops):
            remaining -= 1
    return Deadline(day, provisional)


def _same_day_due(accepted_on: dt.date, stops: Sequence[Stop]) -> dt.date | None:
    """A 即办件's due date: the day of acceptance, moved to the end of each stop asked for by
    then (a correction asked on the day: done the day the applicant answers). A stop begun after
    the due day changes nothing: the case was overdue already. None while a stop that moves it
    is open."""
    due: dt.date | None = accepted_on
    for start, end in sorted(stops, key=lambda stop: stop[0]):
        if due is None or start > due:
            break
        due = None if end is None else max(due, end)
    return due


def elapsed_workdays(
    cal: Calendar, accepted_on: dt.date, on: dt.date, stops: Sequence[Stop] = ()
) -> int:
    """Working days the clock ran from the day after acceptance through `on`."""
    count = 0
    day = accepted_on
    while day < on:
        day += ONE_DAY
        if cal.is_workday(day) and not _stopped(day, stops):
            count += 1
    return count


def yellow_threshold(limit_days: int, *, on_last_day: bool, percent: int) -> int:
    """How many working days left (counting the due day) turn the light yellow; 0 = never."""
    return max(1 if on_last_day else 0, limit_days * percent // 100)


def yellow_from(cal: Calendar, due: dt.date | None, threshold: int) -> dt.date | None:
    """The first day of the yellow light: `threshold` working days before the close of `due`."""
    if due is None or threshold == 0:
        return None
    day = due
    steps = threshold - 1
    while steps:
        day -= ONE_DAY
        if cal.is_workday(day):
            steps -= 1
    return day
