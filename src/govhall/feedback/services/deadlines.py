"""The working-day deadlines of rectifications (差评整改) and complaints counted again after
the calendar changed (core's `calendar_changed` hook; docs/calendar.md)."""

import datetime as dt
from collections.abc import Callable

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from govhall.core.workdays import Calendar, load_calendar
from govhall.feedback.models import Complaint, FeedbackSettings, Rectification
from govhall.feedback.selectors import feedback_settings


def _recount(
    qs: models.QuerySet,
    cal: Calendar,
    start: Callable[[models.Model], dt.datetime],
    days: Callable[[FeedbackSettings], int],
) -> int:
    """Set each row's `deadline` and `deadline_provisional` again; returns how many changed."""
    fields = ["deadline", "deadline_provisional"]
    settings: dict[int, FeedbackSettings] = {}
    changed = []
    for row in qs.select_for_update().order_by("pk"):
        conf = settings.get(row.center_id)
        if conf is None:
            conf = settings[row.center_id] = feedback_settings(row.center_id)
        due = cal.add_workdays(timezone.localdate(start(row)), days(conf))
        if (row.deadline, row.deadline_provisional) != (due.date, due.provisional):
            row.deadline, row.deadline_provisional = due.date, due.provisional
            changed.append(row)
    qs.model._default_manager.bulk_update(changed, fields)
    return len(changed)


def recompute_deadlines() -> int:
    """Count again the deadline of every rectification and complaint still open, and of every
    one closed with a provisional deadline (its on-time judgement in the figures and the
    overdue list then uses the deadline the notice made), with the centre's current
    `rectification_days` / `complaint_days`. A closed one with a firm deadline keeps it.
    The calendar import calls it (`calendar_changed`); returns how many deadlines changed."""
    cal = load_calendar()
    with transaction.atomic():
        return _recount(
            Rectification.objects.filter(
                ~Q(status__in=[Rectification.Status.CLOSED, Rectification.Status.VOID])
                | Q(deadline_provisional=True)
            ),
            cal,
            lambda r: r.opened_at,
            lambda conf: conf.rectification_days,
        ) + _recount(
            Complaint.objects.filter(
                ~Q(status=Complaint.Status.CLOSED) | Q(deadline_provisional=True)
            ),
            cal,
            lambda c: c.received_at,
            lambda conf: conf.complaint_days,
        )
