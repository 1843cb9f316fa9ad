"""Invitations and ratings (一次一评 / 一事一评) and their appeals.

Ratings are recorded through `rate_with_link`, `rate_on_pad` and the 12345 import
(`hotline_import`); each writes its event row and its outbox row in the same transaction and,
when bad, opens its rectification there too.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core.compiled import insert
from govhall.core.services import emit_outbox
from govhall.core.workdays import WorkdayResult, add_workdays
from govhall.core.writes import acting_user, add_event
from govhall.feedback import links
from govhall.feedback.errors import FeedbackError
from govhall.feedback.models import (
    BAD_LEVELS,
    Appeal,
    Channel,
    Evaluation,
    EvaluationEvent,
    Invitation,
    Level,
    RatingPad,
    Rectification,
    RectificationEvent,
)
from govhall.feedback.selectors import (
    InvitationFacts,
    feedback_settings,
    invitation_facts,
    pad_pending_invitation,
)
from govhall.feedback.services.common import (
    _clean_phone,
    _full_clean,
    _locked,
    _rectification_event,
)
from govhall.org.models import Department, StaffProfile, Window
from govhall.org.scoping import require_over
from govhall.queueing.models import Ticket


def _create_invitation(
    *,
    facts: InvitationFacts,
    center_id: int,
    source: str,
    department_id: int,
    window: Window | None,
    staff: StaffProfile | None,
    actor: Any,
    issued_at: dt.datetime,
    rater_name: str = "",
    rater_phone: str = "",
    ticket: Any = None,
    case: Any = None,
) -> Invitation:
    """Record that the window invited a rating of one service; runs in the caller's transaction.

    The invitation is dated when the service ended (`issued_at`), which is now at a live window
    and the given time when a finish or completion is recorded after the fact; its validity runs
    from then. The channel is the pad when the window has a paired pad, else the QR code on the
    ticket or receipt (SMS when the case has a phone number to send the link to).
    """
    if facts.has_pad and source == Invitation.Source.TICKET:
        channel = Channel.PAD
    elif rater_phone and source == Invitation.Source.CASE:
        channel = Channel.SMS
    else:
        channel = Channel.QR
    invitation = Invitation(
        center_id=center_id,
        source=source,
        channel=channel,
        department_id=department_id,
        window=window,
        staff=staff,
        invited_by=acting_user(actor),
        rater_name=rater_name[:50],
        rater_phone=rater_phone[:20],
        created_at=issued_at,
        expires_at=issued_at + dt.timedelta(days=facts.valid_days),
        ticket=ticket,
        case=case,
    )
    return insert(invitation)


def invite_for_ticket(*, ticket: Any, actor: Any) -> Invitation | None:
    """Hook of `queueing.finish_ticket`: a served ticket invites a rating (none if not served).

    The department is the one the ticket was served for; a ticket with no department known
    (no unit on the ticket, its staff member or its item) cannot be attributed and is not invited.
    """
    if ticket.state != Ticket.State.DONE:
        return None
    facts = invitation_facts(
        center_id=ticket.center_id, window_id=ticket.window_id, ticket_id=ticket.pk
    )
    if facts.existing_id is not None:
        return Invitation.objects.get(pk=facts.existing_id)
    staff = ticket.staff
    department_id = (
        ticket.department_id
        or (staff.department_id if staff is not None else None)
        or (ticket.item.department_id if ticket.item_id else None)
    )
    if department_id is None:
        return None
    return _create_invitation(
        facts=facts,
        center_id=ticket.center_id,
        source=Invitation.Source.TICKET,
        department_id=department_id,
        window=ticket.window,
        staff=staff,
        actor=actor,
        issued_at=ticket.finished_at,
        rater_phone=ticket.phone,
        ticket=ticket,
    )


def invite_for_case(*, case: Any, actor: Any) -> Invitation:
    """Hook of `cases.complete_case`: a completed case invites its rating (一事一评)."""
    facts = invitation_facts(center_id=case.center_id, window_id=case.window_id, case_id=case.pk)
    if facts.existing_id is not None:
        return Invitation.objects.get(pk=facts.existing_id)
    staff = (
        StaffProfile.objects.filter(user_id=case.accepted_by_id).first()
        if case.accepted_by_id
        else None
    )
    return _create_invitation(
        facts=facts,
        center_id=case.center_id,
        source=Invitation.Source.CASE,
        department_id=case.department_id,
        window=case.window,
        staff=staff,
        actor=actor,
        issued_at=case.completed_at,
        rater_name=case.applicant_name,
        rater_phone=case.phone,
        case=case,
    )


def _link_invitation_id(token: str) -> int:
    invitation_id = links.unsign_invitation(token)
    if invitation_id is None:
        raise FeedbackError.LINK_FORGED(_("评价链接无效:链接不完整或已被篡改。"))
    return invitation_id


def _usable(invitation: Invitation | None, now: dt.datetime | None = None) -> Invitation:
    if invitation is None:
        raise FeedbackError.LINK_UNKNOWN(_("评价链接无效:邀评记录不存在。"))
    if invitation.used_at is not None:
        raise FeedbackError.ALREADY_RATED(_("该服务已评价,每次服务只能评价一次。"))
    if invitation.is_expired(now):
        raise FeedbackError.LINK_EXPIRED(_("评价链接已过期,请通过12345热线评价。"))
    if now is not None and now < invitation.created_at:
        raise FeedbackError.RATED_BEFORE_SERVICE(
            _("评价时间早于服务结束时间。"), detail={"at": now.isoformat()}
        )
    return invitation


def resolve_link(token: str, *, now: dt.datetime | None = None) -> Invitation:
    """The invitation behind a rating link, or a clear refusal (forged, unknown, used, expired)."""
    invitation = (
        Invitation.objects.select_related("department", "window", "staff__user")
        .filter(pk=_link_invitation_id(token))
        .first()
    )
    return _usable(invitation, now)


def _refuse_own_service(actor: Any, department_id: int, staff: StaffProfile | None) -> None:
    """Nobody rates their own service, nor their own unit's."""
    if not getattr(actor, "is_authenticated", False):
        return
    if staff is not None and staff.user_id == actor.pk:
        raise FeedbackError.OWN_SERVICE(_("不能评价本人提供的服务。"))
    profile = StaffProfile.objects.filter(user=actor, active=True).first()
    if profile is not None and profile.department_id == department_id:
        raise FeedbackError.OWN_SERVICE(_("工作人员不能评价本单位提供的服务。"))


def _check_aspects(center_id: int, aspects: Iterable[str]) -> list[str]:
    allowed = feedback_settings(center_id=center_id).aspects
    chosen = list(dict.fromkeys(a.strip() for a in aspects if a and a.strip()))
    unknown = [a for a in chosen if a not in allowed]
    if unknown:
        raise FeedbackError.ASPECT_UNKNOWN(
            _("分项评价“%(a)s”不在本中心的分项列表中。") % {"a": "、".join(unknown)},
            detail={"aspects": unknown},
        )
    return chosen


def rating_payload(evaluation: Evaluation) -> dict[str, Any]:
    """The outbox payload of a rating (docs/feedback.md)."""
    return {
        "rating_id": evaluation.pk,
        "level": evaluation.level,
        "channel": evaluation.channel,
        "department_code": evaluation.department.code,
        "department_name": evaluation.department.name,
        "window_number": evaluation.window.number if evaluation.window_id else "",
        "staff_number": evaluation.staff.staff_number if evaluation.staff_id else "",
        "case_number": evaluation.case.number if evaluation.case_id else "",
        "ticket_number": evaluation.ticket.number if evaluation.ticket_id else "",
        "rated_at": evaluation.rated_at.isoformat(),
        "is_bad": evaluation.is_bad,
        "excluded": evaluation.excluded,
    }


def rating_outbox(evaluation: Evaluation, kind: str) -> dict[str, Any]:
    """The outbox row of a change to a rating: its stream, kind (``rating.<kind>``) and payload."""
    return {
        "stream": f"rating:{evaluation.pk}",
        "kind": f"rating.{kind}",
        "payload": rating_payload(evaluation),
    }


def _record_evaluation(
    *,
    center_id: int,
    level: int,
    channel: str,
    department: Department,
    window: Window | None,
    staff: StaffProfile | None,
    invitation: Invitation | None = None,
    ticket: Any = None,
    case: Any = None,
    aspects: Sequence[str] = (),
    comment: str = "",
    rater_name: str = "",
    rater_phone: str = "",
    external_ref: str = "",
    rated_at: dt.datetime | None = None,
    actor: Any = None,
) -> Evaluation:
    """Write one rating with its event, its rectification (if bad) and its outbox row."""
    if level not in Level.values:
        raise FeedbackError.LEVEL_INVALID(_("评价等级应为1至5。"), detail={"level": level})
    if channel not in Channel.values:
        raise FeedbackError.CHANNEL_INVALID(_("评价渠道无效。"), detail={"channel": channel})
    if ticket is not None and Evaluation.objects.filter(ticket=ticket).exists():
        raise FeedbackError.ALREADY_RATED(_("该服务已评价,每次服务只能评价一次。"))
    if case is not None and Evaluation.objects.filter(case=case).exists():
        raise FeedbackError.ALREADY_RATED(_("该办件已评价,每件事只能评价一次。"))
    evaluation = Evaluation(
        center_id=center_id,
        level=level,
        channel=channel,
        invitation=invitation,
        department=department,
        window=window,
        staff=staff,
        ticket=ticket,
        case=case,
        aspects=_check_aspects(center_id, aspects),
        comment=(comment or "").strip(),
        rater_name=(rater_name or "").strip(),
        rater_phone=_clean_phone(rater_phone),
        external_ref=(external_ref or "").strip(),
        rated_at=rated_at or timezone.now(),
    )
    _full_clean(evaluation, validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            evaluation.save()
    except IntegrityError as exc:
        raise FeedbackError.ALREADY_RATED(_("该服务已评价,每次服务只能评价一次。")) from exc
    if invitation is not None:
        invitation.used_at = evaluation.rated_at
        invitation.save(update_fields=["used_at"])
    else:
        _use_pending_invitations(evaluation)
    _evaluation_event(evaluation, EvaluationEvent.Kind.CREATED, actor, level=level, channel=channel)
    if evaluation.is_bad:
        _open_rectification(evaluation)
    emit_outbox(center=center_id, **rating_outbox(evaluation, "created"))
    return evaluation


def _use_pending_invitations(evaluation: Evaluation) -> None:
    """A rating that came another way (12345) uses up the service's pending invitation."""
    services = models.Q()
    if evaluation.ticket_id:
        services |= models.Q(ticket_id=evaluation.ticket_id)
    if evaluation.case_id:
        services |= models.Q(case_id=evaluation.case_id)
    if services:
        Invitation.objects.filter(services, used_at__isnull=True).update(
            used_at=evaluation.rated_at
        )


def new_rectification(evaluation: Evaluation, due: WorkdayResult) -> Rectification:
    """The rectification (unsaved) a bad `evaluation` opens, due by `due`."""
    return Rectification(
        center_id=evaluation.center_id,
        evaluation=evaluation,
        department_id=evaluation.department_id,
        opened_at=evaluation.rated_at,
        deadline=due.date,
        deadline_provisional=due.provisional,
    )


def _open_rectification(evaluation: Evaluation) -> Rectification:
    conf = feedback_settings(center_id=evaluation.center_id)
    due = add_workdays(timezone.localdate(evaluation.rated_at), conf.rectification_days)
    rectification = new_rectification(evaluation, due)
    rectification.save()
    _rectification_event(
        rectification,
        RectificationEvent.Kind.OPENED,
        None,
        evaluation.rated_at,
        deadline=str(due.date),
    )
    return rectification


def _through(invitation: Invitation, rater_name: str = "", rater_phone: str = "") -> dict[str, Any]:
    """The `_record_evaluation` arguments of a rating through `invitation`: the service it
    invited to rate, and the rater (as given, else as the invitation names them)."""
    return {
        "center_id": invitation.center_id,
        "department": invitation.department,
        "window": invitation.window,
        "staff": invitation.staff,
        "invitation": invitation,
        "ticket": invitation.ticket,
        "case": invitation.case,
        "rater_name": rater_name or invitation.rater_name,
        "rater_phone": rater_phone or invitation.rater_phone,
    }


def rate_with_link(
    *,
    token: str,
    level: int,
    channel: str = Channel.WEB,
    aspects: Sequence[str] = (),
    comment: str = "",
    rater_name: str = "",
    rater_phone: str = "",
    actor: Any = None,
    at: dt.datetime | None = None,
) -> Evaluation:
    """A person rates through the signed link (QR code, web or SMS), now or at `at` when a
    rating given earlier is recorded; the link must have been valid then."""
    if channel not in (Channel.QR, Channel.WEB, Channel.SMS):
        raise FeedbackError.CHANNEL_INVALID(_("评价渠道无效。"), detail={"channel": channel})
    with transaction.atomic():
        # Checked under the row lock, so a concurrent use of the same link is refused here.
        invitation = _usable(_locked(Invitation, _link_invitation_id(token), required=False), at)
        _refuse_own_service(actor, invitation.department_id, invitation.staff)
        anonymous = not ((rater_phone or "").strip() or invitation.rater_phone)
        if level in BAD_LEVELS and anonymous and not (comment or "").strip():
            # Nobody to call back: the comment is all the unit has to verify and rectify.
            raise FeedbackError.COMMENT_REQUIRED(
                _("不满意的匿名评价请填写意见建议,以便核实整改。"),
                detail={"comment": level},
            )
        return _record_evaluation(
            level=level,
            channel=channel,
            aspects=aspects,
            comment=comment,
            actor=actor,
            rated_at=at,
            **_through(invitation, rater_name=rater_name, rater_phone=rater_phone),
        )


def rate_on_pad(*, pad: RatingPad, invitation_id: int, level: int, actor: Any = None) -> Evaluation:
    """One tap on the window's pad rates the service the window has just finished."""
    with transaction.atomic():
        pending = pad_pending_invitation(pad)
        if pending is None or pending.pk != invitation_id:
            # The pad showed a service that is no longer the window's current one.
            raise FeedbackError.NOT_PENDING(_("该次服务的评价已结束,评价器已更新为当前服务。"))
        invitation = _locked(Invitation, pending.pk)
        if invitation.used_at is not None:
            raise FeedbackError.ALREADY_RATED(_("该服务已评价,每次服务只能评价一次。"))
        _refuse_own_service(actor, invitation.department_id, invitation.staff)
        return _record_evaluation(
            level=level, channel=Channel.PAD, actor=actor, **_through(invitation)
        )


def _evaluation_event(evaluation: Evaluation, kind: str, actor: Any, **details: Any) -> None:
    add_event(EvaluationEvent, evaluation, kind, actor, details=details)


def file_appeal(*, evaluation: Evaluation, reason: str, evidence: Any = None, actor: Any) -> Appeal:
    """The department that was rated asks the centre to review a rating (申诉复核)."""
    require_over(actor, "feedback.appeal_evaluation", evaluation)
    with transaction.atomic():
        evaluation = _locked(Evaluation, evaluation.pk)
        if evaluation.excluded:
            raise FeedbackError.EVALUATION_EXCLUDED(_("该评价已核销,无需申诉。"))
        if Appeal.objects.filter(evaluation=evaluation).exists():
            raise FeedbackError.APPEAL_EXISTS(_("该评价已提出过申诉,每条评价只能申诉一次。"))
        appeal = Appeal(
            center_id=evaluation.center_id,
            evaluation=evaluation,
            department_id=evaluation.department_id,
            reason=(reason or "").strip(),
            filed_by=actor,
        )
        if evidence:
            appeal.evidence = evidence
        _full_clean(appeal, exclude=["evaluation"])
        appeal.save()
        _evaluation_event(evaluation, EvaluationEvent.Kind.APPEAL_FILED, actor, appeal=appeal.pk)
        return appeal


def decide_appeal(*, appeal: Appeal, upheld: bool, note: str = "", actor: Any) -> Appeal:
    """The centre decides; an upheld appeal takes the rating out of the figures (never deletes)."""
    require_over(actor, "feedback.decide_appeal", appeal)
    with transaction.atomic():
        appeal = _locked(Appeal, appeal.pk)
        if appeal.status != Appeal.Status.PENDING:
            raise FeedbackError.APPEAL_DECIDED(_("该申诉已复核。"))
        evaluation = _locked(Evaluation, appeal.evaluation_id)
        appeal.status = Appeal.Status.UPHELD if upheld else Appeal.Status.REJECTED
        appeal.decided_by = actor
        appeal.decided_at = timezone.now()
        appeal.decision_note = (note or "").strip()
        appeal.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        kind = (
            EvaluationEvent.Kind.APPEAL_UPHELD if upheld else EvaluationEvent.Kind.APPEAL_REJECTED
        )
        _evaluation_event(evaluation, kind, actor, appeal=appeal.pk, note=appeal.decision_note)
        if upheld:
            evaluation.excluded = True
            evaluation.save(update_fields=["excluded"])
            rectification = Rectification.objects.filter(evaluation=evaluation).first()
            if rectification is not None and rectification.is_open:
                rectification = _locked(Rectification, rectification.pk)
                rectification.status = Rectification.Status.VOID
                rectification.save(update_fields=["status"])
                _rectification_event(rectification, RectificationEvent.Kind.VOIDED, actor)
        emit_outbox(
            center=evaluation.center_id,
            **rating_outbox(evaluation, "appeal_upheld" if upheld else "appeal_rejected"),
        )
        return appeal
