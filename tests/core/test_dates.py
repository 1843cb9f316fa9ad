import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from govhall.core.dates import (
    day_span,
    end_of_day,
    local_moment,
    month_so_far,
    month_span,
    previous_month,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))


def test_a_local_moment_is_the_wall_clock_time_in_shanghai() -> None:
    at = local_moment(dt.date(2026, 10, 8), dt.time(9, 30))
    assert at == dt.datetime(2026, 10, 8, 1, 30, tzinfo=dt.UTC)
    assert at.astimezone(SHANGHAI).time() == dt.time(9, 30)
    assert local_moment(dt.date(2026, 10, 8)).astimezone(SHANGHAI).time() == dt.time.min


@given(days, st.integers(min_value=0, max_value=400))
def test_a_span_is_half_open_and_holds_every_moment_of_its_days(first: dt.date, n: int) -> None:
    last = first + dt.timedelta(days=n)
    lo, hi = day_span(first, last)
    assert hi - lo == dt.timedelta(days=n + 1)
    assert lo == local_moment(first)
    assert hi == end_of_day(last) == local_moment(last + dt.timedelta(days=1))
    assert lo <= local_moment(last, dt.time(23, 59, 59)) < hi
    assert day_span(first) == (lo, end_of_day(first))


@given(days)
def test_a_month_runs_from_its_first_to_its_last_day(day: dt.date) -> None:
    first, last = month_span(day.year, day.month)
    assert first == day.replace(day=1)
    assert first <= day <= last
    assert (last + dt.timedelta(days=1)).day == 1
    before_first, before_last = previous_month(day)
    assert before_last == first - dt.timedelta(days=1)
    assert (before_first, before_last) == month_span(before_last.year, before_last.month)


def test_the_month_defaults_are_of_today_in_shanghai() -> None:
    today = timezone.localdate()
    assert month_so_far() == (today.replace(day=1), today)
    assert previous_month() == previous_month(today)


def test_february_of_a_leap_year_has_29_days() -> None:
    assert month_span(2028, 2) == (dt.date(2028, 2, 1), dt.date(2028, 2, 29))
    assert month_span(2026, 2)[1] == dt.date(2026, 2, 28)
    assert previous_month(dt.date(2026, 1, 15)) == (dt.date(2025, 12, 1), dt.date(2025, 12, 31))
