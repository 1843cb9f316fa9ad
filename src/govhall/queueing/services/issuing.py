"""Giving out tickets and giving them up.

Numbering: a `TicketCounter` row per category and day is locked (``select_for_update``) and
incremented, and the database refuses a repeated number (unique constraint), so a number is
given out once."""

import datetime as dt

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.catalog.models import ServiceItem
from govhall.core.compiled import fetch_sql, insert
from govhall.core.crypto import keyed_hash
from govhall.core.dates import local_moment
from govhall.core.models import User
from govhall.core.validators import normalize_id_number, normalize_phone
from govhall.org.scoping import ANY_UNIT, require_perm
from govhall.queueing import selectors
from govhall.queueing.errors import QueueError
from govhall.queueing.models import (
    Appointment,
    QueueCategory,
    QueueSettings,
    Ticket,
    TicketCounter,
    TicketEvent,
)
from govhall.queueing.services.common import (
    _event,
    _require_state,
    _same_center,
    _ticket_for_update,
    _validated,
)

_RELATIONS = [
    "center",
    "category",
    "item",
    "appointment",
    "target_window",
    "window",
    "staff",
    "department",
    "transferred_from",
]


_TAKE_NUMBER_SQL = (
    "UPDATE {table} SET last_seq = CASE WHEN last_seq + 1 < %s THEN %s ELSE last_seq + 1 END"
    " WHERE category_id = %s AND day = %s RETURNING last_seq"
)


def _next_seq(category: QueueCategory, day: dt.date) -> int:
    """Take the next sequence number of `category` on `day`: one UPDATE … RETURNING, which
    locks the day's counter row until the issuing transaction ends (issuers of one category
    queue on it; other categories do not)."""
    sql = _TAKE_NUMBER_SQL.format(table=connection.ops.quote_name(TicketCounter._meta.db_table))
    params = [
        category.number_start,
        category.number_start,
        category.pk,
        connection.ops.adapt_datefield_value(day),
    ]
    rows = fetch_sql("take-number", sql, params)
    if not rows:  # the day's first ticket: create the row (a racing creator wins once)
        TicketCounter.objects.get_or_create(
            category=category, day=day, defaults={"center_id": category.center_id}
        )
        rows = fetch_sql("take-number", sql, params)
    seq = rows[0][0]
    if seq > category.number_end or seq - category.number_start >= category.daily_capacity:
        raise QueueError.CAPACITY_REACHED(_("%(name)s今日号源已发完。") % {"name": category.name})
    return seq


def _one_active_ticket_per_person(
    category: QueueCategory, day: dt.date, phone: str, id_number: str
) -> None:
    """A person identified by phone or ID number holds one waiting ticket per category.

    Checked while the category's counter row is locked, so two issues for one person run one
    after the other and the second sees the first; partial unique constraints on the table
    are the last word."""
    if not phone and not id_number:
        return
    person = Q()
    if phone:
        person |= Q(phone_hash=keyed_hash(phone))
    if id_number:
        person |= Q(id_number_hash=keyed_hash(id_number))
    held = (
        Ticket.objects.filter(category=category, issue_date=day, state=Ticket.State.WAITING)
        .filter(person)
        .values_list("number", flat=True)
        .first()
    )
    if held:
        raise QueueError.ALREADY_WAITING(
            _("您已有等候中的号 %(number)s,请勿重复取号。") % {"number": held},
            detail={"number": held},
        )


def format_number(category: QueueCategory, seq: int) -> str:
    width = max(3, len(str(category.number_end)))
    return f"{category.prefix}{seq:0{width}d}"


def issue_ticket(
    *,
    category: QueueCategory,
    channel: str,
    priority_reason: str = "",
    phone: str = "",
    id_number: str = "",
    item: ServiceItem | None = None,
    actor: User | None = None,
    appointment: Appointment | None = None,
    at: dt.datetime | None = None,
    settings: QueueSettings | None = None,
) -> Ticket:
    """Give a ticket in `category` with the next number of the day (A001, A002 …).

    `settings`: the centre's queue settings when the caller has already read them. Anybody takes
    a ticket (kiosk, phone, web, API); one taken for a person at a window (channel staff) is
    taken by the centre's people with that permission."""
    if channel == Ticket.Channel.STAFF:
        require_perm(
            actor,
            "queueing.issue_ticket_for_citizen",
            center_id=category.center_id,
            department_id=ANY_UNIT,
        )
    at = at or selectors.now()
    if channel not in Ticket.Channel.values or channel == Ticket.Channel.TRANSFER:
        raise QueueError.CHANNEL_INVALID(_("取号渠道无效。"), detail={"channel": channel})
    if priority_reason not in Ticket.Priority.values:
        raise QueueError.PRIORITY_INVALID(
            _("优先原因无效。"), detail={"priority_reason": priority_reason}
        )
    _same_center(category.center_id, item)
    if item is not None and not category.items.filter(pk=item.pk).exists():
        raise QueueError.ITEM_NOT_IN_CATEGORY(_("该事项不在此排队类别中。"))
    if not category.is_active:
        raise QueueError.CATEGORY_INACTIVE(_("该排队类别已停用。"))
    with transaction.atomic():
        settings = settings or selectors.queue_settings(center_id=category.center_id)
        if settings.enforce_opening_hours and not selectors.is_open(settings, at):
            raise QueueError.CLOSED(_("当前不在办公时间,暂停取号。"))
        day = timezone.localdate(at)
        ticket = Ticket(
            center_id=category.center_id,
            category=category,
            item=item,
            issue_date=day,
            priority=bool(priority_reason),
            priority_reason=priority_reason,
            phone=normalize_phone(phone),
            id_number=normalize_id_number(id_number),
            channel=channel,
            appointment=appointment,
            appointment_at=(
                local_moment(appointment.date, appointment.slot_start)
                if appointment is not None
                else None
            ),
            queue_at=at,
            issued_at=at,
            seq=0,
            number="-",
        )
        # Related rows were checked above; validate the person's fields and the choices.
        _validated(ticket, exclude=["seq", "number", *_RELATIONS])
        ticket.seq = _next_seq(category, day)
        _one_active_ticket_per_person(category, day, ticket.phone, ticket.id_number)
        ticket.number = format_number(category, ticket.seq)
        try:  # no savepoint: a conflict ends the whole transaction anyway
            with transaction.atomic(savepoint=False):
                insert(ticket)
        except IntegrityError as exc:  # the constraints are the last word on numbers and people
            raise QueueError.NUMBER_CONFLICT(_("号码冲突,请重试。")) from exc
        _event(ticket, TicketEvent.Kind.ISSUED, at=at, actor=actor, channel=channel)
    return ticket


def cancel_ticket(
    *, ticket: Ticket, actor: User | None = None, at: dt.datetime | None = None
) -> Ticket:
    """The person gives up a waiting ticket (from its status page, or staff for them)."""
    at = at or selectors.now()
    with transaction.atomic():
        ticket = _ticket_for_update(ticket)
        _require_state(ticket, Ticket.State.WAITING)
        ticket.state = Ticket.State.CANCELLED
        ticket.finished_at = at
        ticket.save(update_fields=["state", "finished_at"])
        _event(ticket, TicketEvent.Kind.CANCELLED, at=at, actor=actor)
    return ticket
