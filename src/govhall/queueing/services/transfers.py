"""Sending a person on to another category or window, keeping their place in line."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from govhall.core.models import User
from govhall.org.models import StaffProfile, Window
from govhall.queueing.errors import QueueError
from govhall.queueing.models import (
    QueueCategory,
    Ticket,
    TicketEvent,
)
from govhall.queueing.services.common import (
    _at_window,
    _require_at,
    _same_center,
    _ticket_for_update,
    _WindowAction,
)


def transfer_ticket(
    *,
    ticket: Ticket,
    window: Window,
    staff: StaffProfile,
    to_category: QueueCategory | None = None,
    to_window: Window | None = None,
    note: str = "",
    actor: User | None = None,
    at: dt.datetime | None = None,
) -> Ticket:
    """Send the person to another category or window, keeping their place (original time).

    The ticket becomes TRANSFERRED and a continuation with the same number waits in the new line;
    the continuation's `queue_at` is the original one, so it is called before later tickets.
    """
    at = _at_window(actor=actor, window=window, at=at)
    if to_category is None and to_window is None:
        raise QueueError.TARGET_REQUIRED(_("请选择转入的排队类别或窗口。"))
    _same_center(ticket.center_id, to_category, to_window)
    if to_window is not None and to_window.pk == window.pk:
        raise QueueError.SAME_WINDOW(_("不能转给本窗口。"))
    with transaction.atomic():
        ticket = _ticket_for_update(ticket)
        _require_at(ticket, window, (Ticket.State.CALLED, Ticket.State.SERVING))
        category = to_category or ticket.category
        if not category.is_active:
            raise QueueError.CATEGORY_INACTIVE(_("该排队类别已停用。"))
        ticket.state = Ticket.State.TRANSFERRED
        ticket.finished_at = at
        ticket.save(update_fields=["state", "finished_at"])
        successor = Ticket.objects.create(
            center_id=ticket.center_id,
            category=category,
            item=ticket.item if to_category is None else None,
            number=ticket.number,
            seq=ticket.seq,
            issue_date=ticket.issue_date,
            priority=ticket.priority,
            priority_reason=ticket.priority_reason,
            phone=ticket.phone,
            id_number=ticket.id_number,
            channel=Ticket.Channel.TRANSFER,
            target_window=to_window,
            appointment_at=ticket.appointment_at,
            transferred_from=ticket,
            queue_at=ticket.queue_at,
            issued_at=at,
            carried_over=ticket.carried_over,
        )
        details = {
            "to_category": category.prefix,
            "to_window": to_window.number if to_window else "",
            "note": note,
        }
        here = _WindowAction(window, staff, actor, at)
        here.event(ticket, TicketEvent.Kind.TRANSFERRED, successor=successor.pk, **details)
        here.event(
            successor,
            TicketEvent.Kind.ISSUED,
            channel=Ticket.Channel.TRANSFER,
            transferred_from=ticket.pk,
            **details,
        )
    return successor
