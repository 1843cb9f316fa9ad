"""The case "ready for collection" SMS (`govhall.notify`).

A producer the notification worker calls at each pass (`notify.producers`): a case completed
in the last day and not yet delivered tells its applicant, once, to collect the result at the
centre's unified window (统一窗口出件). Completing the case pays nothing for it.
"""

import datetime as dt

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from govhall.cases.models import Case
from govhall.notify import selectors as notify_selectors
from govhall.notify import services as notify
from govhall.notify.models import Notification

CASE_READY = Notification.Kind.CASE_READY
LOOKBACK = dt.timedelta(days=1)


def completed_cases_to_collect(*, at: dt.datetime) -> int:
    """Enqueue the collection notice for recently completed, undelivered cases."""
    sent = notify_selectors.already_enqueued(CASE_READY).filter(subject_id=OuterRef("pk"))
    cases = (
        Case.objects.filter(
            state=Case.State.COMPLETED,
            completed_at__gte=at - LOOKBACK,
            completed_at__lte=at,
            imported=False,
        )
        .exclude(phone="")
        .exclude(Exists(sent))
        .select_related("center", "item")
    )
    made = 0
    for case in cases:
        params = [case.number, case.item.name, case.center.name]
        notify.enqueue(
            center_id=case.center_id,
            kind=CASE_READY,
            subject_id=case.pk,
            phone=case.phone,
            params=params,
            text=_("您的办件%(number)s(%(item)s)已办结,请到%(center)s统一出件窗口领取。")
            % dict(zip(("number", "item", "center"), params, strict=True)),
            at=at,
        )
        made += 1
    return made
