import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govhall.core.roles import Role
from govhall.training import selectors, services
from govhall.training.models import Rotation, TrainingSession
from tests.factories import (
    CenterFactory,
    DepartmentFactory,
    StaffProfileFactory,
    UserFactory,
    WindowFactory,
)

pytestmark = pytest.mark.django_db


def _held(office, center, day, hours, present, **kwargs):
    session = services.create_session(
        actor=office,
        center_id=center.pk,
        title=f"培训{day}",
        topic=TrainingSession.Topic.BUSINESS,
        held_on=day,
        hours=Decimal(hours),
        **kwargs,
    )
    services.record_attendance(
        actor=office, session_id=session.pk, present_staff_ids=[p.pk for p in present], today=day
    )
    return session


def test_a_year_worked_by_hand(office, center, staff_of):
    """Tax has 4 people, police 2 (one of them gone since). Three sessions in 2026:
    03-10 (2 h): tax A, B and police E present → 3 人次, 6 人·学时;
    06-02 (3 h, tax only): A present → 1 人次, 3 人·学时;
    09-15 (1 h): cancelled before it was held → not counted.
    A session of 2025 does not count. Tax: 2 of 4 trained (50 %), 3 人次, 7 人·学时.
    Police: E trained, F left since (not among today's staff): 1 of 1 (100 %), 1 人次, 2 人·学时.
    Hall: 2 sessions, 4 人次, 9 人·学时, 3 of 5 trained (60 %); 1 rotation (tax) in 2026."""
    tax, police = DepartmentFactory(center=center), DepartmentFactory(center=center)
    a, b, c, d = staff_of(tax, 4)
    e, f = staff_of(police, 2)
    _held(office, center, dt.date(2025, 12, 1), "8", [a, b, c, d, e, f])
    _held(office, center, dt.date(2026, 3, 10), "2", [a, b, e])
    _held(office, center, dt.date(2026, 6, 2), "3", [a], department_ids=[tax.pk])
    cancelled = services.create_session(
        actor=office,
        center_id=center.pk,
        title="取消的培训",
        topic=TrainingSession.Topic.SAFETY,
        held_on=dt.date(2026, 9, 15),
        hours=Decimal(1),
    )
    services.cancel_session(actor=office, session_id=cancelled.pk, reason="改期")
    services.record_rotation(
        actor=office,
        center_id=center.pk,
        staff_id=c.pk,
        kind=Rotation.Kind.ROTATION,
        to_window_id=WindowFactory(center=center).pk,
        started_on=dt.date(2026, 5, 6),
    )
    f.active = False
    f.save()

    year = selectors.training_year(center_id=center.pk, year=2026)

    assert (year.sessions_held, year.sessions_planned) == (2, 0)
    assert (year.attendances, year.person_hours) == (4, Decimal(9))
    assert (year.staff, year.trained, year.coverage) == (5, 3, Decimal("0.6"))
    assert year.rotations == 1
    units = {u.department_id: u for u in year.units}
    assert (units[tax.pk].trained, units[tax.pk].staff, units[tax.pk].coverage) == (
        2,
        4,
        Decimal("0.5"),
    )
    assert (units[tax.pk].attendances, units[tax.pk].person_hours) == (3, Decimal(7))
    assert (units[police.pk].staff, units[police.pk].coverage) == (1, Decimal(1))
    assert (
        selectors.training_year(center_id=center.pk, year=2026, department_id=police.pk).units[0]
        == units[police.pk]
    )


def test_a_unit_without_staff_has_no_coverage_rather_than_zero(center):
    DepartmentFactory(center=center)
    year = selectors.training_year(center_id=center.pk, year=2026)
    assert year.coverage is None
    assert [u.coverage for u in year.units] == [None]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    sizes=st.lists(st.integers(min_value=0, max_value=4), min_size=1, max_size=3),
    sessions=st.lists(
        st.tuples(st.integers(min_value=1, max_value=8), st.lists(st.booleans(), max_size=12)),
        max_size=4,
    ),
)
def test_the_year_adds_up_whatever_happened(sizes, sessions):
    """Totals are the units' sums; nobody is trained twice; coverage stays within [0, 1]."""
    center = CenterFactory()  # one per example: the examples share the test's transaction
    office = UserFactory(center=center, roles=[Role.CENTER_ADMIN])
    people = []
    for size in sizes:
        department = DepartmentFactory(center=center)
        people += [StaffProfileFactory(center=center, department=department) for _ in range(size)]
    for index, (hours, flags) in enumerate(sessions):
        present = [p for p, flag in zip(people, flags, strict=False) if flag]
        _held(office, center, dt.date(2026, 2, 1 + index), str(hours), present)

    year = selectors.training_year(center_id=center.pk, year=2026)

    assert year.staff == len(people) == sum(u.staff for u in year.units)
    assert year.attendances == sum(u.attendances for u in year.units)
    assert year.person_hours == sum((u.person_hours for u in year.units), Decimal(0))
    assert year.sessions_held == len(sessions)
    for unit in [year, *year.units]:
        assert 0 <= unit.trained <= unit.staff
        assert unit.coverage is None or 0 <= unit.coverage <= 1
