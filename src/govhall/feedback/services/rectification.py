"""Bad-rating follow-up: verification, rectification (整改), the callback (回访) and closing."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govhall.core.services import emit_outbox
from govhall.feedback.errors import FeedbackError
from govhall.feedback.models import (
    Evaluation,
    Rectification,
    RectificationEvent,
)
from govhall.feedback.services.common import _full_clean, _locked, _rectification_event
from govhall.feedback.services.ratings import rating_outbox
from govhall.org.scoping import require_over

# Each step of a rectification: the status it moves to → the status it follows and its name
# (for the refusal when the rectification is elsewhere).
_STEPS = {
    Rectification.Status.VERIFIED: (Rectification.Status.OPEN, gettext_lazy("核实")),
    Rectification.Status.RECTIFIED: (Rectification.Status.VERIFIED, gettext_lazy("整改")),
    Rectification.Status.CALLED_BACK: (Rectification.Status.RECTIFIED, gettext_lazy("回访")),
    Rectification.Status.CLOSED: (Rectification.Status.CALLED_BACK, gettext_lazy("办结")),
}


def _step(rectification: Rectification, target: str, at: dt.datetime) -> Rectification:
    """`rectification` locked and put in `target`, if it is where that step follows and `at`
    (the step's time: now, or when a step taken earlier happened) is neither before the step it
    follows nor in the future."""
    expected, verb = _STEPS[target]
    row = _locked(Rectification, rectification.pk)
    if row.status != expected:
        raise FeedbackError.RECTIFICATION_WRONG_STEP(
            _("整改当前为“%(s)s”,不能%(v)s。") % {"s": row.get_status_display(), "v": verb}
        )
    previous = row.events.order_by("-at").values_list("at", flat=True).first()
    if at > timezone.now() or (previous is not None and at < previous):
        raise FeedbackError.STEP_TIME_INVALID(
            _("步骤时间不能早于上一步骤,也不能晚于现在。"), detail={"at": at.isoformat()}
        )
    row.status = target
    return row


def verify_rectification(
    *,
    rectification: Rectification,
    valid: bool,
    reason: str,
    evidence: Any = None,
    actor: Any,
    at: dt.datetime | None = None,
) -> Rectification:
    """核实: the serving department says whether the bad rating is borne out, and why.

    Each step takes `at`, the time it was taken when it is recorded afterwards (now if not
    given)."""
    require_over(actor, "feedback.handle_rectification", rectification)
    if not (reason or "").strip():
        raise FeedbackError.FIELD_REQUIRED(_("请填写核实情况。"), detail={"reason": ["required"]})
    when = at or timezone.now()
    with transaction.atomic():
        row = _step(rectification, Rectification.Status.VERIFIED, when)
        row.valid = valid
        row.verify_reason = reason.strip()
        if evidence:
            row.evidence = evidence
        _full_clean(row, validate_unique=False)
        row.save()
        _rectification_event(row, RectificationEvent.Kind.VERIFIED, actor, when, valid=valid)
        return row


def rectify(
    *,
    rectification: Rectification,
    measures: str,
    kind: str,
    rectify_by: dt.date | None = None,
    actor: Any,
    at: dt.datetime | None = None,
) -> Rectification:
    """整改 in one of three ways (国办发〔2019〕51号): 立行立改 (clear and reasonable: fixed at
    once), 限期整改 (complex: a ledger entry with its own deadline `rectify_by`), 解释说明 (no
    legal basis for what was asked, or the rating was not borne out: the explanation given)."""
    require_over(actor, "feedback.handle_rectification", rectification)
    Kind = Rectification.Kind
    if not (measures or "").strip():
        raise FeedbackError.FIELD_REQUIRED(
            _("请填写整改措施或解释说明。"), detail={"measures": ["required"]}
        )
    if kind not in Kind.values:
        raise FeedbackError.FIELD_REQUIRED(_("请选择整改方式。"), detail={"kind": ["required"]})
    when = at or timezone.now()
    if kind == Kind.DEADLINE and (rectify_by is None or rectify_by < timezone.localdate(when)):
        raise FeedbackError.DEADLINE_INVALID(
            _("限期整改须填写不早于今天的整改期限。"), detail={"rectify_by": ["required"]}
        )
    with transaction.atomic():
        row = _step(rectification, Rectification.Status.RECTIFIED, when)
        if row.valid is False and kind != Kind.EXPLANATION:
            raise FeedbackError.EXPLANATION_ONLY(
                _("核实不属实的差评只能解释说明。"), detail={"kind": [Kind.EXPLANATION]}
            )
        row.measures = measures.strip()
        row.kind = kind
        row.rectify_by = rectify_by if kind == Kind.DEADLINE else None
        row.save(update_fields=["status", "measures", "kind", "rectify_by"])
        _rectification_event(
            row,
            RectificationEvent.Kind.RECTIFIED,
            actor,
            when,
            how=kind,
            rectify_by=row.rectify_by.isoformat() if row.rectify_by else None,
        )
        return row


def record_callback(
    *,
    rectification: Rectification,
    reached: bool,
    satisfaction: str = "",
    note: str = "",
    actor: Any,
    at: dt.datetime | None = None,
) -> Rectification:
    """回访: the person was called back (reached or not) and rated the rectification.

    A rating without a phone (not real-name) cannot have been reached by a callback.
    """
    require_over(actor, "feedback.handle_rectification", rectification)
    if reached and satisfaction not in Rectification.Satisfaction.values:
        raise FeedbackError.SATISFACTION_REQUIRED(_("联系上评价人时请选择其对整改的满意度。"))
    if not reached:
        satisfaction = ""
    when = at or timezone.now()
    with transaction.atomic():
        row = _step(rectification, Rectification.Status.CALLED_BACK, when)
        if reached and not Evaluation.objects.get(pk=row.evaluation_id).rater_phone:
            raise FeedbackError.NO_PHONE(
                _("该差评未留联系电话,不能登记为已联系上。"), detail={"reached": ["no_phone"]}
            )
        row.callback_reached = reached
        row.callback_satisfaction = satisfaction
        row.callback_note = (note or "").strip()
        row.save(
            update_fields=["status", "callback_reached", "callback_satisfaction", "callback_note"]
        )
        _rectification_event(
            row,
            RectificationEvent.Kind.CALLED_BACK,
            actor,
            when,
            reached=reached,
            satisfaction=satisfaction,
        )
        return row


def close_rectification(
    *, rectification: Rectification, actor: Any, at: dt.datetime | None = None
) -> Rectification:
    """办结: the rectification is done; on time when closed by its deadline."""
    require_over(actor, "feedback.handle_rectification", rectification)
    when = at or timezone.now()
    with transaction.atomic():
        row = _step(rectification, Rectification.Status.CLOSED, when)
        row.closed_at = when
        row.save(update_fields=["status", "closed_at"])
        _rectification_event(
            row, RectificationEvent.Kind.CLOSED, actor, when, on_time=not row.is_overdue()
        )
        evaluation = Evaluation.objects.select_related(
            "department", "window", "staff", "ticket", "case"
        ).get(pk=row.evaluation_id)
        outbox = rating_outbox(evaluation, "rectified")
        outbox["payload"]["rectification"] = {
            "valid": row.valid,
            "callback_reached": row.callback_reached,
            "callback_satisfaction": row.callback_satisfaction,
            "deadline": row.deadline.isoformat(),
            "closed_at": row.closed_at.isoformat(),
        }
        emit_outbox(center=row.center_id, **outbox)
        return row
