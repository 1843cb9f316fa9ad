"""四减 (seed 003): the catalogue's steps, materials, limits and fees at a baseline and now,
read from the catalogue's history."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govhall.catalog import selectors
from govhall.catalog.models import Material, ServiceItem
from govhall.core.roles import Role
from tests.factories import CenterFactory, DepartmentFactory, MaterialFactory, ServiceItemFactory

pytestmark = pytest.mark.django_db

JAN = dt.date(2026, 1, 5)
JUNE = dt.date(2026, 6, 1)
BASELINE, ON = dt.date(2026, 3, 31), dt.date(2026, 9, 30)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def _save(obj, day: dt.date) -> None:
    obj._history_date = _at(day)
    obj.save()


def _item(center, department, day=JAN, materials=0, **values):
    item = ServiceItemFactory.build(center=center, department=department, **values)
    _save(item, day)
    for _ in range(materials):
        _save(MaterialFactory.build(item=item), day)
    return item


def _revise(item, day, **values):
    for name, value in values.items():
        setattr(item, name, value)
    _save(item, day)


def _drop_material(item, day):
    material = item.materials.first()
    material._history_date = _at(day)
    material.delete()


def test_a_reform_worked_by_hand(center):
    """Both units' items were entered in January and reformed in June.
    Tax item: 5 steps → 4, 4 materials → 3, promised 10 → 5 days, fee 100 → 50.
    Tax item 2: 4 steps → 4, 2 materials → 2, 20 → 15 days (legal 20, no promise → promised 15),
      fee unknown before → not counted for fees.
    Police item: 6 → 3 steps, 3 → 1 materials, 15 → 0 (now 即办件), free → free.
    A police item created in July is new (not compared); a tax item retired in June is not cut.
    Sums: steps 15 → 11 (26.67%), materials 9 → 6 (33.33%), days 45 → 20 (55.56%),
    fees 100 → 50 (50.00%, 2 comparable items: tax 1 and police)."""
    tax, police = DepartmentFactory(center=center), DepartmentFactory(center=center)
    t1 = _item(center, tax, materials=4, step_count=5, promised_limit_days=10, fee_amount=100)
    t2 = _item(center, tax, materials=2, step_count=4, promised_limit_days=0, fee_amount=None)
    p1 = _item(center, police, materials=3, step_count=6, promised_limit_days=15, fee_amount=0)
    retired = _item(center, tax, materials=1, step_count=3, promised_limit_days=5)
    _revise(t1, JUNE, step_count=4, promised_limit_days=5, fee_amount=Decimal(50))
    _drop_material(t1, JUNE)
    _revise(t2, JUNE, promised_limit_days=15, fee_amount=Decimal(30))
    _revise(p1, JUNE, step_count=3, immediate=True)
    _drop_material(p1, JUNE)
    _drop_material(p1, JUNE)
    _revise(retired, JUNE, is_active=False)
    _item(center, police, day=dt.date(2026, 7, 1), materials=1, step_count=2)

    four = selectors.four_reductions(center_id=center.pk, baseline=BASELINE, on=ON)

    total = four.total
    assert (total.items, four.new_items, four.retired_items) == (3, 1, 1)
    assert (total.steps.before, total.steps.after, total.steps.share_percent) == (
        15,
        11,
        Decimal("26.67"),
    )
    assert (total.materials.before, total.materials.after) == (9, 6)
    assert total.materials.share_percent == Decimal("33.33")
    assert (total.days.before, total.days.after, total.days.share_percent) == (
        45,
        20,
        Decimal("55.56"),
    )
    assert (total.fees.items, total.fees.share_percent) == (2, Decimal("50.00"))
    units = {u.department_id: u for u in four.units}
    assert units[police.pk].steps.share_percent == Decimal("50.00")
    assert units[tax.pk].items == 2
    only_police = selectors.four_reductions(
        center_id=center.pk, baseline=BASELINE, on=ON, department_id=police.pk
    )
    assert only_police.total.steps == units[police.pk].steps


def test_nothing_known_at_the_baseline_is_no_reduction(center):
    _item(center, DepartmentFactory(center=center), day=JUNE, materials=2, step_count=5)
    four = selectors.four_reductions(center_id=center.pk, baseline=BASELINE, on=ON)
    assert (four.total.items, four.new_items, four.units) == (0, 1, [])
    assert four.total.steps.share is None


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    changes=st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=8),
            st.integers(min_value=1, max_value=8),
            st.integers(min_value=0, max_value=30),
            st.integers(min_value=0, max_value=30),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_the_sums_are_the_items_sums(changes):
    """Whatever the reform, each dimension's sums are the items' values at each date, and the
    share is (before − after) ÷ before (negative where the reform added steps)."""
    center = CenterFactory()  # one per example: the examples share the test's transaction
    department = DepartmentFactory(center=center)
    for steps_before, steps_after, days_before, days_after in changes:
        item = _item(center, department, step_count=steps_before, promised_limit_days=days_before)
        _revise(item, JUNE, step_count=steps_after, promised_limit_days=days_after)

    four = selectors.four_reductions(center_id=center.pk, baseline=BASELINE, on=ON)

    before = sum(c[0] for c in changes)
    after = sum(c[1] for c in changes)
    assert (four.total.steps.before, four.total.steps.after) == (before, after)
    assert four.total.steps.share == Decimal(before - after) / Decimal(before)
    legal = ServiceItem._meta.get_field("legal_limit_days").default
    assert four.total.days.before == sum(c[2] or legal for c in changes)


def test_the_page_shows_the_shares_and_refuses_dates_in_the_wrong_order(client, make_user):
    admin = make_user(Role.CENTER_ADMIN)
    item = _item(admin.center, DepartmentFactory(center=admin.center), step_count=5, materials=2)
    _revise(item, JUNE, step_count=4)
    client.force_login(admin)

    url = reverse("catalog:reductions")
    page = client.get(url, {"baseline": "2026-03-31", "on": "2026-09-30"})
    wrong = client.get(url, {"baseline": "2026-09-30", "on": "2026-03-31"})
    garbage = client.get(url, {"baseline": "x\x00", "on": "9999-99-99"})

    assert page.status_code == 200 and "20.00%" in page.text
    assert wrong.status_code == 400 and "对比日应晚于基准日" in wrong.text
    assert garbage.status_code == 400
    assert client.get(url).status_code == 200


def test_the_page_is_for_staff(client):
    response = client.get(reverse("catalog:reductions"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_material_history_counts_what_was_listed_then(center):
    item = _item(center, DepartmentFactory(center=center), materials=3, step_count=1)
    _drop_material(item, JUNE)
    assert Material.objects.filter(item=item).count() == 2
    before = selectors.catalogue_as_of(center_id=center.pk, moment=_at(BASELINE))
    assert before[item.pk]["materials"] == 3
