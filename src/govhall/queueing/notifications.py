"""The hall's SMS (`govhall.notify`): 到号提醒 and appointment reminders.

Both are producers the notification worker calls at each pass (`notify.producers`), so issuing
and calling pay nothing for them: a ticket with a phone is reminded once when at most
`QueueSettings.due_reminder_ahead` people are before it in its line; a booked appointment once
when its slot begins within `QueueSettings.appointment_reminder_minutes`.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core.dates import local_moment
from govhall.notify.models import Notification
from govhall.notify.selectors import subject_enqueued
from govhall.notify.subjects import enqueue_about
from govhall.queueing import selectors
from govhall.queueing.models import Appointment, QueueSettings

TICKET_DUE = Notification.Kind.TICKET_DUE
APPOINTMENT_REMINDER = Notification.Kind.APPOINTMENT_REMINDER


def tickets_nearly_due(*, at: dt.datetime) -> int:
    """Enqueue 到号提醒 for the waiting tickets with a phone near the head of their line."""
    made = 0
    for settings in QueueSettings.objects.filter(
        due_reminder_ahead__gt=0, center__is_active=True
    ).select_related("center"):
        waiting = selectors.waiting_tickets(settings.center_id, at=at, settings=settings)
        for category in selectors.active_categories(settings.center_id):
            head = (
                waiting.filter(category=category, target_window__isnull=True)
                .order_by(*selectors.CALL_ORDER)
                .annotate(reminded=subject_enqueued(TICKET_DUE))[: settings.due_reminder_ahead + 1]
            )
            for ahead, ticket in enumerate(head):
                if not ticket.phone or ticket.reminded:
                    continue
                enqueue_about(
                    ticket,
                    TICKET_DUE,
                    _("您的%(number)s号前面还有%(ahead)s人,请回到%(center)s大厅留意叫号。"),
                    at=at,
                    number=ticket.number,
                    ahead=str(ahead),
                    center=settings.center.name,
                )
                made += 1
    return made


def appointments_soon(*, at: dt.datetime) -> int:
    """Enqueue a reminder for booked appointments whose slot begins soon."""
    made = 0
    local = timezone.localtime(at)
    for settings in QueueSettings.objects.filter(
        appointment_reminder_minutes__gt=0, center__is_active=True
    ).select_related("center"):
        horizon = local + dt.timedelta(minutes=settings.appointment_reminder_minutes)
        booked = (
            Appointment.objects.filter(
                center_id=settings.center_id,
                state=Appointment.State.BOOKED,
                date__gte=local.date(),
                date__lte=horizon.date(),
            )
            .exclude(phone="")
            .exclude(subject_enqueued(APPOINTMENT_REMINDER))
            .select_related("category")
        )
        for appointment in booked:
            begins = local_moment(appointment.date, appointment.slot_start)
            if not local <= begins <= horizon:
                continue
            enqueue_about(
                appointment,
                APPOINTMENT_REMINDER,
                _(
                    "您预约的%(date)s %(time)s“%(category)s”即将开始,预约码%(code)s,"
                    "请按时到大厅签到。"
                ),
                at=at,
                date=appointment.date.isoformat(),
                time=appointment.slot_start.strftime("%H:%M"),
                category=appointment.category.name,
                code=appointment.code,
            )
            made += 1
    return made
