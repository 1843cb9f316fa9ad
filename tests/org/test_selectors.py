"""The centre's units and staff, and the departments and windows in the hall on a date."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from govhall.core.selectors import center_row
from govhall.org import selectors
from tests.factories import CenterFactory, DepartmentFactory, StaffProfileFactory, WindowFactory

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


def test_names_and_rows_are_the_centres_own(center):
    own = DepartmentFactory(center=center, name="市场监管局")
    foreign = DepartmentFactory(center=CenterFactory(), name="公安局")
    assert selectors.department_names(center.pk) == {own.pk: "市场监管局"}
    assert center_row(type(own), own.pk, center.pk) == own
    assert center_row(type(own), foreign.pk, center.pk) is None


def test_a_profile_out_of_post_is_no_active_profile(center):
    profile = StaffProfileFactory(center=center, active=False)
    assert selectors.active_profile(profile.user) is None
    assert selectors.profile_of(profile.user) == profile
    assert selectors.staff_names([profile.pk]) == {profile.pk: profile.user.display_name}
