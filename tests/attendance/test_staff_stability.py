"""The hall's staff stability over a period, from assignment chains (hypothesis)."""

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govhall.attendance import selectors
from govhall.attendance.models import StaffAssignment
from tests.factories import CenterFactory, DepartmentFactory, StaffProfileFactory

pytestmark = pytest.mark.django_db

TZ = timezone.get_default_timezone()
START, END = dt.date(2026, 3, 1), dt.date(2026, 9, 30)
SINCE = dt.datetime(2026, 3, 1, tzinfo=TZ)
LAST = dt.datetime(2026, 10, 1, tzinfo=TZ) - dt.timedelta(seconds=1)


def moment(day_of_year: int) -> dt.datetime:
    return dt.datetime(2026, 1, 1, 9, tzinfo=TZ) + dt.timedelta(days=day_of_year)


# One person's history: a first day, then contiguous stays (unit 0 or 1, length in days), the
# last one open or closed (the person left the hall), as the services record them.
chains = st.lists(
    st.tuples(
        st.integers(0, 300),
        st.lists(st.tuples(st.integers(0, 1), st.integers(1, 150)), min_size=1, max_size=3),
        st.booleans(),
    ),
    max_size=4,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chains)
def test_stability_is_the_share_of_the_start_still_in_their_unit(people):
    center = CenterFactory()
    units = [DepartmentFactory(center=center) for _i in range(2)]
    at_start, at_end, turnover = {}, {}, 0
    for first, stays, open_end in people:
        staff = StaffProfileFactory(center=center, department=units[0])
        begin = moment(first)
        for index, (unit, days) in enumerate(stays):
            last = index == len(stays) - 1
            finish = None if last and open_end else begin + dt.timedelta(days=days)
            StaffAssignment.objects.create(
                center=center,
                staff=staff,
                department=units[unit],
                started_at=begin,
                ended_at=finish,
            )
            for when, holder in ((SINCE, at_start), (LAST, at_end)):
                if begin <= when and (finish is None or finish > when):
                    holder[staff.pk] = unit
            moved_out = not last and stays[index + 1][0] != unit
            if finish is not None and SINCE <= finish <= LAST and (last or moved_out):
                turnover += 1
            begin = finish
    figures = selectors.staff_stability(center_id=center.pk, start=START, end=END)
    retained = sum(1 for pk, unit in at_start.items() if at_end.get(pk, -1) == unit)
    assert figures == {
        "staff_at_start": len(at_start),
        "staff_at_end": len(at_end),
        "staff_retained": retained,
        "stability_rate": retained / len(at_start) if at_start else None,
        "staff_turnover": turnover,
    }


def test_a_move_within_the_unit_keeps_the_person(center, department):
    """A change of windows is not a departure: one person, one unit all year → 100%."""
    staff = StaffProfileFactory(center=center, department=department)
    switch = moment(100)
    StaffAssignment.objects.create(
        center=center, staff=staff, department=department, started_at=moment(0), ended_at=switch
    )
    StaffAssignment.objects.create(
        center=center, staff=staff, department=department, started_at=switch
    )
    figures = selectors.staff_stability(center_id=center.pk, start=START, end=END)
    assert (figures["stability_rate"], figures["staff_turnover"]) == (1.0, 0)
    assert selectors.staff_in_hall_on(center_id=center.pk, day=END) == 1
    assert selectors.staff_in_hall_on(center_id=center.pk, day=dt.date(2025, 12, 31)) == 0
