"""A window's terminal: calling the next ticket, recalling it, serving, finishing, no-show.

Calling: the next ticket is taken with ``select_for_update(skip_locked=True)`` on PostgreSQL,
so two windows calling at the same instant get different tickets; on SQLite the IMMEDIATE
transactions of the settings serialise writers instead."""

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from govhall.core import compiled
from govhall.core.compiled import Placeholders
from govhall.core.models import User
from govhall.org.models import StaffProfile, Window
from govhall.queueing import hooks, selectors
from govhall.queueing.errors import QueueError
from govhall.queueing.models import (
    QueueSettings,
    Ticket,
    TicketEvent,
)
from govhall.queueing.selectors import WindowStatus
from govhall.queueing.services.common import (
    _at_window,
    _check_staff_at,
    _require_at,
    _ticket_for_update,
    _WindowAction,
)
from govhall.queueing.services.sessions import open_window_session


def _check_ready(
    window: Window, staff: StaffProfile, at: dt.datetime, status: WindowStatus | None
) -> None:
    """The window may take a ticket now: the staff member is on duty and assigned to it, it is
    not paused and has no current ticket. Opens the staff member's session at the window if
    needed (presence is recorded however the window works). One query for all of it, unless
    the caller has read it (`status`)."""
    status = status or selectors.window_status(window, staff=staff)
    _check_staff_at(window, staff, assigned=status.assigned)
    if status.paused:
        raise QueueError.PAUSED(_("窗口暂停中,请先恢复服务。"))
    if status.current_number is not None:
        raise QueueError.BUSY(_("请先处理当前的 %(number)s。") % {"number": status.current_number})
    if status.session_staff_id != staff.pk:
        open_window_session(window=window, staff=staff, at=at)


def call_next(
    *,
    window: Window,
    staff: StaffProfile,
    actor: User | None = None,
    at: dt.datetime | None = None,
    settings: QueueSettings | None = None,
    status: WindowStatus | None = None,
) -> Ticket | None:
    """Call the next ticket `window` may serve, or return None when nobody waits.

    Order: green channel first, then checked-in appointments by slot, then the time the ticket
    joined the line (transfers keep their original time). Never hands one ticket to two windows:
    the chosen row is locked with SKIP LOCKED on PostgreSQL, and re-checked to still be WAITING.
    The called ticket carries `still_waiting`: the tickets the window may call after it (read
    by the same statement). `settings` and `status`: the centre's queue settings and the
    window's status when the caller has already read them (`selectors.staff_window`).
    """
    at = _at_window(actor=actor, window=window, at=at)
    with transaction.atomic():
        _check_ready(window, staff, at, status)
        ticket = selectors.next_ticket(window, at=at, settings=settings)
        if ticket is None:
            return None
        changes = {
            "state": Ticket.State.CALLED,
            "window_id": window.pk,
            "staff_id": staff.pk,
            "department_id": staff.department_id,
            "called_at": at,
            "last_called_at": at,
            "wait_seconds": max(int((at - ticket.issued_at).total_seconds()), 0),
        }
        # only if still WAITING: without row locks another window may have called it
        if _update(ticket, (Ticket.State.WAITING,), None, changes) != 1:
            raise QueueError.TAKEN(_("该号已被其他窗口呼叫,请重试。"))
        for field, value in changes.items():
            setattr(ticket, field, value)
        ticket.window, ticket.staff = window, staff
        ticket.still_waiting = ticket.line_size - 1
        _WindowAction(window, staff, actor, at).event(ticket, TicketEvent.Kind.CALLED)
    return ticket


def _update(
    ticket: Ticket, states: tuple[str, ...], window: Window | None, changes: dict[str, Any]
) -> int:
    """``UPDATE`` `ticket`'s row with `changes` (column values: text, integers, times) if it
    is in one of `states` (and at `window`, if given); compiled once per shape
    (`core.compiled.update`). Returns the number of rows changed (0 or 1)."""

    def build(p: Placeholders) -> tuple[QuerySet, dict[str, Any]]:
        rows = Ticket.objects.filter(pk=p.int("ticket"), state__in=states)
        if window is not None:
            rows = rows.filter(window_id=p.int("window"))
        return rows, {name: p.like(name, value) for name, value in changes.items()}

    values = {"ticket": ticket.pk, **changes}
    if window is not None:
        values["window"] = window.pk
    return compiled.update(
        ("ticket-update", states, window is not None, tuple(changes)), build, values
    )


def _move(ticket: Ticket, window: Window, states: tuple[str, ...], **changes: Any) -> None:
    """Write `changes` to `ticket` (checked with `_require_at` by the caller) if it is still
    at `window` in one of `states`: one conditional UPDATE, which locks the row to the
    transaction's end, so a concurrent change makes it fail instead of being overwritten; the
    row is then read again for the reason."""
    if _update(ticket, states, window, changes) != 1:
        _require_at(_ticket_for_update(ticket), window, states)
    for field, value in changes.items():
        setattr(ticket, field, value)


def _called_at(ticket: Ticket, window: Window) -> tuple[Ticket, QueueSettings]:
    """The ticket locked, if it is called to `window`, with its centre's queue settings: what a
    recall and a no-show both decide on."""
    ticket = _ticket_for_update(ticket)
    _require_at(ticket, window, (Ticket.State.CALLED,))
    return ticket, selectors.queue_settings(center_id=ticket.center_id)


def _ticket_action(step: Callable[[Ticket, _WindowAction], Ticket]) -> Callable[..., Ticket]:
    """An action on the ticket at a window's terminal, as the views and the API call it: with
    the keywords `ticket`, `window`, `staff`, `actor` (None: the system) and `at` (None: now).
    `actor` must be allowed to work the window (`_at_window`); `step` then runs in one
    transaction with the ticket and the action's window, staff, actor and moment."""

    @functools.wraps(step)
    def run(
        *,
        ticket: Ticket,
        window: Window,
        staff: StaffProfile,
        actor: User | None = None,
        at: dt.datetime | None = None,
    ) -> Ticket:
        here = _WindowAction.begin(window, staff, actor, at)
        with transaction.atomic():
            return step(ticket, here)

    return run


@_ticket_action
def recall_ticket(ticket: Ticket, here: _WindowAction) -> Ticket:
    """Call the current ticket again (after the cooldown, up to the recall limit)."""
    ticket, settings = _called_at(ticket, here.window)
    if ticket.recall_count >= settings.recall_limit:
        raise QueueError.RECALL_LIMIT(
            _("重呼次数已用完,请标记过号。"),
            detail={"limit": settings.recall_limit},
        )
    elapsed = (here.at - ticket.last_called_at).total_seconds()
    if elapsed < settings.recall_cooldown_seconds:
        wait = int(settings.recall_cooldown_seconds - elapsed)
        raise QueueError.RECALL_COOLDOWN(
            _("请 %(seconds)s 秒后再重呼。") % {"seconds": wait},
            detail={"retry_after": wait},
        )
    ticket.recall_count = F("recall_count") + 1
    ticket.last_called_at = here.at
    ticket.save(update_fields=["recall_count", "last_called_at"])
    ticket.refresh_from_db()
    here.event(ticket, TicketEvent.Kind.RECALLED, recall=ticket.recall_count)
    return ticket


@_ticket_action
def start_ticket(ticket: Ticket, here: _WindowAction) -> Ticket:
    """The person has come to the window: CALLED → SERVING."""
    states = (Ticket.State.CALLED,)
    _require_at(ticket, here.window, states)
    _move(ticket, here.window, states, state=Ticket.State.SERVING, started_at=here.at)
    here.event(ticket, TicketEvent.Kind.STARTED)
    return ticket


@_ticket_action
def finish_ticket(ticket: Ticket, here: _WindowAction) -> Ticket:
    """The service is over: SERVING (or CALLED) → DONE; then every registered finish hook runs."""
    states = (Ticket.State.CALLED, Ticket.State.SERVING)
    _require_at(ticket, here.window, states)
    _move(
        ticket,
        here.window,
        states,
        state=Ticket.State.DONE,
        started_at=ticket.started_at or here.at,
        finished_at=here.at,
        handling_seconds=max(int((here.at - ticket.called_at).total_seconds()), 0),
    )
    ticket.window = here.window  # the hooks read them: no need to load them again
    if ticket.staff_id == here.staff.pk:
        ticket.staff = here.staff
    here.event(ticket, TicketEvent.Kind.FINISHED, handling_seconds=ticket.handling_seconds)
    hooks.ticket_finished(ticket=ticket, actor=here.actor)
    return ticket


@_ticket_action
def mark_no_show(ticket: Ticket, here: _WindowAction) -> Ticket:
    """过号: allowed once the centre's number of recalls has been used."""
    ticket, settings = _called_at(ticket, here.window)
    if ticket.recall_count < settings.recall_limit:
        left = settings.recall_limit - ticket.recall_count
        raise QueueError.RECALLS_LEFT(
            _("还可重呼 %(n)s 次,重呼用完后才能标记过号。") % {"n": left},
            detail={"recalls_left": left},
        )
    ticket.state = Ticket.State.NO_SHOW
    ticket.finished_at = here.at
    ticket.save(update_fields=["state", "finished_at"])
    here.event(ticket, TicketEvent.Kind.NO_SHOW)
    return ticket
