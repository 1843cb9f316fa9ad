"""The demo's staff on a centre an earlier demo loaded."""

from collections import Counter

import pytest

from govhall.org import demo
from govhall.org.models import StaffProfile
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
