import datetime as dt

import pytest
from django.utils import timezone

from govhall.core.workdays import is_workday
from govhall.queueing import selectors
from govhall.queueing.demo import load_demo
from govhall.queueing.models import QueueCategory, Ticket
from tests.factories import DepartmentFactory, StaffProfileFactory, WindowFactory
from tests.queueing.factories import staffed_window

pytestmark = pytest.mark.django_db


def test_demo_gives_a_working_hall_and_is_idempotent(center, department):
    other = DepartmentFactory(center=center)
    staffed_window(center, department, number="1")
    staffed_window(center, other, number="2")
    WindowFactory(center=center, number="9", departments=[department, other])
    assert load_demo(center, password="pw") == []
    categories = {c.prefix: c for c in QueueCategory.objects.filter(center=center)}
    assert set(categories) == {"Z", "A", "B"}
    assert list(categories["A"].departments.all()) == [department]
    assert categories["Z"].windows.count() == 3
    served = Ticket.objects.filter(center=center, state=Ticket.State.DONE).count()
    assert served > 0
    assert not selectors.queue_settings(center_id=center.pk).enforce_opening_hours

    load_demo(center, password="pw")
    assert QueueCategory.objects.filter(center=center).count() == 3
    assert Ticket.objects.filter(center=center).count() == served


def test_demo_serves_the_mornings_of_the_last_month(center, department):
    """The figures, the trend and last month's bulletin have waits: tickets on past working days,
    each called after it was issued and finished after it was called."""
    staffed_window(center, department, number="1")
    load_demo(center, password="pw")
    today = timezone.localdate(selectors.now())
    days = {timezone.localdate(t.issued_at) for t in Ticket.objects.filter(center=center)}
    past = {day for day in days if day < today}
    assert len(past) >= 15 and all(is_workday(day) for day in past)
    for ticket in Ticket.objects.filter(center=center):
        assert ticket.issued_at < ticket.called_at < ticket.finished_at


def test_a_units_line_is_served_by_its_people_at_its_own_window(center, department):
    """Not by whoever is posted first at a window every unit shares (the green channel): the
    ticket counts for the unit of the staff member who serves it."""
    other = DepartmentFactory(center=center)
    own, _staff = staffed_window(center, department, number="1")
    shared, _staff = staffed_window(center, other, number="2")
    shared.departments.add(department)
    StaffProfileFactory(center=center, department=department, windows=[shared])
    load_demo(center, password="pw")
    served = Ticket.objects.filter(center=center, state=Ticket.State.DONE).exclude(
        category__prefix="Z"
    )
    assert served.filter(category__departments=department).exists()
    for ticket in served.select_related("category"):
        assert [ticket.department] == list(ticket.category.departments.all())
    assert set(served.filter(department=department).values_list("window", flat=True)) == {own.pk}


def test_the_demo_serves_only_in_opening_hours_whenever_it_is_loaded(
    center, department, monkeypatch
):
    """Loaded at 22:30, it shows the day's service up to closing time, none in the evening."""
    staffed_window(center, department, number="1")
    settings = selectors.queue_settings(center_id=center.pk)
    day = timezone.localdate(selectors.now()) - dt.timedelta(days=1)
    while not is_workday(day):
        day -= dt.timedelta(days=1)
    night = timezone.make_aware(dt.datetime.combine(day, dt.time(22, 30)))
    monkeypatch.setattr(selectors, "now", lambda: night)
    load_demo(center, password="pw")
    issued = [timezone.localtime(t.issued_at) for t in Ticket.objects.filter(center=center)]
    assert all(is_workday(at.date()) for at in issued)
    assert all(settings.morning_start <= at.time() <= settings.afternoon_end for at in issued)
    assert any(at.date() == day and at.time() >= dt.time(13) for at in issued)


def test_departments_past_the_prefix_letters_are_served_at_the_comprehensive_windows(center):
    departments = DepartmentFactory.create_batch(25, center=center)
    load_demo(center, password="pw")
    general = QueueCategory.objects.get(center=center, prefix="Z")
    lettered = QueueCategory.objects.filter(center=center).exclude(prefix="Z")
    assert lettered.count() == 23
    assert set(general.departments.all()) == set(departments)
