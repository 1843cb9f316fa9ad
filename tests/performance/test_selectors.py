"""The evaluation's figures: every app's, merged; the same whether read at once or in turn."""

import datetime as dt

import pytest

from govhall.core import selectors as core_selectors
from govhall.performance import selectors
from tests.cases.factories import accept
from tests.factories import (
    DepartmentFactory,
    ServiceItemFactory,
    StaffProfileFactory,
    WindowFactory,
)
from tests.performance.month import served_tickets, window_cases

MAY = {"start": dt.date(2026, 5, 1), "end": dt.date(2026, 5, 31)}


@pytest.mark.django_db
def test_each_app_names_its_own_figures(center):
    """The apps' figures are merged into one dict per unit: no key may belong to two apps."""
    seen: dict[str, str] = {}
    for source in selectors.FIGURE_SOURCES:
        for key in source.figure_rollup(center_id=center.pk, **MAY).total:
            assert key not in seen, f"{key} in {seen.get(key)} and {source.__name__}"
            seen[key] = source.__name__


@pytest.mark.django_db(transaction=True)
def test_figures_read_at_once_equal_the_figures_read_in_turn(center, monkeypatch):
    department = DepartmentFactory(center=center)
    window = WindowFactory(center=center, departments=[department])
    staff = StaffProfileFactory(center=center, department=department, windows=[window])
    served_tickets(staff=staff, window=window, day=dt.date(2026, 5, 12), count=5)
    window_cases(
        department=department,
        accepted=dt.date(2026, 5, 6),
        completed=dt.date(2026, 5, 20),
        late=True,
        count=3,
    )

    monkeypatch.setattr(core_selectors.os, "cpu_count", lambda: 1)
    in_turn = selectors.gather_figures(center_id=center.pk, **MAY)
    monkeypatch.setattr(core_selectors.os, "cpu_count", lambda: 4)
    at_once = selectors.gather_figures(center_id=center.pk, **MAY)

    assert at_once == in_turn
    assert in_turn.departments[department.pk]["tickets_served"] == 5
    assert in_turn.departments[department.pk]["overdue"] == 3
    assert [row["overdue"] for row in in_turn.overdue_items] == [3]


@pytest.mark.django_db
def test_no_year_on_year_comparison_against_part_of_last_years_period(center, department):
    """A centre whose records begin in May 2025: its May 2026 compares with May 2025, its
    2026 first half with nothing (not six months against one: "较去年同期…增长507.2%")."""
    item = ServiceItemFactory(center=center, department=department)
    accept(item, day=dt.date(2025, 5, 12))
    accept(item, day=dt.date(2025, 5, 13))
    may = selectors.last_year_figures(
        center_id=center.pk, start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 31)
    )
    assert may is not None and may["accepted"] == 2
    half = {"center_id": center.pk, "start": dt.date(2026, 1, 1), "end": dt.date(2026, 6, 30)}
    assert selectors.last_year_figures(**half) is None
    for month in (1, 2, 3, 4, 6):
        accept(item, day=dt.date(2025, month, 10))
    assert selectors.last_year_figures(**half)["accepted"] == 7
