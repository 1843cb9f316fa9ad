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


def test_enterprises_and_service_areas_on_each_date(center):
    """Made 01-05: a government unit G, an enterprise E (供水公司), and a unit U that is brought
    in as an enterprise on 03-01; windows in 综合区 (two), 便民区 and one without an area, all
    open. 02-01: the 便民区 window closes; 04-01: one 综合区 window moves to 企业区. Seed 003
    counts the enterprises apart (引进…16家企业) and the areas (设27个服务区)."""
    gov = DepartmentFactory.build(center=center)
    ent = DepartmentFactory.build(center=center, kind="enterprise", name="供水公司")
    late = DepartmentFactory.build(center=center)
    areas = ["综合区", "综合区", "便民区", ""]
    windows = [WindowFactory.build(center=center, area=area) for area in areas]
    for obj in (gov, ent, late, *windows):
        edit(obj, dt.date(2026, 1, 5))
    edit(windows[2], dt.date(2026, 2, 1), is_open=False)
    edit(late, dt.date(2026, 3, 1), kind="enterprise")
    edit(windows[1], dt.date(2026, 4, 1), area="企业区")

    def state(day):
        kw = {"center_id": center.pk, "day": day}
        return (
            selectors.departments_in_hall_on(**kw, kind="government"),
            selectors.departments_in_hall_on(**kw, kind="enterprise"),
            selectors.departments_in_hall_on(**kw),
            sorted(selectors.enterprise_ids_on(**kw).values_list("id", flat=True)),
            selectors.service_areas_on(**kw),
        )

    assert state(dt.date(2026, 1, 4)) == (0, 0, 0, [], 0)
    assert state(dt.date(2026, 1, 5)) == (2, 1, 3, [ent.pk], 2)
    assert state(dt.date(2026, 2, 1)) == (2, 1, 3, [ent.pk], 1)
    assert state(dt.date(2026, 3, 1)) == (1, 2, 3, sorted([ent.pk, late.pk]), 1)
    assert state(dt.date(2026, 4, 1)) == (1, 2, 3, sorted([ent.pk, late.pk]), 2)
    # now: the same, from the records themselves
    assert selectors.service_areas(center.pk) == 2
    assert selectors.service_areas(CenterFactory().pk) == 0
