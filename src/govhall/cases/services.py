"""Every write on cases: one function per business action, each in one transaction.

Each action checks its own permission and the actor's department (``actor=None`` is the system:
imports, the demo, scheduled jobs), refuses transitions the case's state does not allow with
`InvalidTransition` (changing nothing), writes a `CaseEvent` and, in the same transaction, an
outbox row ``case.<event>`` for the upstream platform (payload: `outbox_payload`).
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import connections, models, router, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.cases import deadlines
from govhall.cases.hooks import run_case_closed, run_case_completed
from govhall.cases.importing import (
    DEFAULT_MAPPING,
    ImportReport,
    MissingColumns,
    ParsedRow,
    RowChecker,
    RowError,
)
from govhall.cases.importing import (
    MAX_ROWS as MAX_IMPORT_ROWS,
)
from govhall.cases.models import Case, CaseEvent, CaseSequence, CaseSettings, ClockStop
from govhall.cases.selectors import get_case_settings
from govhall.catalog.models import ServiceItem
from govhall.core import tabular
from govhall.core.crypto import EncryptedTextField, KeyedHashField
from govhall.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from govhall.core.models import Center, OutboxEvent, User
from govhall.core.services import emit_outbox, refresh_statistics
from govhall.core.validators import (
    is_valid_id_number,
    is_valid_phone,
    is_valid_uscc,
    normalize_id_number,
    normalize_phone,
)
from govhall.core.workdays import Calendar, load_calendar
from govhall.org.models import Window
from govhall.org.scoping import scope_for
from govhall.queueing.models import Ticket

State = Case.State
EventType = CaseEvent.Type


# --- helpers -------------------------------------------------------------------------------


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


def _lock_cases(qs: QuerySet[Case]) -> list[Case]:
    """The one row-lock helper: lock in primary-key order so two transactions never deadlock."""
    return list(
        qs.select_for_update(of=("self",))
        .select_related("item", "department", "center")
        .order_by("pk")
    )


def _locked_case(case: Case | int) -> Case:
    pk = case if isinstance(case, int) else case.pk
    rows = _lock_cases(Case.objects.filter(pk=pk))
    if not rows:
        raise NotFound(_("办件不存在。"))
    return rows[0]


def _authorize(actor: User | None, perm: str, case: Case) -> None:
    """The actor holds `perm` and may act on the case's department (None: the system)."""
    if actor is None:
        return
    scope = scope_for(actor)
    scope.require(perm)
    scope.check_department(case.department_id, case.center_id)


def _require_state(case: Case, action: str, label: str) -> None:
    if case.state not in Case.ACTION_STATES[action]:
        raise InvalidTransition(
            _("办件 %(number)s 当前状态为“%(state)s”,不能%(action)s。")
            % {"number": case.number, "state": case.get_state_display(), "action": label},
            detail={"state": case.state},
        )


def _record(
    case: Case,
    event_type: str,
    *,
    actor: User | None,
    at: dt.datetime,
    from_state: str,
    details: dict[str, Any] | None = None,
) -> CaseEvent:
    event = CaseEvent.objects.create(
        center_id=case.center_id,
        case=case,
        type=event_type,
        actor=actor,
        at=at,
        from_state=from_state,
        to_state=case.state,
        details=details or {},
    )
    emit_outbox(
        center=case.center_id,
        stream=f"case:{case.number}",
        kind=f"case.{event_type}",
        payload=outbox_payload(case, event),
    )
    return event


def _save(case: Case) -> None:
    try:
        case.full_clean()
    except ValidationError as exc:
        raise ValidationFailed(_("办件信息有误。"), detail=exc.message_dict) from exc
    case.save()


def _stops_of(case: Case) -> list[deadlines.Stop]:
    return [(s.started_on, s.ended_on) for s in case.clock_stops.all().order_by("started_on")]


def _apply_deadline(
    case: Case, *, cal: Calendar, settings: CaseSettings, stops: Sequence[deadlines.Stop]
) -> None:
    """Set due date, provisional flag and yellow start from acceptance, limit and stops."""
    if case.accepted_at is None:
        return
    # art. 32: a submission not answered in time counts from the day it was received
    start_on = case.deemed_accepted_on or timezone.localdate(case.accepted_at)
    limit = case.limit_days + case.extension_days
    deadline = deadlines.compute_due(cal, start_on, limit, stops)
    case.due_date = deadline.due
    case.due_provisional = deadline.provisional
    threshold = deadlines.yellow_threshold(
        limit, on_last_day=settings.yellow_on_last_day, percent=settings.yellow_percent
    )
    case.yellow_from = deadlines.yellow_from(cal, deadline.due, threshold)
    if case.completed_at is not None:
        completed_on = timezone.localdate(case.completed_at)
        case.elapsed_workdays = deadlines.elapsed_workdays(cal, start_on, completed_on, stops)
        case.completed_late = deadline.due is not None and completed_on > deadline.due
        _apply_delivery_due(case, cal, completed_on)


def _apply_delivery_due(case: Case, cal: Calendar, completed_on: dt.date) -> None:
    """行政许可法 art. 44: an approval's certificate is delivered within 10 working days."""
    if case.result not in (Case.Result.APPROVED, Case.Result.REVOKED):
        case.delivery_due = None
        case.delivered_late = False
        return
    due = cal.add_workdays(completed_on, Case.DELIVERY_DAYS)
    case.delivery_due = due.date
    case.due_provisional = case.due_provisional or due.provisional
    case.delivered_late = (
        case.delivered_at is not None and timezone.localdate(case.delivered_at) > due.date
    )


def _refresh_deadline(case: Case) -> None:
    _apply_deadline(
        case,
        cal=load_calendar(),
        settings=get_case_settings(case.center_id),
        stops=_stops_of(case),
    )


def _at(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def _next_numbers(center: Center, day: dt.date, count: int = 1) -> list[str]:
    """`count` fresh case numbers ``<region><yyyymmdd><seq:06>`` for `center` on `day`."""
    CaseSequence.objects.get_or_create(center=center, day=day)
    CaseSequence.objects.filter(center=center, day=day).update(last=F("last") + count)
    last = (CaseSequence.objects.select_for_update().values_list("last", flat=True)).get(
        center=center, day=day
    )
    prefix = f"{center.region_code}{day:%Y%m%d}"
    return [f"{prefix}{seq:06d}" for seq in range(last - count + 1, last + 1)]


def _check_applicant(
    *, applicant_type: str, applicant_name: str, id_number: str, uscc: str, phone: str
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if applicant_type not in Case.ApplicantType.values:
        errors["applicant_type"] = _("申请人类型无效。")
    if not applicant_name.strip():
        errors["applicant_name"] = _("请填写申请人。")
    if applicant_type == Case.ApplicantType.PERSON and not is_valid_id_number(id_number):
        errors["id_number"] = _("身份证号码无效(校验位不符或格式错误)。")
    if applicant_type == Case.ApplicantType.COMPANY and not is_valid_uscc(uscc):
        errors["uscc"] = _("统一社会信用代码无效(校验位不符或格式错误)。")
    if not is_valid_phone(phone):
        errors["phone"] = _("电话号码格式不正确。")
    return errors


def _check_materials(item: ServiceItem, received: Sequence[str], missing: Sequence[str]) -> None:
    names = set(item.materials.values_list("name", flat=True))
    unknown = [n for n in [*received, *missing] if n not in names]
    if unknown:
        raise ValidationFailed(
            _("材料不在该事项的材料清单中:%(names)s") % {"names": "、".join(unknown)},
            detail={"materials": unknown},
        )
    both = set(received) & set(missing)
    if both:
        raise ValidationFailed(
            _("同一材料不能既已收取又容缺:%(names)s") % {"names": "、".join(sorted(both))}
        )


def _check_required_materials(
    item: ServiceItem, mode: str, received: Sequence[str], missing: Sequence[str]
) -> None:
    """一般受理 needs every required material in hand; 容缺受理 needs each of them either in hand
    or listed as missing (to be supplied by a date). Anything else is sent back to the window,
    which asks for a correction (补正) before accepting. 告知承诺 replaces them by the pledge."""
    if mode == Case.Mode.COMMITMENT:
        return
    required = item.materials.filter(required=True).values_list("name", flat=True)
    accounted = set(received) | (set(missing) if mode == Case.Mode.MISSING else set())
    absent = [name for name in required if name not in accounted]
    if not absent:
        return
    names = "、".join(absent)
    if mode == Case.Mode.MISSING:
        message = _("以下必要材料既未收取也未列为容缺材料:%(names)s。") % {"names": names}
    else:
        message = _(
            "一般受理须收齐全部必要材料,尚未收取:%(names)s。请改为容缺受理(列明容缺材料和"
            "补交期限),或一次性告知申请人补正后再受理。"
        ) % {"names": names}
    raise ValidationFailed(
        message, code="materials_incomplete", detail={"received": message, "materials": absent}
    )


# --- intake ----------------------------------------------------------------------------------


@transaction.atomic
def submit_case(
    *,
    item: ServiceItem,
    applicant_type: str,
    applicant_name: str,
    phone: str,
    id_number: str = "",
    uscc: str = "",
    channel: str = Case.Channel.ONLINE,
    at: dt.datetime | None = None,
) -> Case:
    """An application arriving online, from the mobile app or by mail (awaits acceptance)."""
    if channel == Case.Channel.WINDOW:
        raise ValidationFailed(_("窗口申请请直接受理。"))
    phone, id_number, uscc = (
        normalize_phone(phone),
        normalize_id_number(id_number),
        normalize_id_number(uscc),
    )
    errors = _check_applicant(
        applicant_type=applicant_type,
        applicant_name=applicant_name,
        id_number=id_number,
        uscc=uscc,
        phone=phone,
    )
    if errors:
        raise ValidationFailed(_("申请人信息有误。"), detail=errors)
    now = _at(at)
    case = Case(
        center=item.center,
        number=_next_numbers(item.center, timezone.localdate(now))[0],
        item=item,
        department=item.department,
        applicant_type=applicant_type,
        applicant_name=applicant_name.strip(),
        id_number=id_number,
        uscc=uscc,
        phone=phone,
        channel=channel,
        state=State.SUBMITTED,
        limit_days=item.limit_days,
        submitted_at=now,
    )
    _save(case)
    _record(case, EventType.SUBMITTED, actor=None, at=now, from_state="")
    return case


def _accept_into(
    case: Case,
    *,
    actor: User | None,
    window: Window | None,
    mode: str,
    materials_received: Sequence[str],
    materials_missing: Sequence[str],
    supply_by: dt.date | None,
    now: dt.datetime,
) -> None:
    """Shared by window acceptance and acceptance of an online application."""
    if mode not in Case.Mode.values:
        raise ValidationFailed(_("受理方式无效。"))
    _check_materials(case.item, materials_received, materials_missing)
    _check_required_materials(case.item, mode, materials_received, materials_missing)
    if mode == Case.Mode.MISSING and not materials_missing:
        raise ValidationFailed(_("容缺受理须列明容缺材料。"))
    if mode != Case.Mode.MISSING and materials_missing:
        raise ValidationFailed(_("有缺少的材料时请选择容缺受理。"))
    settings = get_case_settings(case.center_id)
    cal = load_calendar()
    accepted_on = timezone.localdate(now)
    case.state = State.ACCEPTED
    case.mode = mode
    case.window = window
    case.accepted_by = actor
    case.accepted_at = now
    case.limit_days = case.item.limit_days
    case.materials_received = list(materials_received)
    case.materials_missing = list(materials_missing)
    if mode == Case.Mode.MISSING:
        case.supply_by = (
            supply_by or cal.add_workdays(accepted_on, settings.missing_supply_days).date
        )
        if case.supply_by < accepted_on:
            raise ValidationFailed(_("容缺材料补交期限不能早于受理日。"))
    if mode == Case.Mode.COMMITMENT:
        case.commitment_status = Case.Commitment.PENDING
    stops: list[deadlines.Stop] = []
    _apply_deadline(case, cal=cal, settings=settings, stops=stops)
    _save(case)
    if mode == Case.Mode.MISSING and settings.missing_materials_stop_clock:
        ClockStop.objects.create(
            center_id=case.center_id,
            case=case,
            kind=ClockStop.Kind.MISSING,
            resume_state=State.ACCEPTED,
            started_on=accepted_on,
            started_at=now,
        )
        _apply_deadline(case, cal=cal, settings=settings, stops=[(accepted_on, None)])
        _save(case)


@transaction.atomic
def accept_case(
    *,
    actor: User | None,
    item: ServiceItem,
    applicant_type: str,
    applicant_name: str,
    phone: str,
    id_number: str = "",
    uscc: str = "",
    window: Window | None = None,
    mode: str = Case.Mode.NORMAL,
    materials_received: Sequence[str] = (),
    materials_missing: Sequence[str] = (),
    supply_by: dt.date | None = None,
    ticket: Ticket | None = None,
    at: dt.datetime | None = None,
) -> Case:
    """前台受理: a window accepts an application; the clock starts the next working day.

    `ticket` is the queue ticket being served (a ticket may open several cases).
    """
    if actor is not None:
        scope = scope_for(actor)
        scope.require("cases.accept_case")
        if scope.center_id != item.center_id and not scope.all_centers:
            raise PermissionDenied(_("该事项不属于您所在的中心。"))
        if not scope.may_see_department(item.department_id) and not (
            window is not None and _window_serves(window, item, actor)
        ):
            raise PermissionDenied(_("您的窗口不能受理该事项。"))
    if window is not None and window.center_id != item.center_id:
        raise ValidationFailed(_("窗口不属于该中心。"))
    if ticket is not None and (
        ticket.center_id != item.center_id
        or ticket.state not in (Ticket.State.SERVING, Ticket.State.DONE)
    ):
        raise ValidationFailed(_("只能关联本中心正在办理或已办结的排队票。"))
    if not item.is_active:
        raise ValidationFailed(_("该事项已停用,不能受理。"))
    phone, id_number, uscc = (
        normalize_phone(phone),
        normalize_id_number(id_number),
        normalize_id_number(uscc),
    )
    errors = _check_applicant(
        applicant_type=applicant_type,
        applicant_name=applicant_name,
        id_number=id_number,
        uscc=uscc,
        phone=phone,
    )
    if errors:
        raise ValidationFailed(_("申请人信息有误。"), detail=errors)
    now = _at(at)
    case = Case(
        center=item.center,
        number=_next_numbers(item.center, timezone.localdate(now))[0],
        item=item,
        department=item.department,
        applicant_type=applicant_type,
        applicant_name=applicant_name.strip(),
        id_number=id_number if applicant_type == "person" else "",
        uscc=uscc if applicant_type == "company" else "",
        phone=phone,
        channel=Case.Channel.WINDOW,
        ticket=ticket,
    )
    _accept_into(
        case,
        actor=actor,
        window=window,
        mode=mode,
        materials_received=materials_received,
        materials_missing=materials_missing,
        supply_by=supply_by,
        now=now,
    )
    _record(
        case,
        EventType.ACCEPTED,
        actor=actor,
        at=now,
        from_state="",
        details=_acceptance_details(case),
    )
    return case


def _window_serves(window: Window, item: ServiceItem, actor: User) -> bool:
    """一窗受理: the actor works at `window` and the window takes the item's department or item."""
    at_window = window.staff.filter(user=actor).exists()
    serves = (
        window.departments.filter(pk=item.department_id).exists()
        or window.items.filter(pk=item.pk).exists()
    )
    return at_window and serves


def _acceptance_details(case: Case) -> dict[str, Any]:
    return {
        "mode": case.mode,
        "materials_received": case.materials_received,
        "materials_missing": case.materials_missing,
        "supply_by": _iso(case.supply_by),
        "window": case.window.number if case.window else None,
        "ticket": case.ticket.number if case.ticket else None,
    }


@transaction.atomic
def accept_submitted_case(
    *,
    actor: User | None,
    case: Case | int,
    window: Window | None = None,
    mode: str = Case.Mode.NORMAL,
    materials_received: Sequence[str] = (),
    materials_missing: Sequence[str] = (),
    supply_by: dt.date | None = None,
    at: dt.datetime | None = None,
) -> Case:
    """受理 an application that arrived online / by mail."""
    case = _locked_case(case)
    _authorize(actor, "cases.accept_case", case)
    _require_state(case, "accept", _("受理"))
    now = _at(at)
    case.deemed_accepted_on = _deemed_acceptance(case, timezone.localdate(now), load_calendar())
    _accept_into(
        case,
        actor=actor,
        window=window,
        mode=mode,
        materials_received=materials_received,
        materials_missing=materials_missing,
        supply_by=supply_by,
        now=now,
    )
    _record(
        case,
        EventType.ACCEPTED,
        actor=actor,
        at=now,
        from_state=State.SUBMITTED,
        details={**_acceptance_details(case), "deemed_accepted_on": _iso(case.deemed_accepted_on)},
    )
    return case


def _deemed_acceptance(case: Case, accepted_on: dt.date, cal: Calendar) -> dt.date | None:
    """行政许可法 art. 32: an application received online or by mail and not answered with a
    correction notice within 5 working days of receipt counts as accepted on the day it was
    received (the clock runs from then). None when it was answered in time."""
    received_on = timezone.localdate(case.submitted_at)
    answer_by = cal.add_workdays(received_on, Case.NOTICE_DAYS).date
    first_notice = (
        case.events.filter(type=EventType.CORRECTION_NOTIFIED)
        .order_by("at")
        .values_list("at", flat=True)
        .first()
    )
    answered_on = timezone.localdate(first_notice) if first_notice else accepted_on
    return received_on if answered_on > answer_by else None


def _count_notice(case: Case, repeat_reason: str) -> dict[str, Any]:
    """一次性告知: every correction a case needs is told at once; a second notice on the same
    case must state why (and is counted as a problem: `details["repeat"]`)."""
    repeat = case.correction_notices > 0
    if repeat and not repeat_reason.strip():
        raise ValidationFailed(
            _("本件已告知过补正,应一次性告知;再次要求补正须说明理由。"),
            detail={"repeat_reason": _("请说明再次要求补正的理由。")},
        )
    case.correction_notices += 1
    return {
        "notice": case.correction_notices,
        "repeat": repeat,
        "repeat_reason": repeat_reason.strip() if repeat else "",
    }


@transaction.atomic
def notify_correction(
    *,
    actor: User | None,
    case: Case | int,
    reason: str,
    materials: Sequence[str] = (),
    repeat_reason: str = "",
    at: dt.datetime | None = None,
) -> Case:
    """受理前告知补正 (art. 32): tells an online or mailed applicant, all at once, what to correct.

    Told within 5 working days of receipt, it keeps the application from counting as accepted
    on receipt; the case stays submitted until accepted or refused.
    """
    case = _locked_case(case)
    _authorize(actor, "cases.accept_case", case)
    _require_state(case, "notify", _("告知补正"))
    if not reason.strip():
        raise ValidationFailed(_("要求补正须一次性告知需补正的内容。"))
    notice = _count_notice(case, repeat_reason)
    now = _at(at)
    _save(case)
    _record(
        case,
        EventType.CORRECTION_NOTIFIED,
        actor=actor,
        at=now,
        from_state=State.SUBMITTED,
        details={"reason": reason.strip(), "materials": list(materials), **notice},
    )
    return case


@transaction.atomic
def refuse_case(
    *, actor: User | None, case: Case | int, reason: str, at: dt.datetime | None = None
) -> Case:
    """不予受理, with the reason told to the applicant."""
    case = _locked_case(case)
    _authorize(actor, "cases.refuse_case", case)
    _require_state(case, "refuse", _("不予受理"))
    if not reason.strip():
        raise ValidationFailed(_("不予受理须说明理由。"))
    now = _at(at)
    case.state = State.REFUSED
    case.reason = reason.strip()
    case.closed_at = now
    _save(case)
    _record(
        case,
        EventType.REFUSED,
        actor=actor,
        at=now,
        from_state=State.SUBMITTED,
        details={"reason": case.reason},
    )
    return case


# --- back office -----------------------------------------------------------------------------


@transaction.atomic
def start_review(*, actor: User | None, case: Case | int, at: dt.datetime | None = None) -> Case:
    """后台审查 begins."""
    case = _locked_case(case)
    _authorize(actor, "cases.review_case", case)
    _require_state(case, "review", _("开始审查"))
    now = _at(at)
    case.state = State.IN_REVIEW
    _save(case)
    _record(case, EventType.REVIEW_STARTED, actor=actor, at=now, from_state=State.ACCEPTED)
    return case


def _open_stop(case: Case, kind: str, *, reason: str, told_days: int | None, now: dt.datetime):
    started_on = timezone.localdate(now)
    ClockStop.objects.create(
        told_until=load_calendar().add_workdays(started_on, told_days).date if told_days else None,
        center_id=case.center_id,
        case=case,
        kind=kind,
        reason=reason,
        told_days=told_days,
        resume_state=case.state,
        started_on=started_on,
        started_at=now,
    )


def _close_stops(case: Case, kinds: Iterable[str], now: dt.datetime) -> ClockStop | None:
    """End the case's open stops of `kinds`; returns the last one ended."""
    closed = None
    for stop in case.clock_stops.filter(ended_on__isnull=True, kind__in=list(kinds)):
        stop.ended_on = max(timezone.localdate(now), stop.started_on)
        stop.ended_at = now
        stop.save(update_fields=["ended_on", "ended_at"])
        closed = stop
    return closed


@transaction.atomic
def request_correction(
    *,
    actor: User | None,
    case: Case | int,
    reason: str,
    materials: Sequence[str] = (),
    repeat_reason: str = "",
    at: dt.datetime | None = None,
) -> Case:
    """补正: the applicant must correct or add materials; the clock stops until they do.

    一次性告知: a second notice on the same case needs `repeat_reason` and is counted.
    """
    case = _locked_case(case)
    _authorize(actor, "cases.request_correction", case)
    _require_state(case, "correction", _("要求补正"))
    if not reason.strip():
        raise ValidationFailed(_("要求补正须一次性告知需补正的内容。"))
    notice = _count_notice(case, repeat_reason)
    now = _at(at)
    from_state = case.state
    _open_stop(case, ClockStop.Kind.CORRECTION, reason=reason.strip(), told_days=None, now=now)
    case.state = State.CORRECTION
    _refresh_deadline(case)
    _save(case)
    _record(
        case,
        EventType.CORRECTION_REQUESTED,
        actor=actor,
        at=now,
        from_state=from_state,
        details={"reason": reason.strip(), "materials": list(materials), **notice},
    )
    return case


@transaction.atomic
def resubmit_case(*, actor: User | None, case: Case | int, at: dt.datetime | None = None) -> Case:
    """The applicant handed in the corrected materials; the clock restarts next working day."""
    case = _locked_case(case)
    _authorize(actor, "cases.resubmit_case", case)
    _require_state(case, "resubmit", _("登记补正材料"))
    now = _at(at)
    stop = _close_stops(case, [ClockStop.Kind.CORRECTION], now)
    case.state = stop.resume_state if stop else State.IN_REVIEW
    _refresh_deadline(case)
    _save(case)
    _record(case, EventType.RESUBMITTED, actor=actor, at=now, from_state=State.CORRECTION)
    return case


@transaction.atomic
def supply_materials(
    *, actor: User | None, case: Case | int, at: dt.datetime | None = None
) -> Case:
    """容缺材料补齐 (and the clock restarts, when the centre stops it for 容缺)."""
    case = _locked_case(case)
    _authorize(actor, "cases.supply_materials", case)
    _require_state(case, "supply", _("登记容缺材料补交"))
    if case.mode != Case.Mode.MISSING or case.supplied_at is not None:
        raise InvalidTransition(_("该办件没有待补交的容缺材料。"))
    now = _at(at)
    case.supplied_at = now
    _close_stops(case, [ClockStop.Kind.MISSING], now)
    _refresh_deadline(case)
    _save(case)
    _record(
        case,
        EventType.MATERIALS_SUPPLIED,
        actor=actor,
        at=now,
        from_state=case.state,
        details={"materials": case.materials_missing},
    )
    return case


@transaction.atomic
def suspend_case(
    *,
    actor: User | None,
    case: Case | int,
    kind: str,
    reason: str,
    told_days: int | None = None,
    at: dt.datetime | None = None,
) -> Case:
    """特别程序 (hearing, testing, expert review, notice ...): the time it takes does not count."""
    case = _locked_case(case)
    _authorize(actor, "cases.suspend_case", case)
    _require_state(case, "suspend", _("启动特别程序"))
    if kind not in ClockStop.PROCEDURES:
        raise ValidationFailed(_("特别程序类型无效。"))
    if told_days is None or told_days <= 0:
        raise ValidationFailed(_("须书面告知申请人特别程序所需时间(工作日)。"))
    now = _at(at)
    from_state = case.state
    _open_stop(case, kind, reason=reason.strip(), told_days=told_days, now=now)
    case.state = State.SUSPENDED
    _refresh_deadline(case)
    _save(case)
    _record(
        case,
        EventType.SUSPENDED,
        actor=actor,
        at=now,
        from_state=from_state,
        details={"procedure": kind, "reason": reason.strip(), "told_days": told_days},
    )
    return case


@transaction.atomic
def resume_case(*, actor: User | None, case: Case | int, at: dt.datetime | None = None) -> Case:
    """The procedure ended; the clock restarts the next working day."""
    case = _locked_case(case)
    _authorize(actor, "cases.suspend_case", case)
    _require_state(case, "resume", _("结束特别程序"))
    now = _at(at)
    stop = _close_stops(case, ClockStop.PROCEDURES, now)
    case.state = stop.resume_state if stop else State.IN_REVIEW
    _refresh_deadline(case)
    _save(case)
    _record(case, EventType.RESUMED, actor=actor, at=now, from_state=State.SUSPENDED)
    return case


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
    case = _locked_case(case)
    _authorize(actor, "cases.complete_case", case)
    _require_state(case, "complete", _("办结"))
    if not approved and not reason.strip():
        raise ValidationFailed(_("不予许可须说明理由。"))
    if approved and case.mode == Case.Mode.MISSING and case.supplied_at is None:
        raise InvalidTransition(_("容缺材料尚未补齐,不能作出准予决定。"))
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
        settings = get_case_settings(case.center_id)
        case.commitment_check_by = (
            load_calendar()
            .add_workdays(timezone.localdate(now), settings.commitment_check_days)
            .date
        )
    _refresh_deadline(case)
    _save(case)
    _record(
        case,
        EventType.COMPLETED,
        actor=actor,
        at=now,
        from_state=from_state,
        details={"result": case.result, "reason": case.reason, "late": case.completed_late},
    )
    run_case_completed(case=case, actor=actor)
    return case


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
    case = _locked_case(case)
    _authorize(actor, "cases.deliver_case", case)
    _require_state(case, "deliver", _("送达"))
    if method not in (Case.Delivery.WINDOW, Case.Delivery.MAIL):
        raise ValidationFailed(_("送达方式无效。"))
    if method == Case.Delivery.MAIL and not tracking_number.strip():
        raise ValidationFailed(_("邮寄送达须填写邮寄单号。"))
    if window is not None and (method == Case.Delivery.MAIL or window.center_id != case.center_id):
        raise ValidationFailed(_("出件窗口须为本中心窗口,且仅用于窗口领取。"))
    now = _at(at)
    case.state = State.DELIVERED
    case.delivery_method = method
    case.tracking_number = tracking_number.strip() if method == Case.Delivery.MAIL else ""
    case.delivery_window = window
    case.delivered_at = now
    _refresh_deadline(case)
    _save(case)
    _record(
        case,
        EventType.DELIVERED,
        actor=actor,
        at=now,
        from_state=State.COMPLETED,
        details={
            "method": method,
            "tracking_number": case.tracking_number,
            "window": window.number if window else None,
            "late": case.delivered_late,
        },
    )
    return case


@transaction.atomic
def extend_case(
    *,
    actor: User | None,
    case: Case | int,
    days: int,
    reason: str,
    at: dt.datetime | None = None,
) -> Case:
    """延长办理期限 (行政许可法 art. 42): once, by at most 10 working days (the whole of a joint
    case: `joint.extend_joint_case`, 15), approved by the office's head (the actor, who holds
    ``cases.extend_case``), the reason told to the applicant (the event shows on the citizen's
    progress page)."""
    case = _locked_case(case)
    _authorize(actor, "cases.extend_case", case)
    _require_state(case, "extend", _("延长办理期限"))
    if case.extended_at is not None:
        raise InvalidTransition(_("办理期限只能延长一次。"))
    if not reason.strip():
        raise ValidationFailed(_("延长办理期限须说明理由(将告知申请人)。"))
    cap = Case.EXTENSION_DAYS
    if not 1 <= days <= cap:
        raise ValidationFailed(
            _("延长期限应为 1 至 %(cap)s 个工作日。") % {"cap": cap}, detail={"days": days}
        )
    now = _at(at)
    if case.due_date is not None and timezone.localdate(now) > case.due_date:
        raise InvalidTransition(_("办件已超过办理期限,不能再延长。"))
    before = case.due_date
    case.extension_days = days
    case.extension_reason = reason.strip()
    case.extension_approved_by = actor
    case.extended_at = now
    _refresh_deadline(case)
    _save(case)
    _record(
        case,
        EventType.EXTENDED,
        actor=actor,
        at=now,
        from_state=case.state,
        details={
            "days": days,
            "reason": case.extension_reason,
            "due_before": _iso(before),
            "due_date": _iso(case.due_date),
        },
    )
    return case


@transaction.atomic
def withdraw_case(
    *, actor: User | None, case: Case | int, reason: str = "", at: dt.datetime | None = None
) -> Case:
    """The applicant withdraws the application before it is decided."""
    case = _locked_case(case)
    _authorize(actor, "cases.withdraw_case", case)
    _require_state(case, "withdraw", _("撤回"))
    now = _at(at)
    from_state = case.state
    _close_stops(case, ClockStop.Kind.values, now)
    case.state = State.WITHDRAWN
    case.closed_at = now
    case.commitment_status = Case.Commitment.NONE
    _refresh_deadline(case)
    _save(case)
    _record(
        case,
        EventType.WITHDRAWN,
        actor=actor,
        at=now,
        from_state=from_state,
        details={"reason": reason.strip()},
    )
    run_case_closed(case=case, actor=actor)
    return case


def _commitment_case(actor: User | None, case: Case | int) -> Case:
    case = _locked_case(case)
    _authorize(actor, "cases.check_commitment", case)
    _require_state(case, "verify", _("核查告知承诺"))
    if case.commitment_status != Case.Commitment.PENDING:
        raise InvalidTransition(_("该办件没有待核查的告知承诺。"))
    return case


@transaction.atomic
def verify_commitment(
    *, actor: User | None, case: Case | int, note: str = "", at: dt.datetime | None = None
) -> Case:
    """告知承诺事后核查: the pledge was true."""
    case = _commitment_case(actor, case)
    now = _at(at)
    case.commitment_status = Case.Commitment.VERIFIED
    _save(case)
    _record(
        case,
        EventType.COMMITMENT_VERIFIED,
        actor=actor,
        at=now,
        from_state=case.state,
        details={"note": note.strip()},
    )
    return case


@transaction.atomic
def revoke_commitment(
    *, actor: User | None, case: Case | int, reason: str, at: dt.datetime | None = None
) -> Case:
    """告知承诺不实: the approval is revoked (the case stays counted as completed)."""
    case = _commitment_case(actor, case)
    if not reason.strip():
        raise ValidationFailed(_("撤销许可须说明理由。"))
    now = _at(at)
    case.commitment_status = Case.Commitment.REVOKED
    case.result = Case.Result.REVOKED
    case.reason = reason.strip()
    _save(case)
    _record(
        case,
        EventType.COMMITMENT_REVOKED,
        actor=actor,
        at=now,
        from_state=case.state,
        details={"reason": case.reason},
    )
    return case


# --- deadlines after a calendar or setting change ----------------------------------------------


def recompute_deadlines(*, center_id: int | None = None, batch_size: int = 2000) -> int:
    """Recompute due dates, yellow starts and lateness after the calendar or settings changed.

    Covers every running case and every case whose deadline was provisional (a year without
    calendar data). The calendar import calls it; returns the number of cases whose deadline
    changed. Runs in its own transaction.
    """
    cal = load_calendar()
    qs = Case.objects.filter(accepted_at__isnull=False).filter(
        Q(state__in=Case.RUNNING_STATES) | Q(due_provisional=True)
    )
    if center_id is not None:
        qs = qs.filter(center_id=center_id)
    fields = [
        "due_date",
        "due_provisional",
        "yellow_from",
        "elapsed_workdays",
        "completed_late",
        "delivery_due",
        "delivered_late",
    ]
    changed = 0
    settings_by_center: dict[int, CaseSettings] = {}
    with transaction.atomic():
        ids = list(qs.order_by("pk").values_list("pk", flat=True))
        for offset in range(0, len(ids), batch_size):
            chunk = _lock_cases(Case.objects.filter(pk__in=ids[offset : offset + batch_size]))
            stops: dict[int, list[deadlines.Stop]] = {}
            for case_id, start, end in (
                ClockStop.objects.filter(case_id__in=[c.pk for c in chunk])
                .order_by("started_on")
                .values_list("case_id", "started_on", "ended_on")
            ):
                stops.setdefault(case_id, []).append((start, end))
            updated = []
            for case in chunk:
                before = tuple(getattr(case, f) for f in fields)
                settings = settings_by_center.get(case.center_id)
                if settings is None:
                    settings = settings_by_center[case.center_id] = get_case_settings(
                        case.center_id
                    )
                _apply_deadline(case, cal=cal, settings=settings, stops=stops.get(case.pk, []))
                if tuple(getattr(case, f) for f in fields) != before:
                    updated.append(case)
            Case.objects.bulk_update(updated, fields)
            changed += len(updated)
    return changed


# --- import of historical cases ------------------------------------------------------------------


def import_cases(
    *,
    center: Center,
    source: str | Path | IO[bytes],
    filename: str = "",
    mapping: dict[str, str] | None = None,
    dry_run: bool = False,
    actor: User | None = None,
    batch_size: int = 2000,
) -> ImportReport:
    """Import historical cases from an .xlsx or .csv file: all rows or none.

    Every row is checked first; a report lists each bad row (its number in the file, header =
    row 1) with the reasons. Only when every row is good (and not `dry_run`) are the cases
    written, in one transaction, with bulk inserts of `batch_size`: the case, an ``imported``
    event and its outbox row. Cases without a number get one from the centre's daily sequence;
    due dates are computed from the calendar and the item's limit.
    """
    if actor is not None:
        scope = scope_for(actor)
        scope.require("cases.import_cases")
        if not scope.all_centers and scope.center_id != center.pk:
            raise PermissionDenied(_("不能向其他中心导入办件。"))
    mapping = {**DEFAULT_MAPPING, **(mapping or {})}
    report = ImportReport(dry_run=dry_run)
    rows = tabular.rows(source, filename, max_rows=MAX_IMPORT_ROWS)
    header = next(rows, None)
    if header is None:
        raise ValidationFailed(_("文件为空。"))
    try:
        checker = RowChecker(
            header=header,
            mapping=mapping,
            items={
                i.code: (i.pk, i.limit_days)
                for i in ServiceItem.objects.filter(center=center).only(
                    "code", "immediate", "promised_limit_days", "legal_limit_days"
                )
            },
            windows=dict(Window.objects.filter(center=center).values_list("number", "pk")),
            now=timezone.now(),
        )
    except MissingColumns as exc:
        raise ValidationFailed(str(exc), code="bad_header") from exc
    parsed: list[ParsedRow] = []
    for offset, values in enumerate(rows, start=2):
        if not any(_cell_present(v) for v in values):
            continue
        report.total += 1
        outcome = checker.check(offset, values)
        if isinstance(outcome, RowError):
            report.errors.append(outcome)
        else:
            parsed.append(outcome)
    if report.total == 0:
        raise ValidationFailed(_("文件中没有办件数据。"))
    _check_existing_numbers(parsed, report)
    if report.errors or dry_run:
        report.errors.sort(key=lambda e: e.row)
        return report
    with transaction.atomic():
        _write_imported(center, parsed, actor=actor, batch_size=batch_size)
    refresh_statistics(Case, CaseEvent, OutboxEvent)
    report.imported = len(parsed)
    return report


def _cell_present(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def _check_existing_numbers(parsed: list[ParsedRow], report: ImportReport) -> None:
    numbered = {p.number: p for p in parsed if p.number}
    keys = list(numbered)
    for offset in range(0, len(keys), 5000):
        taken = Case.objects.filter(number__in=keys[offset : offset + 5000]).values_list(
            "number", flat=True
        )
        for number in taken:
            report.errors.append(
                RowError(numbered[number].row, _("办件编号 %(n)s 已存在") % {"n": number})
            )


def _write_imported(
    center: Center, parsed: list[ParsedRow], *, actor: User | None, batch_size: int
) -> None:
    cal = load_calendar()
    settings = get_case_settings(center.pk)
    items = ServiceItem.objects.filter(center=center).select_related("department").in_bulk()
    by_day: dict[dt.date, list[ParsedRow]] = {}
    for p in parsed:
        if not p.number:
            by_day.setdefault(timezone.localdate(p.accepted_at), []).append(p)
    for day, group in by_day.items():
        for p, number in zip(group, _next_numbers(center, day, len(group)), strict=True):
            p.number = number
    now = timezone.now()
    for offset in range(0, len(parsed), batch_size):
        cases = []
        for p in parsed[offset : offset + batch_size]:
            state = (
                State.DELIVERED
                if p.delivered_at
                else State.COMPLETED
                if p.completed_at
                else State.ACCEPTED
            )
            case = Case(
                center=center,
                number=p.number,
                item=items[p.item_id],
                department=items[p.item_id].department,
                applicant_type=p.applicant_type,
                applicant_name=p.applicant_name,
                id_number=p.id_number,
                uscc=p.uscc,
                phone=p.phone,
                channel=p.channel,
                window_id=p.window_id,
                state=state,
                result=p.result,
                reason=p.reason,
                limit_days=p.limit_days,
                accepted_at=p.accepted_at,
                completed_at=p.completed_at,
                delivered_at=p.delivered_at,
                delivery_method=Case.Delivery.WINDOW if p.delivered_at else "",
                imported=True,
            )
            _apply_deadline(case, cal=cal, settings=settings, stops=())
            cases.append(case)
        _fast_insert(Case, cases)
        ids = dict(
            Case.objects.filter(number__in=[c.number for c in cases]).values_list("number", "pk")
        )
        for case in cases:
            case.pk = ids[case.number]
        events = [
            CaseEvent(
                center=center,
                case=case,
                type=EventType.IMPORTED,
                actor=actor,
                at=now,
                from_state="",
                to_state=case.state,
            )
            for case in cases
        ]
        _fast_insert(CaseEvent, events)
        _fast_insert(
            OutboxEvent,
            [
                OutboxEvent(
                    center=center,
                    stream=f"case:{case.number}",
                    kind=f"case.{EventType.IMPORTED}",
                    payload=outbox_payload(case, event),
                    created_at=now,
                )
                for case, event in zip(cases, events, strict=True)
            ],
        )


_MAX_PARAMS = 30000  # below SQLite's 32766 and PostgreSQL's 65535 bind parameters
# Fields whose value the database cannot take as set: adapted dates, JSON and UUIDs, encrypted
# personal numbers and their keyed hashes (computed by ``pre_save``).
_PREPARED_FIELDS = (
    models.DateTimeField,
    models.DateField,
    models.JSONField,
    models.UUIDField,
    EncryptedTextField,
    KeyedHashField,
)


def _fast_insert(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """INSERT many new rows fast: COPY on PostgreSQL, multi-row INSERTs on SQLite.

    No signals, history or returned ids. `bulk_create` spends most of a 100,000-row import
    preparing each value through the query compiler; here only the values that need the
    database's adaptation (dates, JSON, UUIDs) or encryption (phones, ID numbers and their keyed
    hashes) go through their field.
    """
    if not objs:
        return
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    head = "INSERT INTO {} ({}) VALUES ".format(
        quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    )
    one_row = "({})".format(", ".join(["%s"] * len(fields)))
    plan = [(f.attname, f if isinstance(f, _PREPARED_FIELDS) else None) for f in fields]
    rows = []
    for obj in objs:
        row = []
        for attname, field in plan:
            if field is None:
                row.append(getattr(obj, attname))
                continue
            if getattr(obj, attname) is None and field.has_default():
                setattr(obj, attname, field.get_default())
            row.append(field.get_db_prep_save(field.pre_save(obj, True), connection))
        rows.append(row)
    if connection.vendor == "postgresql":
        columns = ", ".join(quote(f.column) for f in fields)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
            ) as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    per_statement = max(1, _MAX_PARAMS // len(fields))
    with connection.cursor() as cursor:
        for offset in range(0, len(rows), per_statement):
            chunk = rows[offset : offset + per_statement]
            cursor.execute(
                head + ", ".join([one_row] * len(chunk)), [v for row in chunk for v in row]
            )
