"""Closing time: the centre's policy for tickets still waiting; windows and pauses closed."""

import datetime as dt

from django.db import transaction

from govhall.core.models import Center
from govhall.queueing import selectors
from govhall.queueing.models import (
    Appointment,
    QueueSettings,
    Ticket,
    TicketEvent,
    WindowPause,
    WindowSession,
)
from govhall.queueing.services.common import _event, _locked


def close_queue_day(
    *, center: Center, day: dt.date, at: dt.datetime | None = None
) -> dict[str, int]:
    """Closing time of `day`: apply the centre's policy to tickets still waiting, close windows.

    EXPIRE: waiting tickets of `day` and before become EXPIRED. CARRY_OVER: the day's waiting
    tickets stay WAITING, marked carried over, and since the line is ordered by the time a ticket
    joined it they are called first the next working morning; tickets already carried over once
    (issued before `day`) expire. Booked appointments of the day not checked in become NO_SHOW;
    open window sessions and pauses are closed. Idempotent.
    """
    at = at or selectors.now()
    settings = selectors.queue_settings(center_id=center.pk)
    with transaction.atomic():
        waiting = list(
            _locked(
                Ticket.objects.filter(
                    center=center, state=Ticket.State.WAITING, issue_date__lte=day
                )
            )
        )
        expire = settings.closing_policy == QueueSettings.ClosingPolicy.EXPIRE
        expired = carried = 0
        for ticket in waiting:
            if expire or ticket.issue_date < day:
                ticket.state = Ticket.State.EXPIRED
                ticket.finished_at = at
                ticket.save(update_fields=["state", "finished_at"])
                _event(ticket, TicketEvent.Kind.EXPIRED, at=at, day=day.isoformat())
                expired += 1
            elif not ticket.carried_over:
                ticket.carried_over = True
                ticket.save(update_fields=["carried_over"])
                _event(ticket, TicketEvent.Kind.CARRIED_OVER, at=at, day=day.isoformat())
                carried += 1
        missed = Appointment.objects.filter(
            center=center, date__lte=day, state=Appointment.State.BOOKED
        ).update(state=Appointment.State.NO_SHOW)
        pauses = WindowPause.objects.filter(center=center, ended_at__isnull=True).update(
            ended_at=at
        )
        sessions = WindowSession.objects.filter(center=center, closed_at__isnull=True).update(
            closed_at=at
        )
    return {
        "expired": expired,
        "carried_over": carried,
        "appointments_no_show": missed,
        "pauses_closed": pauses,
        "sessions_closed": sessions,
    }
