"""到号提醒 and appointment reminders: what the notification worker enqueues."""

import datetime as dt

import pytest
from django.utils import timezone

from govhall.core.workdays import is_workday
from govhall.notify.models import Notification
from govhall.queueing import notifications, selectors, services
from tests.factories import make_id_number
from tests.queueing.factories import QueueCategoryFactory, open_hall, staffed_window

pytestmark = pytest.mark.django_db


def test_tickets_near_the_head_of_their_line_are_reminded_once(center, department):
    open_hall(center, due_reminder_ahead=1)
    category = QueueCategoryFactory(center=center, prefix="A")
    window, staff = staffed_window(center, department, categories=[category])
    phones = ["13800000001", "", "13800000003", "13800000004"]
    tickets = [services.issue_ticket(category=category, channel="kiosk", phone=p) for p in phones]
    now = selectors.now()
    assert notifications.tickets_nearly_due(at=now) == 1  # A001; A002 left no phone
    assert notifications.tickets_nearly_due(at=now) == 0  # once
    [first] = Notification.objects.all()
    assert (first.kind, first.subject_id, first.phone) == ("ticket_due", tickets[0].pk, phones[0])
    assert first.params[:2] == ["A001", "0"] and "A001" in first.text
    called = services.call_next(window=window, staff=staff)
    services.finish_ticket(ticket=called, window=window, staff=staff)
    services.call_next(window=window, staff=staff)
    assert notifications.tickets_nearly_due(at=selectors.now()) == 2  # A003, A004 at the head
    ahead = {n.subject_id: n.params[1] for n in Notification.objects.all()}
    assert (ahead[tickets[2].pk], ahead[tickets[3].pk]) == ("0", "1")


def test_reminders_can_be_turned_off(center):
    open_hall(center, due_reminder_ahead=0)
    category = QueueCategoryFactory(center=center, prefix="A")
    services.issue_ticket(category=category, channel="kiosk", phone="13800000001")
    assert notifications.tickets_nearly_due(at=selectors.now()) == 0


def test_appointments_are_reminded_before_their_slot(center):
    open_hall(center, appointment_reminder_minutes=120)
    category = QueueCategoryFactory(center=center, prefix="A", appointment_capacity=4)
    day = timezone.localdate(selectors.now()) + dt.timedelta(days=1)
    while not is_workday(day):
        day += dt.timedelta(days=1)
    booked = services.book_appointment(
        category=category,
        date=day,
        slot_start=dt.time(9, 0),
        name="张三",
        phone="13900000009",
        id_number=make_id_number(5),
    )
    begins = dt.datetime.combine(
        day, dt.time(9, 0), tzinfo=selectors.timezone.get_current_timezone()
    )
    assert notifications.appointments_soon(at=begins - dt.timedelta(hours=3)) == 0
    assert notifications.appointments_soon(at=begins - dt.timedelta(hours=1)) == 1
    assert notifications.appointments_soon(at=begins - dt.timedelta(minutes=30)) == 0
    reminder = Notification.objects.get(kind="appointment_reminder")
    assert reminder.subject_id == booked.pk and booked.code in reminder.text
