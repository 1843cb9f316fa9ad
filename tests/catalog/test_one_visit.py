"""Items in the hall and the 最多跑一次 share on a date, read from the catalogue's history."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from govhall.catalog import selectors
from govhall.catalog.models import ServiceItem
from govhall.org.models import Department
from tests.factories import DepartmentFactory, ServiceItemFactory

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")


def on(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), tzinfo=TZ)


def made(center, department, day: dt.date, **fields) -> ServiceItem:
    item = ServiceItemFactory.build(center=center, department=department, **fields)
    item._history_date = on(day)
    item.save()
    return item


def edit(item: ServiceItem | Department, day: dt.date, **fields) -> None:
    for name, value in fields.items():
        setattr(item, name, value)
    item._history_date = on(day)
    item.save()


def test_the_catalogue_on_each_date(center, department):
    """01-05: once (1), never (0), many (2), not entered once (1) → 3 in the hall, 2 of them
    最多跑一次 (the one not entered is not the hall's), 1 不见面. 03-01: the many-visit item becomes
    最多跑一次 → 3 of 3. 06-01: the never item is retired → 2 in the hall, both 最多跑一次."""
    made(center, department, dt.date(2026, 1, 5), max_visits=1)
    never = made(center, department, dt.date(2026, 1, 5), max_visits=0)
    many = made(center, department, dt.date(2026, 1, 5), max_visits=2)
    made(center, department, dt.date(2026, 1, 5), max_visits=1, entered=False)
    edit(many, dt.date(2026, 3, 1), max_visits=1)
    edit(never, dt.date(2026, 6, 1), is_active=False)

    def state(day):
        items = selectors.one_visit_items(center_id=center.pk, day=day)
        hall = selectors.items_in_hall_on(center_id=center.pk, day=day)
        return items.items, items.one_visit, items.no_visit, items.share, hall

    assert state(dt.date(2026, 1, 4)) == (0, 0, 0, None, 0)
    assert state(dt.date(2026, 1, 5)) == (3, 2, 1, 2 / 3, 3)
    assert state(dt.date(2026, 3, 1)) == (3, 3, 1, 1.0, 3)
    assert state(dt.date(2026, 6, 1)) == (2, 2, 0, 1.0, 2)


def test_an_enterprises_items_are_counted_apart(center, department):
    """Seed 003: 2340个政务服务事项(其中最多跑一次事项2230项,占95.3%) and, apart, 84个企业服务
    事项. 01-05: the department's items g1 (once) and g2 (many); the enterprise's e1, e2 (once,
    both entered) and e3 (not entered). 03-01: the department becomes an enterprise. The
    最多跑一次 share is of the government's items only."""
    edit(department, dt.date(2026, 1, 5))
    enterprise = DepartmentFactory.build(center=center, kind=Department.Kind.ENTERPRISE)
    edit(enterprise, dt.date(2026, 1, 5))
    made(center, department, dt.date(2026, 1, 5), max_visits=1)
    made(center, department, dt.date(2026, 1, 5), max_visits=2)
    for entered in (True, True, False):
        made(center, enterprise, dt.date(2026, 1, 5), max_visits=1, entered=entered)
    edit(department, dt.date(2026, 3, 1), kind=Department.Kind.ENTERPRISE)

    def state(day):
        kw = {"center_id": center.pk, "day": day}
        items = selectors.one_visit_items(**kw)
        return (
            selectors.items_in_hall_on(**kw, department_kind=Department.Kind.GOVERNMENT),
            selectors.items_in_hall_on(**kw, department_kind=Department.Kind.ENTERPRISE),
            selectors.items_in_hall_on(**kw),
            (items.items, items.one_visit, items.share),
        )

    assert state(dt.date(2026, 1, 5)) == (2, 2, 4, (2, 1, 0.5))
    assert state(dt.date(2026, 3, 1)) == (0, 4, 4, (0, 0, None))


def test_an_item_of_a_unit_without_history_is_the_governments(center, department):
    """A unit whose history does not reach back to the day (loaded before it was kept) is not
    an enterprise then: its items stay 政务服务事项."""
    made(center, department, dt.date(2026, 1, 5), max_visits=1)
    department.history.all().delete()
    kw = {"center_id": center.pk, "day": dt.date(2026, 1, 5)}
    assert selectors.items_in_hall_on(**kw, department_kind=Department.Kind.GOVERNMENT) == 1
    assert selectors.items_in_hall_on(**kw, department_kind=Department.Kind.ENTERPRISE) == 0
    assert selectors.one_visit_items(**kw).items == 1
