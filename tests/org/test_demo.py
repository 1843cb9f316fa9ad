"""The demo's staff on a centre an earlier demo loaded."""

from collections import Counter

import pytest

from govhall.org import demo
from govhall.org.models import StaffProfile, Window
from tests.factories import CenterFactory, StaffProfileFactory

pytestmark = pytest.mark.django_db


def test_a_staff_number_an_earlier_plan_gave_to_someone_else_is_not_taken_again():
    """A demo loaded before units were added numbered its people otherwise: the plan's 33rd
    person may find ZW41170033 held by the old plan's 33rd. Loading gives the newcomer a free
    number instead of failing on the unique constraint."""
    center = CenterFactory(region_code="411700")
    held = [f"ZW4117{n:04d}" for n in range(1, 41)]
    for number in held:
        StaffProfileFactory(center=center, staff_number=number)
    demo.load_demo(center, password="demo-pass-1")
    numbers = Counter(
        StaffProfile.objects.filter(center=center).values_list("staff_number", flat=True)
    )
    assert max(numbers.values()) == 1
    assert StaffProfile.objects.filter(center=center).count() == len(held) + demo.STAFF_COUNT
    assert numbers["ZW41170041"] == 1  # the plan's 41st keeps its own number


def test_a_units_people_sit_at_its_own_windows():
    """The 窗口工作人员 login of 市场监管 opens a 市场监管 window, not the 办不成事反映窗口;
    the service desk's and the comprehensive windows, which take every unit's matters, are
    staffed only from the units without a window of their own."""
    center = CenterFactory(region_code="411700")
    demo.load_demo(center, password="demo-pass-1")
    clerk = StaffProfile.objects.get(user__username="window")
    assert [w.kind for w in clerk.windows.all()] == [Window.Kind.ENTERPRISE]
    assert [d.short_name for d in clerk.windows.get().departments.all()] == ["市场监管"]
    with_own = set(
        Window.objects.filter(center=center, kind__in=demo.OWN_WINDOW_KINDS).values_list(
            "departments", flat=True
        )
    )
    for profile in StaffProfile.objects.filter(center=center).prefetch_related("windows"):
        (window,) = profile.windows.all()
        if window.kind in demo.OWN_WINDOW_KINDS:
            assert set(window.departments.values_list("pk", flat=True)) == {profile.department_id}
        else:
            assert profile.department_id not in with_own
