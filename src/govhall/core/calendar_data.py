"""The calendar data that ships with the `chinese-calendar` package (2004 up to its last year)."""

import datetime as dt
from collections.abc import Iterator

from chinese_calendar.constants import holidays, workdays

HOLIDAY = "holiday"
WORKDAY = "workday"


def package_years() -> range:
    known = [d.year for d in holidays]
    return range(min(known), max(known) + 1)


def package_days(year: int) -> Iterator[tuple[dt.date, str, str]]:
    """(date, kind, name) for the exceptions to the weekday rule in `year`."""
    for day, holiday in sorted(holidays.items()):
        if day.year == year and day.weekday() < 5:
            yield day, HOLIDAY, _holiday_name(holiday)
    for day, holiday in sorted(workdays.items()):
        if day.year == year and day.weekday() >= 5:
            yield day, WORKDAY, _holiday_name(holiday)


_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def _holiday_name(holiday: object) -> str:
    value = str(getattr(holiday, "value", holiday or ""))
    return _NAMES_ZH.get(value, value)


def seed_package_years(year_model: type, day_model: type) -> int:
    """Store every year the package knows and the database lacks; return how many were added.

    Takes the model classes so the data migration can pass its historical models.
    """
    added = 0
    for year in package_years():
        if year_model.objects.filter(year=year).exists():
            continue
        record = year_model.objects.create(year=year, source="chinese_calendar", official=True)
        day_model.objects.bulk_create(
            day_model(year=record, date=d, kind=kind, name=name)
            for d, kind, name in package_days(year)
        )
        added += 1
    return added
