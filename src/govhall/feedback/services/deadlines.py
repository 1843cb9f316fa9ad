"""Rectification and complaint deadlines after a year's calendar is imported."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from govhall.core.workdays import load_calendar
from govhall.feedback.models import Complaint, Rectification


def recompute_provisional_deadlines(*, years: Iterable[int], **_: Any) -> int:
    """Hook of the calendar import (`core.hooks.calendar_changed`): a deadline counted while
    one of `years` had no calendar (`deadline_provisional`) keeps its number of working days,
    counted again on the imported calendar. (A December a notice reaches back into is taken
    out with its year too: it differs only where that December had stored days already.)
    Returns how many deadlines moved or were confirmed."""
    now = load_calendar()
    before = now.without(years)
    changed = 0
    with transaction.atomic():
        for model, opened in ((Rectification, "opened_at"), (Complaint, "received_at")):
            for row in model.objects.select_for_update().filter(deadline_provisional=True):
                start = timezone.localdate(getattr(row, opened))
                due = now.add_workdays(start, before.workdays_between(start, row.deadline))
                if (due.date, due.provisional) != (row.deadline, row.deadline_provisional):
                    row.deadline, row.deadline_provisional = due.date, due.provisional
                    row.save(update_fields=["deadline", "deadline_provisional"])
                    changed += 1
    return changed
