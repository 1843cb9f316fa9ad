"""What the case services share: the row lock, the permission and state checks, the event
with its outbox row, validated saves and the case numbers."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.cases.errors import CaseError
from govhall.cases.models import Case, CaseEvent, CaseSequence, JointCase, JointEvent
from govhall.core.models import Center, User
from govhall.core.services import emit_outbox
from govhall.org.scoping import require_over

State = Case.State


EventType = CaseEvent.Type


def _iso(value: dt.date | dt.datetime | None, zone: dt.tzinfo | None = None) -> str | None:
    """ISO text of a date, or of a datetime in `zone` (default: the current time zone)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(zone or timezone.get_current_timezone()).isoformat()
    return value.isoformat()


def outbox_payload(case: Case, event: CaseEvent) -> dict[str, Any]:
    """The upstream record of one case event (documented in docs/cases.md)."""
    zone = timezone.get_current_timezone()
    return {
        "case_number": case.number,
        "item_code": case.item.code,
        "item_name": case.item.name,
        "department_code": case.department.code,
        "department_name": case.department.name,
        "region_code": case.center.region_code,
        "applicant_type": case.applicant_type,
        "channel": case.channel,
        "accepted_at": _iso(case.accepted_at, zone),
        "due_date": _iso(case.due_date, zone),
        "completed_at": _iso(case.completed_at, zone),
        "delivered_at": _iso(case.delivered_at, zone),
        "state": case.state,
        "result": case.result,
        "event": event.type,
        "event_at": _iso(event.at, zone),
    }


def case_outbox(case: Case, event: CaseEvent) -> dict[str, Any]:
    """The outbox row of one case event: its stream, kind and payload (``case.<event>``)."""
    return {
        "stream": f"case:{case.number}",
        "kind": f"case.{event.type}",
        "payload": outbox_payload(case, event),
    }


def _lock_cases(qs: QuerySet[Case]) -> list[Case]:
    """The one row-lock helper: lock in primary-key order so two transactions never deadlock."""
    return list(
        qs.select_for_update(of=("self",))
        .select_related("item", "department", "center")
        .order_by("pk")
    )


def _open_transition(
    case: Case | int, actor: User | None, perm: str, action: str, label: str
) -> Case:
    """The case locked for a step: the actor holds `perm` over its department (None: the
    system) and its state allows `action` (`label` names the step in the refusal)."""
    pk = case if isinstance(case, int) else case.pk
    rows = _lock_cases(Case.objects.filter(pk=pk))
    if not rows:
        raise CaseError.CASE_NOT_FOUND(_("办件不存在。"))
    case = rows[0]
    require_over(actor, perm, case)
    if case.state not in Case.ACTION_STATES[action]:
        raise CaseError.WRONG_STATE(
            _("办件 %(number)s 当前状态为“%(state)s”,不能%(action)s。")
            % {"number": case.number, "state": case.get_state_display(), "action": label},
            detail={"state": case.state},
        )
    return case


def _record(
    row: Case | JointCase,
    event_type: str,
    *,
    actor: User | None,
    at: dt.datetime,
    from_state: str,
    details: dict[str, Any] | None = None,
) -> CaseEvent | JointEvent:
    """The event of `row`'s change of state (from `from_state` to its state now): a case's, with
    its outbox row for the provincial exchange, or a whole joint case's."""
    change = {
        "center_id": row.center_id,
        "type": event_type,
        "actor": actor,
        "at": at,
        "from_state": from_state,
        "to_state": row.state,
        "details": details or {},
    }
    if isinstance(row, JointCase):
        return JointEvent.objects.create(joint=row, **change)
    event = CaseEvent.objects.create(case=row, **change)
    emit_outbox(center=row.center_id, **case_outbox(row, event))
    return event


def _save(case: Case) -> None:
    try:
        case.full_clean()
    except ValidationError as exc:
        raise CaseError.CASE_INVALID(_("办件信息有误。"), detail=exc.message_dict) from exc
    case.save()


def _saved(
    case: Case,
    event_type: str,
    actor: User | None,
    at: dt.datetime,
    from_state: str | None = None,
    details: dict[str, Any] | None = None,
) -> Case:
    """How a write of a case ends: the case saved and its event recorded (`from_state`: the
    state it left, None when its state is unchanged). Returns the case."""
    _save(case)
    _record(
        case,
        event_type,
        actor=actor,
        at=at,
        from_state=case.state if from_state is None else from_state,
        details=details,
    )
    return case


def _at(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def next_numbers(center: Center, day: dt.date, count: int = 1) -> list[str]:
    """`count` fresh case numbers ``<region><yyyymmdd><seq:06>`` for `center` on `day`."""
    CaseSequence.objects.get_or_create(center=center, day=day)
    CaseSequence.objects.filter(center=center, day=day).update(last=F("last") + count)
    last = (CaseSequence.objects.select_for_update().values_list("last", flat=True)).get(
        center=center, day=day
    )
    prefix = f"{center.region_code}{day:%Y%m%d}"
    return [f"{prefix}{seq:06d}" for seq in range(last - count + 1, last + 1)]


def _correction_notice(
    case: Case, reason: str, materials: Sequence[str], repeat_reason: str
) -> dict[str, Any]:
    """一次性告知: every correction a case needs is told at once, with its reason; a second
    notice on the same case must state why (and is counted as a problem: `details["repeat"]`).
    Returns the notice's event details (the case's count of notices is raised)."""
    if not reason.strip():
        raise CaseError.CORRECTION_CONTENT_REQUIRED(_("要求补正须一次性告知需补正的内容。"))
    repeat = case.correction_notices > 0
    if repeat and not repeat_reason.strip():
        raise CaseError.REPEAT_REASON_REQUIRED(
            _("本件已告知过补正,应一次性告知;再次要求补正须说明理由。"),
            detail={"repeat_reason": _("请说明再次要求补正的理由。")},
        )
    case.correction_notices += 1
    return {
        "reason": reason.strip(),
        "materials": list(materials),
        "notice": case.correction_notices,
        "repeat": repeat,
        "repeat_reason": repeat_reason.strip() if repeat else "",
    }


def _check_extension(row: Case | JointCase, days: int, reason: str) -> None:
    """延长期限 (行政许可法 art. 42), of a case or a whole joint case: once only, the reason told
    to the applicant, by 1 to the row's `EXTENSION_DAYS` working days."""
    if row.extended_at is not None:
        raise CaseError.ALREADY_EXTENDED(_("办理期限只能延长一次。"))
    if not reason.strip():
        raise CaseError.REASON_REQUIRED(_("延长办理期限须说明理由(将告知申请人)。"))
    cap = row.EXTENSION_DAYS
    if not 1 <= days <= cap:
        raise CaseError.EXTENSION_DAYS_INVALID(
            _("延长期限应为 1 至 %(cap)s 个工作日。") % {"cap": cap}, detail={"days": days}
        )
