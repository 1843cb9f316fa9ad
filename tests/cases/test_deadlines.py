"""The deadline arithmetic with stopped clocks (`cases.deadlines`), against a day-by-day oracle.

DOMAIN.md "Working days": N working days from the day after acceptance; a stop
``(started_on, ended_on)`` removes the days after `started_on` through `ended_on` and counting
restarts on the next working day after `ended_on`; an open stop leaves the due date unknown
unless the N days were used before it began. The calendar is the one the package ships
(2004-2026) and, after it, the provisional rule (weekends and the statutory holidays).
"""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from govhall.cases import deadlines
from govhall.core.calendar_data import HOLIDAY, package_days, package_years
from govhall.core.workdays import ONE_DAY, Calendar

CALENDAR = Calendar(
    known_years=frozenset(package_years()),
    holidays=frozenset(d for y in package_years() for d, k, _n in package_days(y) if k == HOLIDAY),
    makeup_workdays=frozenset(
        d for y in package_years() for d, k, _n in package_days(y) if k != HOLIDAY
    ),
)

starts = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2027, 12, 31))
limits = st.integers(min_value=0, max_value=30)
# stops as (days after acceptance it starts, days it lasts); 0 days: asked and answered the same day
closed_stops = st.lists(st.tuples(st.integers(0, 40), st.integers(0, 20)), max_size=3)


def _stops(accepted: dt.date, spans: list[tuple[int, int]]) -> list[deadlines.Stop]:
    return [
        (accepted + dt.timedelta(days=a), accepted + dt.timedelta(days=a + n)) for a, n in spans
    ]


def _oracle(accepted: dt.date, limit: int, stops: list[deadlines.Stop]) -> dt.date:
    """The Nth working day after `accepted` on which the clock runs, counted by hand."""
    stopped = {
        start + dt.timedelta(days=k)
        for start, end in stops
        for k in range(1, (end - start).days + 1)
    }
    if limit == 0:
        # 即办件: due the day of acceptance, or the day a stop asked for by then ends
        due = accepted
        for start, end in sorted(stops):
            if start <= due:
                due = max(due, end)
        return due
    day, counted = accepted, 0
    while counted < limit:
        day += ONE_DAY
        if CALENDAR.is_workday(day) and day not in stopped:
            counted += 1
    return day


@given(accepted=starts, limit=limits)
def test_without_stops_the_due_date_is_the_calendars(accepted, limit):
    expected = CALENDAR.add_workdays(accepted, limit)
    deadline = deadlines.compute_due(CALENDAR, accepted, limit)
    assert (deadline.due, deadline.provisional) == (expected.date, expected.provisional)


@given(accepted=starts, limit=limits, spans=closed_stops)
def test_closed_stops_match_the_day_by_day_count(accepted, limit, spans):
    stops = _stops(accepted, spans)
    due = deadlines.compute_due(CALENDAR, accepted, limit, stops).due
    assert due == _oracle(accepted, limit, stops)
    # a stop never brings the deadline forward
    assert due >= CALENDAR.add_workdays(accepted, limit).date
    assert deadlines.elapsed_workdays(CALENDAR, accepted, due, stops) == limit
    if limit:
        assert deadlines.elapsed_workdays(CALENDAR, accepted, due - ONE_DAY, stops) == limit - 1


@given(accepted=starts, limit=st.integers(1, 30), opens_after=st.integers(0, 60))
def test_an_open_stop_leaves_the_due_date_unknown_unless_the_days_were_used(
    accepted, limit, opens_after
):
    opened = accepted + dt.timedelta(days=opens_after)
    due = deadlines.compute_due(CALENDAR, accepted, limit, [(opened, None)]).due
    running_due = CALENDAR.add_workdays(accepted, limit).date
    assert due == (running_due if running_due <= opened else None)


@given(accepted=starts, opens_after=st.integers(0, 60))
def test_a_same_day_case_waits_on_a_stop_asked_on_the_day_only(accepted, opens_after):
    """A 即办件 whose correction was asked on the day is due when it is answered; one asked
    later finds it overdue already, and its stop moves nothing."""
    opened = accepted + dt.timedelta(days=opens_after)
    due = deadlines.compute_due(CALENDAR, accepted, 0, [(opened, None)]).due
    assert due == (None if opened == accepted else accepted)
    answered = opened + dt.timedelta(days=3)
    due = deadlines.compute_due(CALENDAR, accepted, 0, [(opened, answered)]).due
    assert due == (answered if opened == accepted else accepted)


@given(
    accepted=starts,
    limit=limits,
    percent=st.integers(0, 100),
    on_last_day=st.booleans(),
)
def test_yellow_starts_threshold_working_days_before_the_close_of_the_due_day(
    accepted, limit, percent, on_last_day
):
    due = CALENDAR.add_workdays(accepted, limit).date
    threshold = deadlines.yellow_threshold(limit, on_last_day=on_last_day, percent=percent)
    yellow = deadlines.yellow_from(CALENDAR, due, threshold)
    if threshold == 0:
        assert yellow is None
        return
    assert yellow <= due
    assert CALENDAR.is_workday(yellow) or yellow == due
    if CALENDAR.is_workday(due):
        assert CALENDAR.workdays_between(yellow - ONE_DAY, due) == threshold
