"""Days of the centre's calendar as moments: the one way govhall turns a local day (Asia/Shanghai,
settings.TIME_ZONE) into aware datetimes, and a month into its first and last day.

Every figure over a period counts the rows whose moment falls in `day_span(first, last)`: from
00:00 of the first day up to, not including, 00:00 of the day after the last.
"""

import calendar
import datetime as dt

from django.utils import timezone


def local_moment(day: dt.date, time: dt.time = dt.time.min) -> dt.datetime:
    """`time` on the local `day`, aware (00:00 when no time is given)."""
    return timezone.make_aware(dt.datetime.combine(day, time))


def end_of_day(day: dt.date) -> dt.datetime:
    """The close of a local day: the next day's 00:00, aware (an exclusive upper bound)."""
    return local_moment(day + dt.timedelta(days=1))


def day_span(first: dt.date, last: dt.date | None = None) -> tuple[dt.datetime, dt.datetime]:
    """[`first` 00:00, the close of `last`), aware; `last` defaults to `first`."""
    return local_moment(first), end_of_day(last or first)


def month_span(year: int, month: int) -> tuple[dt.date, dt.date]:
    """The first and the last day of a month."""
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def month_so_far(day: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """From the first of `day`'s month to `day` (today by default): a figures page's default."""
    day = day or timezone.localdate()
    return day.replace(day=1), day


def previous_month(day: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The first and the last day of the month before `day`'s (today's by default)."""
    last = (day or timezone.localdate()).replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last
