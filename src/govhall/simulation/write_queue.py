"""The queue's rows for a simulated month: categories, tickets and their timeline, appointments,
window sessions and pauses (govhall.queueing models, written in bulk).

Rows obey the queueing app's rules: numbers from `format_number`, unique per category and day
(the day's counter is left at the last number given), every state change stamped to the second
with window and staff and recorded as a `TicketEvent`, waits and handling stored as the
queueing services store them.
"""

import datetime as dt
import random
import string
from dataclasses import dataclass, field
from typing import Any

from govhall.core import bulk
from govhall.org.models import StaffProfile
from govhall.queueing.models import (
    Appointment,
    QueueCategory,
    Ticket,
    TicketCounter,
    TicketEvent,
    WindowPause,
    WindowSession,
)
from govhall.queueing.services import CODE_ALPHABET, format_number
from govhall.simulation import rows
from govhall.simulation.hall import SLOT_SECONDS, DayResult, Line
from govhall.simulation.world import World, person_name

OUTCOME_STATE = {
    "done": Ticket.State.DONE,
    "no_show": Ticket.State.NO_SHOW,
    "cancelled": Ticket.State.CANCELLED,
    "expired": Ticket.State.EXPIRED,
}


@dataclass
class QueueSetup:
    lines: list[Line]
    categories: list[QueueCategory]


@dataclass
class WrittenTicket:
    """What the writers above the queue need of a served ticket (cases, ratings)."""

    pk: int
    number: str
    day: dt.date
    item_id: int
    window_id: int
    staff: StaffProfile
    called_at: dt.datetime
    finished_at: dt.datetime


@dataclass
class QueueMonth:
    tickets: int = 0
    served: list[WrittenTicket] = field(default_factory=list)
    predictions: list[tuple[int, int]] = field(default_factory=list)  # (predicted, actual) s


def ensure_categories(world: World) -> QueueSetup:
    """The centre's queue lines: existing categories, or one per window group when none."""
    center = world.center
    categories = list(
        QueueCategory.objects.filter(center=center, is_active=True).order_by("sort_order", "pk")
    )
    if not categories:
        categories = _create_categories(world)
    item_dept = {i.pk: i.department_id for i in world.items}
    lines = []
    for cat in categories:
        window_ids = list(cat.windows.order_by("pk").values_list("pk", flat=True))
        items = list(cat.items.order_by("pk").values_list("pk", flat=True))
        if not items:
            dept_ids = set(cat.departments.values_list("pk", flat=True))
            items = [i.pk for d in dept_ids for i in world.items_by_department.get(d, [])]
        if not window_ids or not items:
            continue
        weights = [world.department_weight[item_dept[i]] * world.item_weight[i] for i in items]
        demand = sum(world.department_weight[d] for d in sorted({item_dept[i] for i in items}))
        lines.append(
            Line(
                prefix=cat.prefix,
                window_ids=window_ids,
                items=items,
                item_weights=weights,
                demand=demand,
                handling_mean_s={i: world.handling_mean_s[i] for i in items},
            )
        )
    by_prefix = {c.prefix: c for c in categories}
    return QueueSetup(lines=lines, categories=[by_prefix[ln.prefix] for ln in lines])


def _create_categories(world: World) -> list[QueueCategory]:
    center = world.center
    dept_index = {d.pk: i for i, d in enumerate(world.departments)}
    groups: dict[tuple[int, ...], list[int]] = {}
    for w in world.windows:
        key = tuple(sorted(world.window_departments.get(w.pk, [])))
        if key:
            groups.setdefault(key, []).append(w.pk)
    ordered = sorted(groups.items(), key=lambda kv: min(dept_index[d] for d in kv[0]))
    if len(ordered) > 26:
        raise ValueError("more window groups than prefix letters")
    categories = []
    for n, (dept_ids, _windows) in enumerate(ordered):
        first = world.departments[dept_index[dept_ids[0]]]
        name = f"{first.short_name}业务" if len(dept_ids) == 1 else f"综合受理{n + 1}"
        categories.append(
            QueueCategory(
                center=center,
                prefix=string.ascii_uppercase[n],
                name=name,
                floor=next(w.floor for w in world.windows if w.pk == _windows[0]),
                daily_capacity=9999,
                number_end=9999,
                sort_order=n + 1,
            )
        )
    categories = bulk.insert(QueueCategory, categories)
    cat_depts = QueueCategory.departments.through
    cat_windows = QueueCategory.windows.through
    cat_items = QueueCategory.items.through
    bulk.insert(
        cat_depts,
        (
            cat_depts(queuecategory_id=c.pk, department_id=d)
            for c, (dept_ids, _w) in zip(categories, ordered, strict=True)
            for d in dept_ids
        ),
    )
    bulk.insert(
        cat_windows,
        (
            cat_windows(queuecategory_id=c.pk, window_id=w)
            for c, (_d, windows) in zip(categories, ordered, strict=True)
            for w in windows
        ),
    )
    bulk.insert(
        cat_items,
        (
            cat_items(queuecategory_id=c.pk, serviceitem_id=i.pk)
            for c, (dept_ids, _w) in zip(categories, ordered, strict=True)
            for d in dept_ids
            for i in world.items_by_department.get(d, [])
        ),
    )
    return categories


CHANNELS = [
    (Ticket.Channel.KIOSK, 0.72),
    (Ticket.Channel.PHONE, 0.17),
    (Ticket.Channel.WEB, 0.08),
    (Ticket.Channel.STAFF, 0.03),
]


def _code(rng: random.Random, center_id: int) -> str:
    """An appointment code: the centre's two letters, then ten drawn from the seed (codes are
    unique across centres, and two centres simulated with one seed must not collide)."""
    n = len(CODE_ALPHABET)
    centre = CODE_ALPHABET[center_id // n % n] + CODE_ALPHABET[center_id % n]
    return centre + "".join(rng.choice(CODE_ALPHABET) for _ in range(10))


def write_day(
    world: World,
    setup: QueueSetup,
    day: dt.date,
    result: DayResult,
    rng: random.Random,
    month: QueueMonth,
) -> None:
    """Write one simulated day of the queue."""
    center = world.center
    region = center.region_code
    staff_at = world.window_staff
    channels, channel_w = zip(*CHANNELS, strict=True)

    def at_window(window_id: int) -> dict[str, Any]:
        """The centre, the window and the staff member who worked it that day."""
        return {"center": center, "window_id": window_id, "staff": staff_at[window_id]}

    # Who sat at which window: the terminal logins of the window's staff member, as the hall
    # opened and closed the window on the day's roster.
    bulk.insert(
        WindowSession,
        (
            WindowSession(
                **at_window(login.window_id),
                opened_at=rows.at(day, login.opened),
                closed_at=rows.at(day, login.closed),
            )
            for login in result.logins
        ),
    )
    bulk.insert(
        WindowPause,
        (
            WindowPause(
                **at_window(p.window_id),
                reason=p.reason,
                started_at=rows.at(day, p.started),
                ended_at=rows.at(day, p.ended),
            )
            for p in result.pauses
        ),
    )

    appointments: list[Appointment] = []
    tickets: list[Ticket] = []
    for rec in result.tickets:
        category = setup.categories[rec.line]
        issued = rows.at(day, rec.issued)
        ticket = rows.new(
            Ticket,
            center=center,
            category=category,
            item_id=rec.item_id,
            number=format_number(category, rec.seq),
            seq=rec.seq,
            issue_date=day,
            priority=bool(rec.priority_reason),
            priority_reason=rec.priority_reason,
            state=OUTCOME_STATE[rec.outcome],
            queue_at=issued,
            issued_at=issued,
            recall_count=rec.recalls,
        )
        if rec.appointment_slot is not None:
            person = rows.id_number(rng, region)
            appointment = Appointment(
                center=center,
                code=_code(rng, center.pk),
                category=category,
                item_id=rec.item_id,
                date=day,
                slot_start=rows.at(day, rec.appointment_slot).time(),
                slot_end=rows.at(day, rec.appointment_slot + SLOT_SECONDS).time(),
                name=person_name(rng),
                phone=rows.phone(rng),
                id_number=person,
                state=Appointment.State.CHECKED_IN,
                booked_at=issued - dt.timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 9)),
                checked_in_at=issued,
            )
            appointments.append(appointment)
            ticket.channel = Ticket.Channel.APPOINTMENT
            ticket.appointment = appointment
            ticket.appointment_at = rows.at(day, rec.appointment_slot)
            ticket.phone, ticket.id_number = appointment.phone, person
        else:
            ticket.channel = rng.choices(channels, channel_w)[0]
            if ticket.channel == Ticket.Channel.PHONE or rng.random() < 0.25:
                ticket.phone = rows.phone(rng)
        if rec.called is not None:
            staff = staff_at[rec.window_id]
            ticket.window_id = rec.window_id
            ticket.staff = staff
            ticket.department_id = staff.department_id
            ticket.called_at = rows.at(day, rec.called)
            ticket.last_called_at = ticket.called_at + dt.timedelta(seconds=20 * rec.recalls)
            ticket.wait_seconds = int((ticket.called_at - issued).total_seconds())
            if rec.started is not None:
                ticket.started_at = rows.at(day, rec.started)
        if rec.finished is not None:
            ticket.finished_at = rows.at(day, rec.finished)
            if rec.outcome == "done":
                ticket.handling_seconds = int(
                    (ticket.finished_at - ticket.called_at).total_seconds()
                )
        tickets.append(ticket)
    for slot_line, item_id, slot in result.missed_appointments:
        appointments.append(
            Appointment(
                center=center,
                code=_code(rng, center.pk),
                category=setup.categories[slot_line],
                item_id=item_id,
                date=day,
                slot_start=rows.at(day, slot).time(),
                slot_end=rows.at(day, slot + SLOT_SECONDS).time(),
                name=person_name(rng),
                phone=rows.phone(rng),
                id_number=rows.id_number(rng, region),
                state=Appointment.State.NO_SHOW,
                booked_at=rows.at(day, slot) - dt.timedelta(days=rng.randint(1, 6)),
            )
        )
    bulk.insert(Appointment, appointments, keep_timestamps=True)
    for t in tickets:
        if t.appointment is not None:
            t.appointment_id = t.appointment.pk
    bulk.insert(Ticket, tickets)
    bulk.insert(
        TicketCounter,
        (
            TicketCounter(center=center, category=cat, day=day, last_seq=last)
            for cat, last in _last_seqs(setup, result).items()
        ),
    )
    bulk.insert(TicketEvent, _events(tickets))

    month.tickets += len(tickets)
    for rec, t in zip(result.tickets, tickets, strict=True):
        if rec.predicted_wait is not None and t.wait_seconds is not None:
            month.predictions.append((rec.predicted_wait, t.wait_seconds))
        if t.state == Ticket.State.DONE:
            month.served.append(
                WrittenTicket(
                    pk=t.pk,
                    number=t.number,
                    day=day,
                    item_id=t.item_id,
                    window_id=t.window_id,
                    staff=t.staff,
                    called_at=t.called_at,
                    finished_at=t.finished_at,
                )
            )


def _last_seqs(setup: QueueSetup, result: DayResult) -> dict[QueueCategory, int]:
    last: dict[QueueCategory, int] = {}
    for rec in result.tickets:
        cat = setup.categories[rec.line]
        last[cat] = max(last.get(cat, 0), rec.seq)
    return last


def _events(tickets: list[Ticket]) -> list[TicketEvent]:
    events = []
    for t in tickets:
        base = {"center_id": t.center_id, "ticket_id": t.pk}
        events.append(
            rows.new(
                TicketEvent,
                **base,
                kind=TicketEvent.Kind.ISSUED,
                at=t.issued_at,
                details={"channel": t.channel},
            )
        )
        if t.called_at is None:
            if t.state in (Ticket.State.CANCELLED, Ticket.State.EXPIRED):
                events.append(rows.new(TicketEvent, **base, kind=t.state, at=t.finished_at))
            continue
        who = {"window_id": t.window_id, "staff": t.staff, "actor_id": t.staff.user_id}
        events.append(
            rows.new(TicketEvent, **base, **who, kind=TicketEvent.Kind.CALLED, at=t.called_at)
        )
        for k in range(t.recall_count):
            events.append(
                rows.new(
                    TicketEvent,
                    **base,
                    **who,
                    kind=TicketEvent.Kind.RECALLED,
                    at=t.called_at + dt.timedelta(seconds=20 * (k + 1)),
                    details={"recall": k + 1},
                )
            )
        if t.state == Ticket.State.NO_SHOW:
            events.append(
                rows.new(
                    TicketEvent, **base, **who, kind=TicketEvent.Kind.NO_SHOW, at=t.finished_at
                )
            )
            continue
        events.append(
            rows.new(TicketEvent, **base, **who, kind=TicketEvent.Kind.STARTED, at=t.started_at)
        )
        events.append(
            rows.new(TicketEvent, **base, **who, kind=TicketEvent.Kind.FINISHED, at=t.finished_at)
        )
    return events
