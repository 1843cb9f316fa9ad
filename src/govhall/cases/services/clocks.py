"""The legal clock of a case: due dates and yellow starts, corrections (补正), 容缺 materials,
special procedures (特别程序), the one extension (art. 42) and the recompute after a calendar
or settings change."""

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.cases import deadlines
from govhall.cases.errors import CaseError
from govhall.cases.models import Case, CaseSettings, ClockStop
from govhall.cases.selectors import case_settings
from govhall.cases.services.common import (
    EventType,
    State,
    _at,
    _check_extension,
    _correction_notice,
    _iso,
    _lock_cases,
    _open_transition,
    _saved,
)
from govhall.catalog.models import ServiceItem
from govhall.core.models import User
from govhall.core.workdays import Calendar, load_calendar


def _stops_of(case: Case) -> list[deadlines.Stop]:
    return [(s.started_on, s.ended_on) for s in case.clock_stops.all().order_by("started_on")]


def _apply_deadline(
    case: Case, *, cal: Calendar, settings: CaseSettings, stops: Sequence[deadlines.Stop]
) -> None:
    """Set due date, provisional flag and yellow start from acceptance, limit and stops; a
    provisional 容缺 supply date or 告知承诺 check date is counted again too."""
    if case.accepted_at is None:
        return
    if case.supply_by_provisional:
        _set_default_supply_by(case, cal, settings)
    if case.commitment_check_provisional:
        _set_commitment_check_by(case, cal, settings)
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
    """行政许可法 art. 44: the certificate of a 行政许可 granted is delivered within 10 working
    days. The article binds licences only: a 行政确认, 公共服务 or other item has no such clock
    (a birth registration is not "逾期未送达" under art. 44)."""
    if (
        case.result not in (Case.Result.APPROVED, Case.Result.REVOKED)
        or case.item.kind != ServiceItem.Kind.LICENSE
    ):
        case.delivery_due = None
        case.delivery_due_provisional = False
        case.delivered_late = False
        return
    due = cal.add_workdays(completed_on, Case.DELIVERY_DAYS)
    case.delivery_due = due.date
    case.delivery_due_provisional = due.provisional
    case.delivered_late = (
        case.delivered_at is not None and timezone.localdate(case.delivered_at) > due.date
    )


def _set_default_supply_by(case: Case, cal: Calendar, settings: CaseSettings) -> None:
    """The default 容缺 supply date: `missing_supply_days` working days after acceptance
    (provisional in a year without calendar data; a date the clerk set is never)."""
    due = cal.add_workdays(timezone.localdate(case.accepted_at), settings.missing_supply_days)
    case.supply_by, case.supply_by_provisional = due.date, due.provisional


def _set_commitment_check_by(case: Case, cal: Calendar, settings: CaseSettings) -> None:
    """告知承诺: the pledge is checked within `commitment_check_days` working days of approval."""
    due = cal.add_workdays(timezone.localdate(case.completed_at), settings.commitment_check_days)
    case.commitment_check_by, case.commitment_check_provisional = due.date, due.provisional


def _refresh_deadline(case: Case) -> None:
    _apply_deadline(
        case,
        cal=load_calendar(),
        settings=case_settings(center_id=case.center_id),
        stops=_stops_of(case),
    )


def _told_until(cal: Calendar, started_on: dt.date, told_days: int | None) -> dt.date | None:
    """The end of a special procedure as told to the applicant (art. 45): `told_days` working
    days after it began."""
    return cal.add_workdays(started_on, told_days).date if told_days else None


def _open_stop(case: Case, kind: str, *, reason: str, told_days: int | None, now: dt.datetime):
    started_on = timezone.localdate(now)
    ClockStop.objects.create(
        told_until=_told_until(load_calendar(), started_on, told_days),
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
    case = _open_transition(case, actor, "cases.request_correction", "correction", _("要求补正"))
    details = _correction_notice(case, reason, materials, repeat_reason)
    now = _at(at)
    from_state = case.state
    _open_stop(case, ClockStop.Kind.CORRECTION, reason=reason.strip(), told_days=None, now=now)
    case.state = State.CORRECTION
    _refresh_deadline(case)
    return _saved(case, EventType.CORRECTION_REQUESTED, actor, now, from_state, details)


def _resume(
    case: Case,
    kinds: Iterable[str],
    event_type: str,
    from_state: str,
    actor: User | None,
    at: dt.datetime | None,
) -> Case:
    """A stop of `kinds` ends (a correction handed in, a special procedure over): the case goes
    back to the state it stopped in, and the clock restarts the next working day."""
    now = _at(at)
    stop = _close_stops(case, kinds, now)
    case.state = stop.resume_state if stop else State.IN_REVIEW
    _refresh_deadline(case)
    return _saved(case, event_type, actor, now, from_state)


@transaction.atomic
def resubmit_case(*, actor: User | None, case: Case | int, at: dt.datetime | None = None) -> Case:
    """The applicant handed in the corrected materials; the clock restarts next working day."""
    case = _open_transition(case, actor, "cases.resubmit_case", "resubmit", _("登记补正材料"))
    return _resume(
        case, [ClockStop.Kind.CORRECTION], EventType.RESUBMITTED, State.CORRECTION, actor, at
    )


@transaction.atomic
def supply_materials(
    *, actor: User | None, case: Case | int, at: dt.datetime | None = None
) -> Case:
    """容缺材料补齐 (and the clock restarts, when the centre stops it for 容缺)."""
    case = _open_transition(case, actor, "cases.supply_materials", "supply", _("登记容缺材料补交"))
    if case.mode != Case.Mode.MISSING or case.supplied_at is not None:
        raise CaseError.NO_MISSING_MATERIALS(_("该办件没有待补交的容缺材料。"))
    now = _at(at)
    case.supplied_at = now
    _close_stops(case, [ClockStop.Kind.MISSING], now)
    _refresh_deadline(case)
    return _saved(
        case,
        EventType.MATERIALS_SUPPLIED,
        actor,
        now,
        details={"materials": case.materials_missing},
    )


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
    case = _open_transition(case, actor, "cases.suspend_case", "suspend", _("启动特别程序"))
    if kind not in ClockStop.PROCEDURES:
        raise CaseError.SPECIAL_KIND_INVALID(_("特别程序类型无效。"))
    if told_days is None or told_days <= 0:
        raise CaseError.SPECIAL_DAYS_REQUIRED(_("须书面告知申请人特别程序所需时间(工作日)。"))
    now = _at(at)
    from_state = case.state
    _open_stop(case, kind, reason=reason.strip(), told_days=told_days, now=now)
    case.state = State.SUSPENDED
    _refresh_deadline(case)
    return _saved(
        case,
        EventType.SUSPENDED,
        actor,
        now,
        from_state,
        {"procedure": kind, "reason": reason.strip(), "told_days": told_days},
    )


@transaction.atomic
def resume_case(*, actor: User | None, case: Case | int, at: dt.datetime | None = None) -> Case:
    """The procedure ended; the clock restarts the next working day."""
    case = _open_transition(case, actor, "cases.suspend_case", "resume", _("结束特别程序"))
    return _resume(case, ClockStop.PROCEDURES, EventType.RESUMED, State.SUSPENDED, actor, at)


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
    case = _open_transition(case, actor, "cases.extend_case", "extend", _("延长办理期限"))
    _check_extension(case, days, reason)
    now = _at(at)
    if case.due_date is not None and timezone.localdate(now) > case.due_date:
        raise CaseError.PAST_DUE(_("办件已超过办理期限,不能再延长。"))
    before = case.due_date
    case.extension_days = days
    case.extension_reason = reason.strip()
    case.extension_approved_by = actor
    case.extended_at = now
    _refresh_deadline(case)
    return _saved(
        case,
        EventType.EXTENDED,
        actor,
        now,
        details={
            "days": days,
            "reason": case.extension_reason,
            "due_before": _iso(before),
            "due_date": _iso(case.due_date),
        },
    )


def recompute_deadlines(*, center_id: int | None = None, batch_size: int = 2000) -> int:
    """Recompute due dates, yellow starts and lateness after the calendar or settings changed.

    Covers every running case and every case with a provisional date (a year without calendar
    data: due date, delivery date, default 容缺 supply date, 告知承诺 check date), and the told
    end (`told_until`) of their running special procedures. The calendar import calls it;
    returns the number of cases whose dates changed. Runs in its own transaction.
    """
    cal = load_calendar()
    qs = Case.objects.filter(accepted_at__isnull=False).filter(
        Q(state__in=Case.RUNNING_STATES)
        | Q(due_provisional=True)
        | Q(delivery_due_provisional=True)
        | Q(supply_by_provisional=True)
        | Q(commitment_check_provisional=True)
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
        "delivery_due_provisional",
        "delivered_late",
        "supply_by",
        "supply_by_provisional",
        "commitment_check_by",
        "commitment_check_provisional",
    ]
    changed = 0
    settings_by_center: dict[int, CaseSettings] = {}
    with transaction.atomic():
        ids = list(qs.order_by("pk").values_list("pk", flat=True))
        for offset in range(0, len(ids), batch_size):
            chunk = _lock_cases(Case.objects.filter(pk__in=ids[offset : offset + batch_size]))
            stops: dict[int, list[deadlines.Stop]] = {}
            told = []
            for stop in (
                ClockStop.objects.filter(case_id__in=[c.pk for c in chunk])
                .only("case_id", "started_on", "ended_on", "told_days", "told_until")
                .order_by("started_on")
            ):
                stops.setdefault(stop.case_id, []).append((stop.started_on, stop.ended_on))
                told_until = _told_until(cal, stop.started_on, stop.told_days)
                if stop.ended_on is None and told_until != stop.told_until:
                    stop.told_until = told_until
                    told.append(stop)
            ClockStop.objects.bulk_update(told, ["told_until"])
            updated = []
            for case in chunk:
                before = tuple(getattr(case, f) for f in fields)
                settings = settings_by_center.get(case.center_id)
                if settings is None:
                    settings = settings_by_center[case.center_id] = case_settings(
                        center_id=case.center_id
                    )
                _apply_deadline(case, cal=cal, settings=settings, stops=stops.get(case.pk, []))
                if tuple(getattr(case, f) for f in fields) != before:
                    updated.append(case)
            Case.objects.bulk_update(updated, fields)
            changed += len(updated)
    return changed
