"""Departments and windows in the hall on a date, from their history."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from govhall.org import selectors
from tests.factories import DepartmentFactory, WindowFactory

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")


def edit(obj, day: dt.date, **fields) -> None:
    for name, value in fields.items():
        setattr(obj, name, value)
    obj._history_date = dt.datetime.combine(day, dt.time(10), tzinfo=TZ)
    obj.save()


def test_the_hall_on_each_date(center):
    """Made 01-05: units A, B entered, C not; windows 1, 2 open. 02-01: C enters, window 2
    closes. 04-01: B is deactivated. Counted at the close of each day."""
    units = [DepartmentFactory.build(center=center, entered=e) for e in (True, True, False)]
    windows = [WindowFactory.build(center=center) for _i in range(2)]
    for obj in (*units, *windows):
        edit(obj, dt.date(2026, 1, 5))
    edit(units[2], dt.date(2026, 2, 1), entered=True)
    edit(windows[1], dt.date(2026, 2, 1), is_open=False)
    edit(units[1], dt.date(2026, 4, 1), is_active=False)

    def state(day):
        return (
            selectors.departments_in_hall_on(center_id=center.pk, day=day),
            selectors.windows_open_on(center_id=center.pk, day=day),
        )

    assert state(dt.date(2026, 1, 4)) == (0, 0)
    assert state(dt.date(2026, 1, 5)) == (2, 2)
    assert state(dt.date(2026, 1, 31)) == (2, 2)
    assert state(dt.date(2026, 2, 1)) == (3, 1)
    assert state(dt.date(2026, 4, 1)) == (2, 1)
