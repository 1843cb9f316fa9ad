"""统一窗口出件: handing over or mailing the result, within 10 working days of an approval."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from govhall.cases.errors import CaseError
from govhall.cases.models import Case
from govhall.cases.services.clocks import _refresh_deadline
from govhall.cases.services.common import (
    EventType,
    State,
    _at,
    _open_transition,
    _saved,
)
from govhall.core.models import User
from govhall.org.models import Window


@transaction.atomic
def deliver_case(
    *,
    actor: User | None,
    case: Case | int,
    method: str,
    tracking_number: str = "",
    window: Window | None = None,
    at: dt.datetime | None = None,
) -> Case:
    """统一窗口出件: handed over at `window`, or mailed with a tracking number.

    行政许可法 art. 44: an approval's certificate within 10 working days of the decision
    (`delivery_due`); a later delivery is recorded as `delivered_late`.
    """
    case = _open_transition(case, actor, "cases.deliver_case", "deliver", _("送达"))
    if method not in (Case.Delivery.WINDOW, Case.Delivery.MAIL):
        raise CaseError.DELIVERY_METHOD_INVALID(_("送达方式无效。"))
    if method == Case.Delivery.MAIL and not tracking_number.strip():
        raise CaseError.TRACKING_NUMBER_REQUIRED(_("邮寄送达须填写邮寄单号。"))
    if window is not None and (method == Case.Delivery.MAIL or window.center_id != case.center_id):
        raise CaseError.PICKUP_WINDOW_INVALID(_("出件窗口须为本中心窗口,且仅用于窗口领取。"))
    now = _at(at)
    case.state = State.DELIVERED
    case.delivery_method = method
    case.tracking_number = tracking_number.strip() if method == Case.Delivery.MAIL else ""
    case.delivery_window = window
    case.delivered_at = now
    _refresh_deadline(case)
    return _saved(
        case,
        EventType.DELIVERED,
        actor,
        now,
        State.COMPLETED,
        {
            "method": method,
            "tracking_number": case.tracking_number,
            "window": window.number if window else None,
            "late": case.delivered_late,
        },
    )
