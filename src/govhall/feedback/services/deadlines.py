"""Rectification and complaint deadlines after the calendar is imported (or corrected)."""

import datetime as dt
from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from govhall.core.workdays import Calendar, load_calendar
from govhall.feedback.models import Complaint, Rectification

# Where the deadline is still running: a rectification until it is closed (or voided by an
# upheld appeal), a complaint until it is answered (its 办理期限 is judged by the answer,
# `Complaint.is_overdue`) or closed. A deadline that has been met or missed is not moved by a
# later correction of the calendar.
_RUNNING = (
    (
        Rectification,
        "opened_at",
        ~Q(status__in=[Rectification.Status.CLOSED, Rectification.Status.VOID]),
    ),
    (
        Complaint,
        "received_at",
        Q(resolved_at__isnull=True, closed_at__isnull=True) & ~Q(status=Complaint.Status.CLOSED),
    ),
)


def _touches(changed: Sequence[dt.date], start: dt.date, deadline: dt.date) -> bool:
    """Whether a date of `changed` (sorted) falls in (start, deadline], the days counted."""
    i = bisect_right(changed, start)
    return i < len(changed) and changed[i] <= deadline


def recompute_deadlines(
    *, before: Calendar, changed_dates: Sequence[dt.date] = (), **_: Any
) -> int:
    """Hook of the calendar import (`core.hooks.calendar_changed`; `before` the calendar as it
    was, `changed_dates` the dates the import made a working day or a rest day). A deadline
    keeps its number of working days from its start (as `before` counted them) and is counted
    again on the calendar now, as `cases.services.recompute_deadlines` counts the cases':

    - every provisional deadline (counted while a year of it had no calendar), open or closed:
      the year's notice confirms or moves it;
    - every running deadline (`_RUNNING`) with a changed date among its days: a corrected
      notice moves it. A deadline already met or missed is never moved.

    Each change is saved with the row's history. Returns how many deadlines moved or were
    confirmed (none when the same file is imported again)."""
    now = load_calendar()
    changed = sorted(changed_dates)
    count = 0
    with transaction.atomic():
        for model, opened, running in _RUNNING:
            firm = (
                running & Q(deadline_provisional=False, deadline__gte=changed[0])
                if changed
                else Q(pk__in=[])
            )
            for row in model.objects.select_for_update().filter(
                Q(deadline_provisional=True) | firm
            ):
                start = timezone.localdate(getattr(row, opened))
                if not row.deadline_provisional and not _touches(changed, start, row.deadline):
                    continue
                due = now.add_workdays(start, max(0, before.workdays_between(start, row.deadline)))
                if (due.date, due.provisional) != (row.deadline, row.deadline_provisional):
                    row.deadline, row.deadline_provisional = due.date, due.provisional
                    row.save(update_fields=["deadline", "deadline_provisional"])
                    count += 1
    return count
