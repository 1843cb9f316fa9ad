"""The back office's steps: review, the decision (办结), withdrawal, and the check of a
commitment (告知承诺事后核查) after approval."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from govhall.cases.errors import CaseError
from govhall.cases.hooks import case_closed, case_completed
from govhall.cases.models import Case, ClockStop
from govhall.cases.selectors import case_settings
from govhall.cases.services.clocks import _close_stops, _refresh_deadline, _set_commitment_check_by
from govhall.cases.services.common import (
    EventType,
    State,
    _at,
    _open_transition,
    _saved,
)
from govhall.core.models import User
from govhall.core.workdays import load_calendar


@transaction.atomic
def start_review(*, actor: User | None, case: Case | int, at: dt.datetime | None = None) -> Case:
    """后台审查 begins."""
    case = _open_transition(case, actor, "cases.review_case", "review", _("开始审查"))
    now = _at(at)
    case.state = State.IN_REVIEW
    return _saved(case, EventType.REVIEW_STARTED, actor, now, State.ACCEPTED)


@transaction.atomic
def complete_case(
    *,
    actor: User | None,
    case: Case | int,
    approved: bool,
    reason: str = "",
    at: dt.datetime | None = None,
) -> Case:
    """办结: approved, or denied with the reason. Runs the feedback hooks in this transaction."""
    case = _open_transition(case, actor, "cases.complete_case", "complete", _("办结"))
    if not approved and not reason.strip():
        raise CaseError.REASON_REQUIRED(_("不予许可须说明理由。"))
    if approved and case.mode == Case.Mode.MISSING and case.supplied_at is None:
        raise CaseError.MATERIALS_OUTSTANDING(_("容缺材料尚未补齐,不能作出准予决定。"))
    now = _at(at)
    from_state = case.state
    _close_stops(case, [ClockStop.Kind.MISSING], now)
    case.state = State.COMPLETED
    case.result = Case.Result.APPROVED if approved else Case.Result.DENIED
    case.reason = "" if approved else reason.strip()
    case.decided_by = actor
    case.completed_at = now
    if not approved and case.commitment_status == Case.Commitment.PENDING:
        case.commitment_status = Case.Commitment.NONE
    if approved and case.commitment_status == Case.Commitment.PENDING:
        _set_commitment_check_by(case, load_calendar(), case_settings(center_id=case.center_id))
    _refresh_deadline(case)
    _saved(
        case,
        EventType.COMPLETED,
        actor,
        now,
        from_state,
        {"result": case.result, "reason": case.reason, "late": case.completed_late},
    )
    case_completed(case=case, actor=actor)
    return case


@transaction.atomic
def withdraw_case(
    *, actor: User | None, case: Case | int, reason: str = "", at: dt.datetime | None = None
) -> Case:
    """The applicant withdraws the application before it is decided."""
    case = _open_transition(case, actor, "cases.withdraw_case", "withdraw", _("撤回"))
    now = _at(at)
    from_state = case.state
    _close_stops(case, ClockStop.Kind.values, now)
    case.state = State.WITHDRAWN
    case.closed_at = now
    case.commitment_status = Case.Commitment.NONE
    _refresh_deadline(case)
    _saved(case, EventType.WITHDRAWN, actor, now, from_state, {"reason": reason.strip()})
    case_closed(case=case, actor=actor)
    return case


def _commitment_case(actor: User | None, case: Case | int) -> Case:
    case = _open_transition(case, actor, "cases.check_commitment", "verify", _("核查告知承诺"))
    if case.commitment_status != Case.Commitment.PENDING:
        raise CaseError.NO_PENDING_COMMITMENT(_("该办件没有待核查的告知承诺。"))
    return case


@transaction.atomic
def verify_commitment(
    *, actor: User | None, case: Case | int, note: str = "", at: dt.datetime | None = None
) -> Case:
    """告知承诺事后核查: the pledge was true."""
    case = _commitment_case(actor, case)
    now = _at(at)
    case.commitment_status = Case.Commitment.VERIFIED
    return _saved(case, EventType.COMMITMENT_VERIFIED, actor, now, details={"note": note.strip()})


@transaction.atomic
def revoke_commitment(
    *, actor: User | None, case: Case | int, reason: str, at: dt.datetime | None = None
) -> Case:
    """告知承诺不实: the approval is revoked (the case stays counted as completed)."""
    case = _commitment_case(actor, case)
    if not reason.strip():
        raise CaseError.REASON_REQUIRED(_("撤销许可须说明理由。"))
    now = _at(at)
    case.commitment_status = Case.Commitment.REVOKED
    case.result = Case.Result.REVOKED
    case.reason = reason.strip()
    return _saved(case, EventType.COMMITMENT_REVOKED, actor, now, details={"reason": case.reason})
