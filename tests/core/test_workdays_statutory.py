"""Years without a State Council notice keep the statutory holidays of 《全国年节及纪念日放假办法》
(2024 revision, in force from 2025): 元旦 1, 春节 4 (除夕–初三), 清明 1, 劳动节 2, 端午 1, 中秋 1,
国庆 3, and a holiday on a weekend made up on the next working day (art. 6)."""

import datetime as dt

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lunar_python import Lunar

from govhall.core.workdays import add_workdays, load_calendar, statutory_holidays

D = dt.date
UNKNOWN = {"min_value": D(2027, 1, 1), "max_value": D(2099, 10, 31)}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # Thu 2026-12-31 (known) + 1: Fri 2027-01-01 元旦, weekend → Mon 01-04, provisional.
        (D(2026, 12, 31), 1, D(2027, 1, 4)),
        # 春节 2027: 初一 is Sat 02-06; 除夕 Fri 02-05 to 初三 Mon 02-08 rest, Sat 02-06 made up
        # on Tue 02-09 and Sun 02-07 on Wed 02-10: Thu 02-04 + 1 → Thu 02-11.
        (D(2027, 2, 4), 1, D(2027, 2, 11)),
        # 国庆 2027: Fri 10-01, Sat 10-02 and Sun 10-03 (made up Mon 10-04, Tue 10-05);
        # Thu 09-30 + 2 → Wed 10-06 (1), Thu 10-07 (2).
        (D(2027, 9, 30), 2, D(2027, 10, 7)),
        # 清明 2027 is Mon 04-05 (the solar term): Fri 04-02 + 1 → Tue 04-06.
        (D(2027, 4, 2), 1, D(2027, 4, 6)),
    ],
)
def test_unknown_years_keep_the_statutory_holidays(start, n, due):
    result = add_workdays(start, n)
    assert result.date == due
    assert result.provisional


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_rule_gives_rest_days_the_state_council_also_gave(year):
    """In the years the notices are known (under the 2024 revision) every day the rule gives
    off was a rest day, and each festival's first day is named as that festival."""
    holidays = statutory_holidays(year)
    assert all(not chinese_calendar.is_workday(day) for day in holidays)
    festivals = {chinese_calendar.get_holiday_detail(day)[1] for day in holidays}
    assert festivals >= {
        chinese_calendar.Holiday.new_years_day.value,
        chinese_calendar.Holiday.spring_festival.value,
        chinese_calendar.Holiday.tomb_sweeping_day.value,
        chinese_calendar.Holiday.labour_day.value,
        chinese_calendar.Holiday.dragon_boat_festival.value,
        chinese_calendar.Holiday.mid_autumn_festival.value,
        chinese_calendar.Holiday.national_day.value,
    }


@settings(max_examples=80, deadline=None)
@given(year=st.integers(2027, 2099))
def test_thirteen_weekdays_off_a_year(year):
    """Every holiday costs one weekday: itself, or the one that makes it up when it falls on a
    weekend; only a 中秋 inside 国庆's three days shares its day."""
    solar = Lunar.fromYmd(year, 8, 15).getSolar()
    mid_autumn = D(solar.getYear(), solar.getMonth(), solar.getDay())
    shared = mid_autumn in {D(year, 10, d) for d in (1, 2, 3)}
    holidays = statutory_holidays(year)
    assert len([d for d in holidays if d.weekday() < 5]) == 13 - shared
    assert all(d.year == year for d in holidays)
    assert mid_autumn in holidays


@pytest.mark.django_db
@settings(max_examples=200, deadline=None)
@given(start=st.dates(**UNKNOWN), n=st.integers(min_value=0, max_value=40))
def test_provisional_counting_skips_weekends_and_statutory_holidays(start, n):
    calendar = load_calendar()
    result = calendar.add_workdays(start, n)
    assert result.provisional
    assert calendar.workdays_between(start, result.date) == n
    if n:
        assert result.date.weekday() < 5
        assert result.date not in statutory_holidays(result.date.year)
    weekdays_only = start
    for _k in range(n):
        weekdays_only += dt.timedelta(days=1)
        while weekdays_only.weekday() >= 5:
            weekdays_only += dt.timedelta(days=1)
    assert result.date >= weekdays_only
