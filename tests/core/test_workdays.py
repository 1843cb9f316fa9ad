import datetime as dt

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govhall.core.workdays import add_workdays, load_calendar, workdays_between

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (dt.date(2026, 9, 30), 5, dt.date(2026, 10, 13)),
        (dt.date(2026, 2, 13), 3, dt.date(2026, 2, 25)),
        (dt.date(2026, 5, 6), 0, dt.date(2026, 5, 6)),
    ],
)
def test_domain_examples(start, n, due):
    result = add_workdays(start, n)
    assert result.date == due
    assert not result.provisional


def test_year_without_data_is_provisional():
    result = add_workdays(dt.date(2031, 3, 2), 3)  # Monday → Thursday by the weekday rule
    assert result.date == dt.date(2031, 3, 5)
    assert result.provisional


@settings(max_examples=300, deadline=None)
@given(
    start=st.dates(min_value=dt.date(2004, 1, 1), max_value=dt.date(2026, 10, 31)),
    n=st.integers(min_value=0, max_value=40),
)
def test_add_workdays_matches_day_by_day_count(start, n):
    calendar = load_calendar()
    result = calendar.add_workdays(start, n)
    day, counted = start, 0
    while counted < n:
        day += dt.timedelta(days=1)
        if chinese_calendar.is_workday(day):
            counted += 1
    assert result.date == day
    assert n == 0 or chinese_calendar.is_workday(result.date)
    assert calendar.workdays_between(start, result.date) == n


@settings(max_examples=200, deadline=None)
@given(
    a=st.dates(min_value=dt.date(2004, 1, 1), max_value=dt.date(2026, 12, 31)),
    b=st.dates(min_value=dt.date(2004, 1, 1), max_value=dt.date(2026, 12, 31)),
)
def test_workdays_between_is_antisymmetric(a, b):
    assert workdays_between(a, b) == -workdays_between(b, a)
