"""Every write of the feedback app: one function per business action, each one transaction.

Ratings (一次一评 / 一事一评) are recorded through `rate_with_link`, `rate_on_pad` and the 12345
import; each writes its event row and its outbox row in the same transaction and, when bad,
opens its rectification there too.
"""

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.cases.models import Case
from govhall.catalog.models import ServiceItem
from govhall.core.errors import (
    Conflict,
    DomainError,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
)
from govhall.core.models import Center, SecurityEvent
from govhall.core.services import emit_outbox, record_security_event
from govhall.core.validators import normalize_phone, validate_phone
from govhall.core.workdays import add_workdays
from govhall.feedback import hotline, links
from govhall.feedback.models import (
    BAD_LEVELS,
    Appeal,
    AssistRecord,
    Channel,
    Complaint,
    ComplaintEvent,
    Evaluation,
    EvaluationEvent,
    Invitation,
    Level,
    RatingPad,
    Rectification,
    RectificationEvent,
)
from govhall.feedback.selectors import feedback_settings, pad_pending_invitation, pairable_windows
from govhall.org.models import Department, StaffProfile, Window
from govhall.queueing.models import Ticket

PAIRING_CODE_MINUTES = 5
PAIRING_MAX_FAILURES = 5
PAIRING_MAX_FAILURES_ALL = 50
PAIRING_LOCK_SECONDS = 15 * 60


M = TypeVar("M", bound=models.Model)


def _locked(model: type[M], pk: int, *, required: bool = True) -> M | None:
    """The row `pk` of `model`, locked for this transaction (the one lock helper, by pk).

    A missing row is NotFound, or None when not `required`.
    """
    row = model._default_manager.select_for_update().filter(pk=pk).order_by("pk").first()
    if row is None and required:
        raise NotFound(_("记录不存在。"))
    return row


def _full_clean(obj: models.Model, **kwargs: Any) -> None:
    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        raise ValidationFailed(
            _("输入有误:%(msg)s") % {"msg": "; ".join(exc.messages)},
            detail=getattr(exc, "message_dict", exc.messages),
        ) from exc


def _clean_phone(phone: str) -> str:
    phone = normalize_phone(phone)
    if phone:
        try:
            validate_phone(phone)
        except ValidationError as exc:
            raise ValidationFailed(
                _("电话号码格式不正确。"), detail={"phone": exc.messages}
            ) from exc
    return phone


# ---------------------------------------------------------------- invitations and ratings


def _create_invitation(
    *,
    center_id: int,
    source: str,
    department_id: int,
    window: Window | None,
    staff: StaffProfile | None,
    actor: Any,
    rater_name: str = "",
    rater_phone: str = "",
    ticket: Any = None,
    case: Any = None,
) -> Invitation:
    """Record that the window invited a rating of one service; runs in the caller's transaction.

    The channel is the pad when the window has a paired pad, else the QR code on the ticket or
    receipt (SMS when the case has a phone number to send the link to).
    """
    conf = feedback_settings(center_id)
    now = timezone.now()
    has_pad = (
        window is not None
        and RatingPad.objects.filter(window=window, is_active=True).exclude(token_hash="").exists()
    )
    if has_pad and source == Invitation.Source.TICKET:
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
        invited_by=actor if getattr(actor, "is_authenticated", False) else None,
        rater_name=rater_name[:50],
        rater_phone=rater_phone[:20],
        created_at=now,
        expires_at=now + dt.timedelta(days=conf.invitation_valid_days),
        ticket=ticket,
        case=case,
    )
    invitation.save()
    return invitation


def invite_for_ticket(*, ticket: Any, actor: Any) -> Invitation | None:
    """Hook of `queueing.finish_ticket`: a served ticket invites a rating (none if not served).

    The department is the one the ticket was served for; a ticket with no department known
    (no unit on the ticket, its staff member or its item) cannot be attributed and is not invited.
    """
    if ticket.state != Ticket.State.DONE:
        return None
    existing = Invitation.objects.filter(ticket=ticket).first()
    if existing is not None:
        return existing
    staff = ticket.staff
    department_id = (
        ticket.department_id
        or (staff.department_id if staff is not None else None)
        or (ticket.item.department_id if ticket.item_id else None)
    )
    if department_id is None:
        return None
    return _create_invitation(
        center_id=ticket.center_id,
        source=Invitation.Source.TICKET,
        department_id=department_id,
        window=ticket.window,
        staff=staff,
        actor=actor,
        rater_phone=ticket.phone,
        ticket=ticket,
    )


def invite_for_case(*, case: Any, actor: Any) -> Invitation:
    """Hook of `cases.complete_case`: a completed case invites its rating (一事一评)."""
    existing = Invitation.objects.filter(case=case).first()
    if existing is not None:
        return existing
    staff = (
        StaffProfile.objects.filter(user_id=case.accepted_by_id).first()
        if case.accepted_by_id
        else None
    )
    return _create_invitation(
        center_id=case.center_id,
        source=Invitation.Source.CASE,
        department_id=case.department_id,
        window=case.window,
        staff=staff,
        actor=actor,
        rater_name=case.applicant_name,
        rater_phone=case.phone,
        case=case,
    )


def _link_invitation_id(token: str) -> int:
    invitation_id = links.unsign_invitation(token)
    if invitation_id is None:
        raise PermissionDenied(_("评价链接无效:链接不完整或已被篡改。"), code="link_forged")
    return invitation_id


def _usable(invitation: Invitation | None, now: dt.datetime | None = None) -> Invitation:
    if invitation is None:
        raise NotFound(_("评价链接无效:邀评记录不存在。"), code="link_unknown")
    if invitation.used_at is not None:
        raise Conflict(_("该服务已评价,每次服务只能评价一次。"), code="already_rated")
    if invitation.is_expired(now):
        raise InvalidTransition(_("评价链接已过期,请通过12345热线评价。"), code="link_expired")
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
        raise PermissionDenied(_("不能评价本人提供的服务。"), code="own_service")
    profile = StaffProfile.objects.filter(user=actor, active=True).first()
    if profile is not None and profile.department_id == department_id:
        raise PermissionDenied(_("工作人员不能评价本单位提供的服务。"), code="own_service")


def _check_aspects(center_id: int, aspects: Iterable[str]) -> list[str]:
    allowed = feedback_settings(center_id).aspects
    chosen = list(dict.fromkeys(a.strip() for a in aspects if a and a.strip()))
    unknown = [a for a in chosen if a not in allowed]
    if unknown:
        raise ValidationFailed(
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
        raise ValidationFailed(_("评价等级应为1至5。"), detail={"level": level})
    if channel not in Channel.values:
        raise ValidationFailed(_("评价渠道无效。"), detail={"channel": channel})
    if ticket is not None and Evaluation.objects.filter(ticket=ticket).exists():
        raise Conflict(_("该服务已评价,每次服务只能评价一次。"), code="already_rated")
    if case is not None and Evaluation.objects.filter(case=case).exists():
        raise Conflict(_("该办件已评价,每件事只能评价一次。"), code="already_rated")
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
        raise Conflict(_("该服务已评价,每次服务只能评价一次。"), code="already_rated") from exc
    if invitation is not None:
        invitation.used_at = evaluation.rated_at
        invitation.save(update_fields=["used_at"])
    else:
        _use_pending_invitations(evaluation)
    EvaluationEvent.objects.create(
        center_id=center_id,
        evaluation=evaluation,
        kind=EvaluationEvent.Kind.CREATED,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        details={"level": level, "channel": channel},
    )
    if evaluation.is_bad:
        _open_rectification(evaluation)
    emit_outbox(
        center=center_id,
        stream=f"rating:{evaluation.pk}",
        kind="rating.created",
        payload=rating_payload(evaluation),
    )
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


def _open_rectification(evaluation: Evaluation) -> Rectification:
    conf = feedback_settings(evaluation.center_id)
    due = add_workdays(timezone.localdate(evaluation.rated_at), conf.rectification_days)
    rectification = Rectification.objects.create(
        center_id=evaluation.center_id,
        evaluation=evaluation,
        department=evaluation.department,
        opened_at=evaluation.rated_at,
        deadline=due.date,
        deadline_provisional=due.provisional,
    )
    _rectification_event(
        rectification, RectificationEvent.Kind.OPENED, None, deadline=str(due.date)
    )
    return rectification


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
) -> Evaluation:
    """A person rates through the signed link (QR code, web or SMS)."""
    if channel not in (Channel.QR, Channel.WEB, Channel.SMS):
        raise ValidationFailed(_("评价渠道无效。"), detail={"channel": channel})
    with transaction.atomic():
        # Checked under the row lock, so a concurrent use of the same link is refused here.
        invitation = _usable(_locked(Invitation, _link_invitation_id(token), required=False))
        _refuse_own_service(actor, invitation.department_id, invitation.staff)
        anonymous = not ((rater_phone or "").strip() or invitation.rater_phone)
        if level in BAD_LEVELS and anonymous and not (comment or "").strip():
            # Nobody to call back: the comment is all the unit has to verify and rectify.
            raise ValidationFailed(
                _("不满意的匿名评价请填写意见建议,以便核实整改。"),
                code="comment_required",
                detail={"comment": level},
            )
        return _record_evaluation(
            center_id=invitation.center_id,
            level=level,
            channel=channel,
            department=invitation.department,
            window=invitation.window,
            staff=invitation.staff,
            invitation=invitation,
            ticket=invitation.ticket,
            case=invitation.case,
            aspects=aspects,
            comment=comment,
            rater_name=rater_name or invitation.rater_name,
            rater_phone=rater_phone or invitation.rater_phone,
            actor=actor,
        )


def rate_on_pad(*, pad: RatingPad, invitation_id: int, level: int, actor: Any = None) -> Evaluation:
    """One tap on the window's pad rates the service the window has just finished."""
    with transaction.atomic():
        pending = pad_pending_invitation(pad)
        if pending is None or pending.pk != invitation_id:
            # The pad showed a service that is no longer the window's current one.
            raise Conflict(_("该次服务的评价已结束,评价器已更新为当前服务。"), code="not_pending")
        invitation = _locked(Invitation, pending.pk)
        if invitation.used_at is not None:
            raise Conflict(_("该服务已评价,每次服务只能评价一次。"), code="already_rated")
        _refuse_own_service(actor, invitation.department_id, invitation.staff)
        return _record_evaluation(
            center_id=invitation.center_id,
            level=level,
            channel=Channel.PAD,
            department=invitation.department,
            window=invitation.window,
            staff=invitation.staff,
            invitation=invitation,
            ticket=invitation.ticket,
            case=invitation.case,
            rater_name=invitation.rater_name,
            rater_phone=invitation.rater_phone,
            actor=actor,
        )


# ---------------------------------------------------------------- appeals


def _evaluation_event(evaluation: Evaluation, kind: str, actor: Any, **details: Any) -> None:
    EvaluationEvent.objects.create(
        center_id=evaluation.center_id,
        evaluation=evaluation,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        details=details,
    )


def file_appeal(*, evaluation: Evaluation, reason: str, evidence: Any = None, actor: Any) -> Appeal:
    """The department that was rated asks the centre to review a rating (申诉复核)."""
    with transaction.atomic():
        evaluation = _locked(Evaluation, evaluation.pk)
        if evaluation.excluded:
            raise InvalidTransition(_("该评价已核销,无需申诉。"))
        if Appeal.objects.filter(evaluation=evaluation).exists():
            raise Conflict(_("该评价已提出过申诉,每条评价只能申诉一次。"))
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
    with transaction.atomic():
        appeal = _locked(Appeal, appeal.pk)
        if appeal.status != Appeal.Status.PENDING:
            raise InvalidTransition(_("该申诉已复核。"))
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
            stream=f"rating:{evaluation.pk}",
            kind="rating.appeal_upheld" if upheld else "rating.appeal_rejected",
            payload=rating_payload(evaluation),
        )
        return appeal


# ---------------------------------------------------------------- rectifications


def _rectification_event(
    rectification: Rectification, kind: str, actor: Any, **details: Any
) -> None:
    RectificationEvent.objects.create(
        center_id=rectification.center_id,
        rectification=rectification,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        details=details,
    )


def _step(
    rectification: Rectification, expected: Sequence[str], target: str, verb: str
) -> Rectification:
    row = _locked(Rectification, rectification.pk)
    if row.status not in expected:
        raise InvalidTransition(
            _("整改当前为“%(s)s”,不能%(v)s。") % {"s": row.get_status_display(), "v": verb}
        )
    row.status = target
    return row


def verify_rectification(
    *, rectification: Rectification, valid: bool, reason: str, evidence: Any = None, actor: Any
) -> Rectification:
    """核实: the serving department says whether the bad rating is borne out, and why."""
    if not (reason or "").strip():
        raise ValidationFailed(_("请填写核实情况。"), detail={"reason": ["required"]})
    with transaction.atomic():
        row = _step(
            rectification, [Rectification.Status.OPEN], Rectification.Status.VERIFIED, _("核实")
        )
        row.valid = valid
        row.verify_reason = reason.strip()
        if evidence:
            row.evidence = evidence
        _full_clean(row, validate_unique=False)
        row.save()
        _rectification_event(row, RectificationEvent.Kind.VERIFIED, actor, valid=valid)
        return row


def rectify(
    *,
    rectification: Rectification,
    measures: str,
    kind: str,
    rectify_by: dt.date | None = None,
    actor: Any,
) -> Rectification:
    """整改 in one of three ways (国办发〔2019〕51号): 立行立改 (clear and reasonable: fixed at
    once), 限期整改 (complex: a ledger entry with its own deadline `rectify_by`), 解释说明 (no
    legal basis for what was asked, or the rating was not borne out: the explanation given)."""
    Kind = Rectification.Kind
    if not (measures or "").strip():
        raise ValidationFailed(_("请填写整改措施或解释说明。"), detail={"measures": ["required"]})
    if kind not in Kind.values:
        raise ValidationFailed(_("请选择整改方式。"), detail={"kind": ["required"]})
    if kind == Kind.DEADLINE and (rectify_by is None or rectify_by < timezone.localdate()):
        raise ValidationFailed(
            _("限期整改须填写不早于今天的整改期限。"), detail={"rectify_by": ["required"]}
        )
    with transaction.atomic():
        row = _step(
            rectification,
            [Rectification.Status.VERIFIED],
            Rectification.Status.RECTIFIED,
            _("整改"),
        )
        if row.valid is False and kind != Kind.EXPLANATION:
            raise ValidationFailed(
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
) -> Rectification:
    """回访: the person was called back (reached or not) and rated the rectification.

    A rating without a phone (not real-name) cannot have been reached by a callback.
    """
    if reached and satisfaction not in Rectification.Satisfaction.values:
        raise ValidationFailed(_("联系上评价人时请选择其对整改的满意度。"))
    if not reached:
        satisfaction = ""
    with transaction.atomic():
        row = _step(
            rectification,
            [Rectification.Status.RECTIFIED],
            Rectification.Status.CALLED_BACK,
            _("回访"),
        )
        if reached and not Evaluation.objects.get(pk=row.evaluation_id).rater_phone:
            raise ValidationFailed(
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
            reached=reached,
            satisfaction=satisfaction,
        )
        return row


def close_rectification(*, rectification: Rectification, actor: Any) -> Rectification:
    """办结: the rectification is done; on time when closed by its deadline."""
    with transaction.atomic():
        row = _step(
            rectification,
            [Rectification.Status.CALLED_BACK],
            Rectification.Status.CLOSED,
            _("办结"),
        )
        row.closed_at = timezone.now()
        row.save(update_fields=["status", "closed_at"])
        _rectification_event(
            row, RectificationEvent.Kind.CLOSED, actor, on_time=not row.is_overdue()
        )
        evaluation = Evaluation.objects.select_related(
            "department", "window", "staff", "ticket", "case"
        ).get(pk=row.evaluation_id)
        payload = rating_payload(evaluation) | {
            "rectification": {
                "valid": row.valid,
                "callback_reached": row.callback_reached,
                "callback_satisfaction": row.callback_satisfaction,
                "deadline": row.deadline.isoformat(),
                "closed_at": row.closed_at.isoformat(),
            }
        }
        emit_outbox(
            center=row.center_id,
            stream=f"rating:{evaluation.pk}",
            kind="rating.rectified",
            payload=payload,
        )
        return row


# ---------------------------------------------------------------- complaints


def _complaint_event(complaint: Complaint, kind: str, actor: Any, **details: Any) -> None:
    ComplaintEvent.objects.create(
        center_id=complaint.center_id,
        complaint=complaint,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        details=details,
    )


def _complaint_department(
    *,
    department: Department | None,
    window: Window | None,
    staff: StaffProfile | None,
    item: Any,
) -> Department | None:
    """The unit a complaint is about: named, or the one its staff member or item belongs to."""
    implied = {
        d
        for d in (
            staff.department if staff is not None else None,
            item.department if item is not None else None,
        )
        if d is not None
    }
    if department is not None:
        if any(d.pk != department.pk for d in implied):
            raise ValidationFailed(_("所涉人员或事项不属于所选部门。"))
        return department
    if len(implied) > 1:
        raise ValidationFailed(_("所涉人员与事项不属于同一部门,请选择部门。"))
    if implied:
        return implied.pop()
    if window is not None:
        departments = list(window.departments.all()[:2])
        if len(departments) == 1:
            return departments[0]
    return None


def create_complaint(
    *,
    center: Center,
    channel: str,
    content: str,
    complainant_name: str = "",
    complainant_phone: str = "",
    department: Department | None = None,
    window: Window | None = None,
    staff: StaffProfile | None = None,
    item: Any = None,
    external_ref: str = "",
    received_at: dt.datetime | None = None,
    actor: Any = None,
) -> Complaint:
    """Receive a complaint (办不成事反映 / 投诉) with its deadline in working days."""
    for obj in (department, window, staff, item):
        if obj is not None and obj.center_id != center.pk:
            raise ValidationFailed(_("所涉部门、窗口、人员或事项不属于本中心。"))
    department = _complaint_department(department=department, window=window, staff=staff, item=item)
    received_at = received_at or timezone.now()
    due = add_workdays(timezone.localdate(received_at), feedback_settings(center.pk).complaint_days)
    with transaction.atomic():
        complaint = Complaint(
            center=center,
            number=uuid.uuid4().hex,
            channel=channel,
            received_at=received_at,
            complainant_name=(complainant_name or "").strip(),
            complainant_phone=_clean_phone(complainant_phone),
            content=(content or "").strip(),
            department=department,
            window=window,
            staff=staff,
            item=item,
            external_ref=(external_ref or "").strip(),
            deadline=due.date,
            deadline_provisional=due.provisional,
        )
        _full_clean(complaint, validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                complaint.save()
        except IntegrityError as exc:
            raise Conflict(_("该12345工单已导入。")) from exc
        complaint.number = f"TS{timezone.localdate(received_at):%Y%m%d}{complaint.pk:06d}"
        complaint.save(update_fields=["number"])
        _complaint_event(complaint, ComplaintEvent.Kind.RECEIVED, actor, channel=channel)
        return complaint


def _complaint_step(complaint: Complaint, expected: Sequence[str], verb: str) -> Complaint:
    row = _locked(Complaint, complaint.pk)
    if row.status not in expected:
        raise InvalidTransition(
            _("投诉当前为“%(s)s”,不能%(v)s。") % {"s": row.get_status_display(), "v": verb}
        )
    return row


def assign_complaint(*, complaint: Complaint, assignee: Any, actor: Any) -> Complaint:
    """分派: a person in the unit (or the centre) answers for the complaint."""
    if assignee is None or assignee.center_id != complaint.center_id:
        raise ValidationFailed(_("承办人不属于本中心。"))
    with transaction.atomic():
        row = _complaint_step(
            complaint, [Complaint.Status.OPEN, Complaint.Status.ASSIGNED], _("分派")
        )
        row.assignee = assignee
        row.status = Complaint.Status.ASSIGNED
        row.save(update_fields=["assignee", "status"])
        _complaint_event(row, ComplaintEvent.Kind.ASSIGNED, actor, assignee=assignee.pk)
        return row


def resolve_complaint(
    *,
    complaint: Complaint,
    valid: bool,
    resolution: str,
    deduction: decimal.Decimal | int | str = 0,
    actor: Any,
) -> Complaint:
    """答复: the verdict (valid or not), what was done, and the ranking deduction if valid."""
    if not (resolution or "").strip():
        raise ValidationFailed(_("请填写办理结果。"), detail={"resolution": ["required"]})
    try:
        points = decimal.Decimal(str(deduction or 0))
    except decimal.InvalidOperation as exc:
        raise ValidationFailed(_("扣分应为数字。")) from exc
    if points < 0:
        raise ValidationFailed(_("扣分不能为负数。"))
    if points and not valid:
        raise ValidationFailed(_("只有属实的投诉才能扣分。"))
    with transaction.atomic():
        row = _complaint_step(complaint, [Complaint.Status.ASSIGNED], _("答复"))
        row.valid = valid
        row.resolution = resolution.strip()
        row.deduction = points
        row.status = Complaint.Status.RESOLVED
        row.resolved_at = timezone.now()
        _full_clean(row, validate_unique=False)
        row.save()
        _complaint_event(
            row, ComplaintEvent.Kind.RESOLVED, actor, valid=valid, deduction=str(points)
        )
        return row


def callback_complaint(
    *, complaint: Complaint, reached: bool, satisfaction: str = "", actor: Any
) -> Complaint:
    """回访 of the person who complained."""
    if reached and satisfaction not in Complaint.Satisfaction.values:
        raise ValidationFailed(_("联系上反映人时请选择其满意度。"))
    with transaction.atomic():
        row = _complaint_step(complaint, [Complaint.Status.RESOLVED], _("回访"))
        row.callback_reached = reached
        row.satisfaction = satisfaction if reached else ""
        row.save(update_fields=["callback_reached", "satisfaction"])
        _complaint_event(
            row, ComplaintEvent.Kind.CALLED_BACK, actor, reached=reached, satisfaction=satisfaction
        )
        return row


def close_complaint(*, complaint: Complaint, actor: Any) -> Complaint:
    with transaction.atomic():
        row = _complaint_step(complaint, [Complaint.Status.RESOLVED], _("办结"))
        if row.callback_reached is None and row.complainant_phone:
            raise InvalidTransition(_("请先回访反映人再办结。"))
        row.status = Complaint.Status.CLOSED
        row.closed_at = timezone.now()
        row.save(update_fields=["status", "closed_at"])
        _complaint_event(row, ComplaintEvent.Kind.CLOSED, actor)
        return row


# ---------------------------------------------------------------- assisted services


def record_assist(
    *,
    center: Center,
    kind: str,
    department: Department,
    date: dt.date,
    count: int = 1,
    households: int = 0,
    quantity: int = 0,
    unit: str = "",
    saving: decimal.Decimal = decimal.Decimal("0"),
    staff: StaffProfile | None = None,
    beneficiary: str = "",
    notes: str = "",
    actor: Any = None,
) -> AssistRecord:
    """Record help given beyond the counter (帮办代办): how many times, for how many households,
    what quantity (e.g. seals) and the money it saved; each bounded (model validators and
    database checks: the sums feed the ranking)."""
    if department.center_id != center.pk or (staff is not None and staff.center_id != center.pk):
        raise ValidationFailed(_("部门或工作人员不属于本中心。"))
    if staff is not None and staff.department_id not in (None, department.pk):
        raise ValidationFailed(_("工作人员不属于所选部门。"))
    with transaction.atomic():
        record = AssistRecord(
            center=center,
            kind=kind,
            department=department,
            staff=staff,
            date=date,
            count=count,
            households=households,
            quantity=quantity,
            unit=(unit or "").strip(),
            saving=saving,
            beneficiary=(beneficiary or "").strip(),
            notes=(notes or "").strip(),
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        _full_clean(record)
        record.save()
        return record


# ---------------------------------------------------------------- 12345 import


class _Lookup:
    """Departments, windows, staff, cases and items of one centre, by the names a file uses."""

    def __init__(self, center: Center) -> None:
        self.center = center
        self.departments: dict[str, Department] = {}
        for d in Department.objects.filter(center=center):
            for name in (d.name, d.short_name, d.code):
                if name:
                    self.departments.setdefault(name, d)
        self.windows = {w.number: w for w in Window.objects.filter(center=center)}
        self.staff = {
            s.staff_number: s
            for s in StaffProfile.objects.filter(center=center).select_related("department")
        }

    def get(self, table: dict[str, Any], value: Any, label: str) -> Any:
        if value in ("", None):
            return None
        found = table.get(str(value))
        if found is None:
            raise hotline.RowProblem(_("%(label)s“%(v)s”不存在。") % {"label": label, "v": value})
        return found

    def case(self, number: Any) -> Any:
        if number in ("", None):
            return None
        case = Case.objects.filter(center=self.center, number=str(number)).first()
        if case is None:
            raise hotline.RowProblem(_("办件编号“%(v)s”不存在。") % {"v": number})
        return case

    def item(self, code: Any) -> Any:
        if code in ("", None):
            return None
        item = ServiceItem.objects.filter(center=self.center, code=str(code)).first()
        if item is None:
            raise hotline.RowProblem(_("事项编码“%(v)s”不存在。") % {"v": code})
        return item


def _import_rating(lookup: _Lookup, row: dict[str, Any], actor: Any) -> None:
    external_ref = str(row["external_ref"])
    if Evaluation.objects.filter(center=lookup.center, external_ref=external_ref).exists():
        raise hotline.RowProblem(_("工单号“%(v)s”已导入。") % {"v": external_ref})
    department = lookup.get(lookup.departments, row["department"], _("部门"))
    case = lookup.case(row.get("case"))
    if case is not None and case.department_id != department.pk:
        raise hotline.RowProblem(_("办件不属于所填部门。"))
    aspects = str(row.get("aspects") or "").replace(",", "、").replace(",", "、").split("、")
    _record_evaluation(
        center_id=lookup.center.pk,
        level=hotline.parse_level(row["level"]),
        channel=Channel.HOTLINE,
        department=department,
        window=lookup.get(lookup.windows, row.get("window"), _("窗口号")),
        staff=lookup.get(lookup.staff, row.get("staff"), _("工号")),
        case=case,
        aspects=aspects,
        comment=str(row.get("comment") or ""),
        rater_name=str(row.get("name") or ""),
        rater_phone=str(row.get("phone") or ""),
        external_ref=external_ref,
        rated_at=hotline.parse_time(row["at"]),
        actor=actor,
    )


def _import_complaint(lookup: _Lookup, row: dict[str, Any], actor: Any) -> None:
    create_complaint(
        center=lookup.center,
        channel=Complaint.Channel.HOTLINE,
        content=str(row["content"]),
        complainant_name=str(row.get("name") or ""),
        complainant_phone=str(row.get("phone") or ""),
        department=lookup.get(lookup.departments, row.get("department"), _("部门")),
        window=lookup.get(lookup.windows, row.get("window"), _("窗口号")),
        staff=lookup.get(lookup.staff, row.get("staff"), _("工号")),
        item=lookup.item(row.get("item")),
        external_ref=str(row["external_ref"]),
        received_at=hotline.parse_time(row["at"]),
        actor=actor,
    )


def import_hotline(
    *, center: Center, kind: str, filename: str, data: bytes, dry_run: bool, actor: Any
) -> int:
    """Import a 12345 export of ratings or complaints: all rows or none.

    A bad row is named by its number (``第N行``) and nothing is kept; a dry run checks every
    row the same way and then rolls back. Returns the number of rows.
    """
    if kind not in ("ratings", "complaints"):
        raise ValidationFailed(_("数据类型应为评价或投诉。"))
    rows = hotline.read_rows(kind, filename, data)
    write = _import_rating if kind == "ratings" else _import_complaint
    with transaction.atomic():
        lookup = _Lookup(center)
        for number, row in rows:
            try:
                write(lookup, row, actor)
            except (ValueError, DomainError) as exc:
                if isinstance(exc, DomainError):
                    message = exc.message
                elif isinstance(exc, hotline.RowProblem):
                    message = str(exc)
                else:
                    message = _("内容无法识别。")
                raise ValidationFailed(
                    _("第%(n)s行:%(msg)s") % {"n": number, "msg": message},
                    detail={"row": number},
                ) from exc
        if dry_run:
            transaction.set_rollback(True)
    return len(rows)


# ---------------------------------------------------------------- rating pads


def issue_pairing_code(*, window: Window, actor: Any) -> RatingPad:
    """A one-time code, valid a few minutes, that pairs a pad device with `window`.

    Only with the actor's own window (a centre administrator: any window of the centre), so a
    clerk cannot hold a pad at another unit's counter and rate its staff.
    """
    if not pairable_windows(actor).filter(pk=window.pk).exists():
        raise PermissionDenied(_("只能为本人所在的窗口配对评价器。"), code="not_own_window")
    with transaction.atomic():
        now = timezone.now()
        RatingPad.objects.filter(pairing_expires_at__lt=now).exclude(pairing_code="").update(
            pairing_code=""
        )
        code = links.new_pairing_code()
        while RatingPad.objects.filter(pairing_code=code).exists():
            code = links.new_pairing_code()
        return RatingPad.objects.create(
            center_id=window.center_id,
            window=window,
            name=_("%(w)s号窗口评价器") % {"w": window.number},
            pairing_code=code,
            pairing_expires_at=now + dt.timedelta(minutes=PAIRING_CODE_MINUTES),
        )


def _count_failure(key: str) -> None:
    cache.add(key, 0, PAIRING_LOCK_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, PAIRING_LOCK_SECONDS)


def pair_pad(*, code: str, client: str) -> tuple[RatingPad, str]:
    """The device enters the code; it gets a token (kept hashed) and the code is spent.

    Wrong codes are counted per client address (PAIRING_MAX_FAILURES) and over all clients
    (PAIRING_MAX_FAILURES_ALL) for PAIRING_LOCK_SECONDS; past either limit every try is refused
    until the window passes, so codes cannot be guessed.
    """
    mine, everyone = f"govhall:feedback:pair-fail:{client}", "govhall:feedback:pair-fail"
    if (cache.get(mine) or 0) >= PAIRING_MAX_FAILURES or (
        cache.get(everyone) or 0
    ) >= PAIRING_MAX_FAILURES_ALL:
        raise RateLimited(_("配对码输错次数过多,请15分钟后再试。"), code="pairing_locked")
    code = links.normalise_pairing_code(code)
    pad = RatingPad.objects.filter(pairing_code=code, is_active=True).first() if code else None
    if pad is None or pad.pairing_expires_at is None or pad.pairing_expires_at < timezone.now():
        # Counted outside any transaction of ours: the shared cache may be a database table,
        # and a rolled-back count would let guesses go on for ever.
        _count_failure(mine)
        _count_failure(everyone)
        raise ValidationFailed(_("配对码无效或已过期,请在窗口终端重新生成。"), code="bad_code")
    with transaction.atomic():
        pad = _locked(RatingPad, pad.pk)
        if pad.pairing_code != code:
            raise Conflict(_("该配对码刚刚已被使用,请在窗口终端重新生成。"), code="code_spent")
        token, digest = links.new_device_token()
        pad.token_hash = digest
        pad.pairing_code = ""
        pad.pairing_expires_at = None
        pad.paired_at = timezone.now()
        pad.last_seen_at = pad.paired_at
        pad.save()
        return pad, token


def skip_pad_prompt(*, pad: RatingPad, invitation_id: int) -> None:
    """The person at the window declines to rate on the pad: the prompt ends (the link on their
    ticket stays valid). Only the prompt on show can be skipped."""
    with transaction.atomic():
        pending = pad_pending_invitation(pad)
        if pending is None or pending.pk != invitation_id:
            raise Conflict(_("该评价提示已结束。"), code="not_pending")
        RatingPad.objects.filter(pk=pad.pk).update(prompt_cleared_at=timezone.now())


def touch_pad(*, pad: RatingPad) -> None:
    """The pad polled: remember when it was last seen (at most once a minute)."""
    now = timezone.now()
    if pad.last_seen_at is None or now - pad.last_seen_at > dt.timedelta(minutes=1):
        RatingPad.objects.filter(pk=pad.pk).update(last_seen_at=now)


# ---------------------------------------------------------------- personal data


def record_unmasked(*, request: Any, records: Sequence[str]) -> None:
    """One audit row (``unmask``) for the raters' or complainants' phones a page or an API answer
    showed whole to someone who calls back (`selectors.may_see_identity`); nothing when none."""
    if records:
        record_security_event(
            kind=SecurityEvent.Kind.UNMASK,
            request=request,
            target=", ".join(records),
            detail={"records": list(records), "fields": ["name", "phone"]},
        )
