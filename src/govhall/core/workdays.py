"""Working-day arithmetic: the one module every deadline in govhall is computed with.

Rules (DOMAIN.md "Working days"): a weekday is a working day unless it is a statutory holiday; a
weekend day is a rest day unless it is a make-up working day (调休). A limit of N working days
runs from the day after `start` and ends at the close of the Nth working day; N = 0 (即办件) is
due the same day. A result that depends on a year with no calendar data keeps the statutory
holidays of that year (`statutory_holidays`) and weekends, and is marked provisional: the State
Council's make-up days are only known from its annual notice.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from threading import Lock

from django.db import connection
from lunar_python import Lunar, Solar

ONE_DAY = dt.timedelta(days=1)
STATUTORY_RULE_SINCE = 2025  # 《全国年节及纪念日放假办法》 as revised by State Council decree 795


def _solar(day: Solar) -> dt.date:
    return dt.date(day.getYear(), day.getMonth(), day.getDay())


def _lunar(year: int, month: int, day: int) -> dt.date:
    return _solar(Lunar.fromYmd(year, month, day).getSolar())


@lru_cache(maxsize=128)
def statutory_holidays(year: int) -> frozenset[dt.date]:
    """The days off that 《全国年节及纪念日放假办法》 (as revised in 2024, in force from 2025) gives
    all citizens in `year`, the lunar and solar-term dates from the lunar calendar:

    元旦 01-01; 春节 4 days, 除夕 to 正月初三; 清明 the day of the solar term; 劳动节 05-01 and
    05-02; 端午 五月初五; 中秋 八月十五; 国庆 10-01 to 10-03 (13 days). Art. 6: a holiday that falls
    on a Saturday or Sunday is made up on the next working day. Years before the revision
    have none here (their notices are all known: chinese-calendar seeds 2004 on).
    """
    if year < STATUTORY_RULE_SINCE:
        return frozenset()
    new_year = _lunar(year, 1, 1)
    qingming = _solar(Solar.fromYmd(year, 4, 1).getLunar().getJieQiTable()["清明"])
    days = {
        dt.date(year, 1, 1),
        *(new_year + dt.timedelta(days=k) for k in range(-1, 3)),
        qingming,
        dt.date(year, 5, 1),
        dt.date(year, 5, 2),
        _lunar(year, 5, 5),
        _lunar(year, 8, 15),
        *(dt.date(year, 10, d) for d in (1, 2, 3)),
    }
    off = set(days)
    for day in sorted(days):
        if day.weekday() >= 5:
            extra = day
            while extra.weekday() >= 5 or extra in off:
                extra += ONE_DAY
            off.add(extra)
    return frozenset(off)


@dataclass(frozen=True)
class WorkdayResult:
    date: dt.date
    provisional: bool


@dataclass(frozen=True)
class Calendar:
    """An in-memory calendar: the known years, their holidays and their make-up working days."""

    known_years: frozenset[int]
    holidays: frozenset[dt.date]
    makeup_workdays: frozenset[dt.date]

    def is_known(self, day: dt.date) -> bool:
        return day.year in self.known_years

    def is_workday(self, day: dt.date) -> bool:
        if day in self.makeup_workdays:
            return True
        if day in self.holidays:
            return False
        if day.year not in self.known_years and day in statutory_holidays(day.year):
            return False
        return day.weekday() < 5

    def add_workdays(self, start: dt.date, n: int) -> WorkdayResult:
        """The close of the Nth working day after `start` (N = 0: `start` itself)."""
        if n < 0:
            raise ValueError("a time limit cannot be negative")
        provisional = not self.is_known(start)
        day = start
        remaining = n
        while remaining:
            day += ONE_DAY
            provisional = provisional or not self.is_known(day)
            if self.is_workday(day):
                remaining -= 1
        return WorkdayResult(day, provisional)

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days d with start < d <= end (negative when end is before start)."""
        if end < start:
            return -self.workdays_between(end, start)
        count = 0
        day = start
        while day < end:
            day += ONE_DAY
            if self.is_workday(day):
                count += 1
        return count

    def next_workday(self, day: dt.date) -> dt.date:
        """The first working day strictly after `day`."""
        day += ONE_DAY
        while not self.is_workday(day):
            day += ONE_DAY
        return day

    def is_provisional_range(self, start: dt.date, end: dt.date) -> bool:
        return any(y not in self.known_years for y in range(start.year, end.year + 1))

    def changed_workdays(self, other: "Calendar", years: Iterable[int]) -> list[dt.date]:
        """The dates of `years`, in order, that are a working day on one of the two calendars
        and a rest day on the other (what an import of those years changed)."""
        changed = []
        for year in sorted(set(years)):
            day = dt.date(year, 1, 1)
            while day.year == year:
                if self.is_workday(day) != other.is_workday(day):
                    changed.append(day)
                day += ONE_DAY
        return changed

    def without(self, years: Iterable[int]) -> "Calendar":
        """This calendar without the data of `years`: as it was before they were imported,
        when a limit that reached into them was counted provisionally."""
        gone = frozenset(years)
        return Calendar(
            known_years=self.known_years - gone,
            holidays=frozenset(d for d in self.holidays if d.year not in gone),
            makeup_workdays=frozenset(d for d in self.makeup_workdays if d.year not in gone),
        )


_cache: tuple[tuple[int, object, object], Calendar] | None = None
_lock = Lock()


def _version() -> tuple[int, object, object]:
    """What changes when a year is imported or edited. Read on every use of the calendar (the
    queue's every request among them), so as a plain statement, without building a query.

    The newest day's id besides the years' count and last update: an import writes its days
    anew, so the version changes even when the clock does not move on (two imports within its
    resolution, or a clock set back), and it comes back with the old rows when the import's
    transaction is rolled back."""
    from govhall.core.models import WorkCalendarDay, WorkCalendarYear

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), MAX(updated_at), "
            f"(SELECT MAX(id) FROM {WorkCalendarDay._meta.db_table}) "
            f"FROM {WorkCalendarYear._meta.db_table}"
        )
        n, at, newest_day = cursor.fetchone()
    return n, at, newest_day


def load_calendar() -> Calendar:
    """The calendar as stored now (cached until a year is imported or changed)."""
    from govhall.core.models import WorkCalendarDay, WorkCalendarYear

    global _cache
    version = _version()
    with _lock:
        if _cache is not None and _cache[0] == version:
            return _cache[1]
        holidays: set[dt.date] = set()
        makeup: set[dt.date] = set()
        for day, kind in WorkCalendarDay.objects.values_list("date", "kind"):
            (holidays if kind == WorkCalendarDay.Kind.HOLIDAY else makeup).add(day)
        calendar = Calendar(
            known_years=frozenset(WorkCalendarYear.objects.values_list("year", flat=True)),
            holidays=frozenset(holidays),
            makeup_workdays=frozenset(makeup),
        )
        _cache = (version, calendar)
        return calendar


def add_workdays(start: dt.date, n: int) -> WorkdayResult:
    return load_calendar().add_workdays(start, n)


def workdays_between(start: dt.date, end: dt.date) -> int:
    return load_calendar().workdays_between(start, end)


def is_workday(day: dt.date) -> bool:
    return load_calendar().is_workday(day)


def next_workday(day: dt.date) -> dt.date:
    return load_calendar().next_workday(day)
