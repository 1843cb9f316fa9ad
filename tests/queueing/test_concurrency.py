"""Many windows calling and kiosks issuing at once, on PostgreSQL row locks."""

import random
import threading
import time
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from govhall.core.workdays import is_workday
from govhall.queueing import services
from govhall.queueing.models import Ticket, TicketEvent
from tests.queueing.factories import QueueCategoryFactory, open_hall, staffed_window

pytestmark = [
    pytest.mark.pg,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks (SKIP LOCKED)"
    ),
]

ISSUERS = 16
WINDOWS = 16
TICKETS_PER_ISSUER = 10


def start_threads(targets) -> list[threading.Thread]:
    threads = [threading.Thread(target=t) for t in targets]
    for t in threads:
        t.start()
    return threads


def join_threads(threads: list[threading.Thread]) -> None:
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)


def run_threads(targets) -> None:
    join_threads(start_threads(targets))


@pytest.mark.django_db(transaction=True)
def test_many_windows_and_kiosks_never_share_or_lose_a_ticket(center, department):
    open_hall(center)
    categories = [
        QueueCategoryFactory(center=center, prefix=p, daily_capacity=9999, number_end=9999)
        for p in "AB"
    ]
    desks = [
        staffed_window(center, department, number=str(n + 1), categories=categories)
        for n in range(WINDOWS)
    ]
    issued: list[int] = []
    called: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    stop = threading.Event()

    def guarded(fn):
        def run():
            try:
                fn()
            except BaseException as exc:  # collected and asserted below
                with lock:
                    errors.append(exc)
            finally:
                connection.close()

        return run

    def issuer():
        rng = random.Random()
        for _ in range(TICKETS_PER_ISSUER):
            ticket = services.issue_ticket(
                category=rng.choice(categories),
                channel=Ticket.Channel.KIOSK,
                priority_reason=Ticket.Priority.ELDERLY if rng.random() < 0.1 else "",
            )
            with lock:
                issued.append(ticket.pk)

    def caller(window, staff, drain):
        def run():
            while True:
                ticket = services.call_next(window=window, staff=staff)
                if ticket is None:
                    if drain or stop.is_set():
                        return
                    time.sleep(0.005)
                    continue
                with lock:
                    called.append(ticket.pk)
                services.finish_ticket(ticket=ticket, window=window, staff=staff)

        return run

    callers = start_threads([guarded(caller(w, s, drain=False)) for w, s in desks])
    run_threads([guarded(issuer) for _ in range(ISSUERS)])
    stop.set()
    join_threads(callers)
    run_threads([guarded(caller(w, s, drain=True)) for w, s in desks])

    assert errors == []
    assert len(issued) == ISSUERS * TICKETS_PER_ISSUER
    tickets = list(
        Ticket.objects.filter(center=center).values("id", "number", "state", "issue_date")
    )
    assert sorted(issued) == sorted(t["id"] for t in tickets)  # none lost, none invented
    numbers = Counter((t["issue_date"], t["number"]) for t in tickets)
    assert max(numbers.values()) == 1  # no number twice
    assert len(called) == len(set(called)) == len(tickets)  # each called exactly once
    assert {t["state"] for t in tickets} == {Ticket.State.DONE}
    calls = Counter(
        TicketEvent.objects.filter(kind=TicketEvent.Kind.CALLED).values_list("ticket_id", flat=True)
    )
    assert set(calls.values()) == {1} and len(calls) == len(tickets)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_bookings_never_overfill_a_slot(center):
    import datetime as dt

    from govhall.core.errors import Conflict
    from govhall.queueing import selectors
    from govhall.queueing.models import Appointment
    from tests.factories import make_id_number

    open_hall(center)
    category = QueueCategoryFactory(center=center, prefix="A", appointment_capacity=4)
    day = timezone.localdate(selectors.now()) + dt.timedelta(days=1)
    while not is_workday(day):
        day += dt.timedelta(days=1)
    outcomes: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(24)

    def book(n):
        def run():
            try:
                barrier.wait()
                services.book_appointment(
                    category=category,
                    date=day,
                    slot_start=dt.time(9, 0),
                    name="测试",
                    phone=f"139{n:08d}",
                    id_number=make_id_number(n),
                )
                result = "booked"
            except Conflict as exc:
                result = exc.code
            finally:
                connection.close()
            with lock:
                outcomes.append(result)

        return run

    run_threads([book(n) for n in range(24)])
    assert sorted(outcomes) == ["booked"] * 4 + ["slot_full"] * 20
    assert Appointment.objects.filter(category=category).count() == 4


@pytest.mark.django_db(transaction=True)
def test_simultaneous_issues_with_one_phone_give_one_waiting_ticket(center):
    from govhall.core.errors import Conflict

    open_hall(center)
    category = QueueCategoryFactory(center=center, prefix="A")
    outcomes: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(20)

    def issue():
        try:
            barrier.wait()
            services.issue_ticket(
                category=category, channel=Ticket.Channel.KIOSK, phone="13812345678"
            )
            result = "issued"
        except Conflict as exc:
            result = exc.code
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    run_threads([issue] * 20)
    assert sorted(outcomes) == ["already_waiting"] * 19 + ["issued"]
    assert Ticket.objects.filter(category=category, state=Ticket.State.WAITING).count() == 1
