"""The weekly period (周通报): ISO weeks, Monday to Sunday."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govhall.core.errors import ValidationFailed
from govhall.core.validators import MAX_YEAR, MIN_YEAR
from govhall.performance.periods import parse_period


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [
        # 2026-04-27 is a Monday; ISO week 18 of 2026 runs to Sunday 2026-05-03.
        ("2026-W18", "2026-04-27", "2026-05-03"),
        # 2026-01-01 is a Thursday, so ISO week 1 holds it and starts on Monday 2025-12-29.
        ("2026-W01", "2025-12-29", "2026-01-04"),
        # 2026 has 53 ISO weeks (it begins on a Thursday): W53 ends on Sunday 2027-01-03.
        ("2026-w53", "2026-12-28", "2027-01-03"),
        # 2021-01-01 is a Friday: it belongs to 2020-W53, and 2021-W01 starts on 2021-01-04.
        ("2021-W01", "2021-01-04", "2021-01-10"),
    ],
)
def test_weeks_worked_by_hand(code, start, end):
    spec = parse_period(code)
    assert spec.kind == "week"
    assert (str(spec.start), str(spec.end)) == (start, end)
    assert spec.code == code.upper()


@pytest.mark.parametrize("code", ["2025-W53", "2026-W54", "2026-W00", "2026-W5", "2026W18"])
def test_weeks_that_do_not_exist_are_refused(code):
    # 2025 begins on a Wednesday and is not a leap year: it has 52 ISO weeks.
    with pytest.raises(ValidationFailed) as caught:
        parse_period(code)
    assert caught.value.code == "bad_period"


def test_the_label_names_the_week_and_its_days():
    assert parse_period("2026-W18").label == "2026年第18周(4月27日—5月3日)"


# Up to 21 December: the following week then starts by 28 December, before any ISO week 1 of
# the year after MAX_YEAR can (29 December at the earliest), so both weeks are in range.
@given(st.dates(min_value=dt.date(MIN_YEAR, 1, 8), max_value=dt.date(MAX_YEAR, 12, 21)))
def test_every_day_lies_in_exactly_its_iso_week(day):
    year, week, weekday = day.isocalendar()
    spec = parse_period(f"{year}-W{week:02d}")
    assert spec.start <= day <= spec.end
    assert spec.start.weekday() == 0 and (spec.end - spec.start).days == 6
    assert spec.start == day - dt.timedelta(days=weekday - 1)
    # The next week starts the day after this one ends: weeks tile the calendar.
    following = spec.end + dt.timedelta(days=1)
    y, w, _d = following.isocalendar()
    assert parse_period(f"{y}-W{w:02d}").start == following
