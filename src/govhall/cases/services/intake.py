"""Intake: applications arriving online or by mail, acceptance at a window (一般受理, 容缺受理,
告知承诺), the correction notice before acceptance (art. 32) and refusal (不予受理)."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.cases import deadlines
from govhall.cases.errors import CaseError
from govhall.cases.models import Case, ClockStop
from govhall.cases.selectors import case_settings
from govhall.cases.services.clocks import _apply_deadline, _set_default_supply_by
from govhall.cases.services.common import (
    EventType,
    State,
    _at,
    _correction_notice,
    _iso,
    _open_transition,
    _record,
    _save,
    _saved,
    next_numbers,
)
from govhall.catalog.models import ServiceItem
from govhall.core.models import User
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


def _check_applicant(applicant: dict[str, str]) -> dict[str, str]:
    """What is wrong with the cleaned `applicant` (`_clean_applicant`): field → message."""
    errors: dict[str, str] = {}
    applicant_type = applicant["applicant_type"]
    if applicant_type not in Case.ApplicantType.values:
        errors["applicant_type"] = _("申请人类型无效。")
    if not applicant["applicant_name"]:
        errors["applicant_name"] = _("请填写申请人。")
    if applicant_type == Case.ApplicantType.PERSON and not is_valid_id_number(
        applicant["id_number"]
    ):
        errors["id_number"] = _("身份证号码无效(校验位不符或格式错误)。")
    if applicant_type == Case.ApplicantType.COMPANY and not is_valid_uscc(applicant["uscc"]):
        errors["uscc"] = _("统一社会信用代码无效(校验位不符或格式错误)。")
    if not is_valid_phone(applicant["phone"]):
        errors["phone"] = _("电话号码格式不正确。")
    return errors


def _clean_applicant(
    *, applicant_type: str, applicant_name: str, id_number: str, uscc: str, phone: str
) -> dict[str, str]:
    """The applicant's fields of a case, normalised (the ID number for a person, the USCC for a
    company), or ValidationFailed naming each field that is wrong."""
    applicant = {
        "applicant_type": applicant_type,
        "applicant_name": applicant_name.strip(),
        "id_number": (
            normalize_id_number(id_number) if applicant_type == Case.ApplicantType.PERSON else ""
        ),
        "uscc": normalize_id_number(uscc) if applicant_type == Case.ApplicantType.COMPANY else "",
        "phone": normalize_phone(phone),
    }
    errors = _check_applicant(applicant)
    if errors:
        raise CaseError.APPLICANT_INVALID(_("申请人信息有误。"), detail=errors)
    return applicant


def _new_case(
    item: ServiceItem, applicant: dict[str, str], now: dt.datetime, **fields: Any
) -> Case:
    """An unsaved case of `item` for the cleaned `applicant`, numbered on `now`'s day unless
    `fields` give its number."""
    fields.setdefault("number", next_numbers(item.center, timezone.localdate(now))[0])
    return Case(center=item.center, item=item, department=item.department, **applicant, **fields)


def _check_materials(item: ServiceItem, received: Sequence[str], missing: Sequence[str]) -> None:
    names = set(item.materials.values_list("name", flat=True))
    unknown = [n for n in [*received, *missing] if n not in names]
    if unknown:
        raise CaseError.MATERIAL_NOT_LISTED(
            _("材料不在该事项的材料清单中:%(names)s") % {"names": "、".join(unknown)},
            detail={"materials": unknown},
        )
    both = set(received) & set(missing)
    if both:
        raise CaseError.MATERIALS_OVERLAP(
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
    raise CaseError.MATERIALS_INCOMPLETE(message, detail={"received": message, "materials": absent})


def authorize_intake(*, actor: User | None, center_id: int | None = None) -> None:
    """Who takes applications in (at a window, online, or a whole 一件事): the accept permission,
    in the item's centre `center_id` (None: asked before the input names the item).
    `accept_case` also asks for the item's unit or a window that serves it."""
    if actor is None:
        return
    scope = scope_for(actor)
    scope.require("cases.accept_case")
    if center_id is not None and scope.center_id != center_id and not scope.all_centers:
        raise CaseError.OTHER_CENTER(_("该事项不属于您所在的中心。"))


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
    actor: User | None = None,
) -> Case:
    """An application arriving online, from the mobile app or by mail (awaits acceptance),
    entered by an intake account (`actor`; None: the system)."""
    authorize_intake(actor=actor, center_id=item.center_id)
    if channel == Case.Channel.WINDOW:
        raise CaseError.WINDOW_CHANNEL(_("窗口申请请直接受理。"))
    applicant = _clean_applicant(
        applicant_type=applicant_type,
        applicant_name=applicant_name,
        id_number=id_number,
        uscc=uscc,
        phone=phone,
    )
    now = _at(at)
    case = _new_case(
        item,
        applicant,
        now,
        channel=channel,
        state=State.SUBMITTED,
        limit_days=item.limit_days,
        submitted_at=now,
    )
    return _saved(case, EventType.SUBMITTED, None, now, "")


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
    from_state: str = "",
    details: dict[str, Any] | None = None,
) -> None:
    """受理 `case` and record it (the 受理 event carries the acceptance's details and
    `details`); shared by window, online and joint acceptance."""
    if mode not in Case.Mode.values:
        raise CaseError.MODE_INVALID(_("受理方式无效。"))
    _check_materials(case.item, materials_received, materials_missing)
    _check_required_materials(case.item, mode, materials_received, materials_missing)
    if mode == Case.Mode.MISSING and not materials_missing:
        raise CaseError.MISSING_MATERIALS_REQUIRED(_("容缺受理须列明容缺材料。"))
    if mode != Case.Mode.MISSING and materials_missing:
        raise CaseError.MISSING_MODE_REQUIRED(_("有缺少的材料时请选择容缺受理。"))
    settings = case_settings(center_id=case.center_id)
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
        if supply_by is None:
            _set_default_supply_by(case, cal, settings)
        else:
            case.supply_by = supply_by
        if case.supply_by < accepted_on:
            raise CaseError.SUPPLY_BY_TOO_EARLY(_("容缺材料补交期限不能早于受理日。"))
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
    _record(
        case,
        EventType.ACCEPTED,
        actor=actor,
        at=now,
        from_state=from_state,
        details={**_acceptance_details(case), **(details or {})},
    )


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
    authorize_intake(actor=actor, center_id=item.center_id)
    if (
        actor is not None
        and not scope_for(actor).may_see_department(item.department_id)
        and not (window is not None and _window_serves(window, item, actor))
    ):
        raise CaseError.WINDOW_NOT_FOR_ITEM(_("您的窗口不能受理该事项。"))
    if window is not None and window.center_id != item.center_id:
        raise CaseError.WINDOW_OTHER_CENTER(_("窗口不属于该中心。"))
    if ticket is not None and (
        ticket.center_id != item.center_id
        or ticket.state not in (Ticket.State.SERVING, Ticket.State.DONE)
    ):
        raise CaseError.TICKET_INVALID(_("只能关联本中心正在办理或已办结的排队票。"))
    if not item.is_active:
        raise CaseError.ITEM_INACTIVE(_("该事项已停用,不能受理。"))
    applicant = _clean_applicant(
        applicant_type=applicant_type,
        applicant_name=applicant_name,
        id_number=id_number,
        uscc=uscc,
        phone=phone,
    )
    now = _at(at)
    case = _new_case(item, applicant, now, channel=Case.Channel.WINDOW, ticket=ticket)
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
    case = _open_transition(case, actor, "cases.accept_case", "accept", _("受理"))
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
        from_state=State.SUBMITTED,
        details={"deemed_accepted_on": _iso(case.deemed_accepted_on)},
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
    case = _open_transition(case, actor, "cases.accept_case", "notify", _("告知补正"))
    details = _correction_notice(case, reason, materials, repeat_reason)
    now = _at(at)
    return _saved(case, EventType.CORRECTION_NOTIFIED, actor, now, State.SUBMITTED, details)


@transaction.atomic
def refuse_case(
    *, actor: User | None, case: Case | int, reason: str, at: dt.datetime | None = None
) -> Case:
    """不予受理, with the reason told to the applicant."""
    case = _open_transition(case, actor, "cases.refuse_case", "refuse", _("不予受理"))
    if not reason.strip():
        raise CaseError.REASON_REQUIRED(_("不予受理须说明理由。"))
    now = _at(at)
    case.state = State.REFUSED
    case.reason = reason.strip()
    case.closed_at = now
    return _saved(case, EventType.REFUSED, actor, now, State.SUBMITTED, {"reason": case.reason})
