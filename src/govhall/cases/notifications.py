"""The case "ready for collection" SMS (`govhall.notify`).

A producer the notification worker calls at each pass (`notify.producers`): a case completed
in the last day and not yet delivered tells its applicant, once, to collect the result at the
centre's unified window (统一窗口出件). Completing the case pays nothing for it.
"""

import datetime as dt

from django.utils.translation import gettext as _

from govhall.cases.models import Case
from govhall.notify.models import Notification
from govhall.notify.selectors import subject_enqueued
from govhall.notify.subjects import enqueue_about

CASE_READY = Notification.Kind.CASE_READY
LOOKBACK = dt.timedelta(days=1)


def completed_cases_to_collect(*, at: dt.datetime) -> int:
    """Enqueue the collection notice for recently completed, undelivered cases."""
    cases = (
        Case.objects.filter(
            state=Case.State.COMPLETED,
            completed_at__gte=at - LOOKBACK,
            completed_at__lte=at,
            imported=False,
        )
        .exclude(phone="")
        .exclude(subject_enqueued(CASE_READY))
        .select_related("center", "item")
    )
    made = 0
    for case in cases:
        enqueue_about(
            case,
            CASE_READY,
            _("您的办件%(number)s(%(item)s)已办结,请到%(center)s统一出件窗口领取。"),
            at=at,
            number=case.number,
            item=case.item.name,
            center=case.center.name,
        )
        made += 1
    return made
