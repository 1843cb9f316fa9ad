"""The derivation, per centre and day: attendance records and absences from post.

Idempotent: rerunning a day leaves the same rows (ids kept). A calendar import derives again
the days it made a working day or a rest day (`rederive_after_calendar_change`).
"""

import datetime as dt
import itertools
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Max, Min, Model, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.attendance import intervals, selectors
from govhall.attendance.errors import AttendanceError
from govhall.attendance.intervals import Interval
from govhall.attendance.models import (
    AttendanceRecord,
    LeaveRequest,
    PostAbsence,
    Punch,
    TemporaryAbsence,
)
from govhall.attendance.services.assignments import sync_assignments
from govhall.attendance.services.punches import terminal_reference
from govhall.core.dates import day_span
from govhall.core.models import Center
from govhall.org.models import Window
from govhall.org.scoping import require_perm, scope_for
from govhall.queueing.models import WindowPause, WindowSession

M = TypeVar("M", bound=Model)
logger = logging.getLogger(__name__)


@dataclass
class DeriveResult:
    date: dt.date
    records: int
    post_absences: int


def _excused_intervals(
    center_id: int, span: Interval
) -> tuple[dict[int, list[Interval]], dict[int, list[Interval]]]:
    """(approved leave, leave + temporary absence) intervals per staff overlapping `span`."""
    since, until = span
    leave: dict[int, list[Interval]] = defaultdict(list)
    for row in LeaveRequest.objects.filter(
        center_id=center_id, status=LeaveRequest.Status.APPROVED, start__lt=until, end__gt=since
    ):
        leave[row.staff_id].append((row.start, row.effective_end))
    excused: dict[int, list[Interval]] = defaultdict(list)
    for staff_id, ivs in leave.items():
        excused[staff_id].extend(ivs)
    for row in TemporaryAbsence.objects.filter(center_id=center_id, left_at__lt=until).filter(
        Q(returned_at__isnull=True) | Q(returned_at__gt=since)
    ):
        excused[row.staff_id].append((row.left_at, row.returned_at or until))
    return leave, excused


def _session_domains(sessions: list[selectors.SessionSpec], day: dt.date) -> list[Interval]:
    """Each session owns the punches from the midpoint after the previous session to the
    midpoint before the next (the first from midnight, the last to midnight)."""
    day_start, day_end = day_span(day)
    bounds = [day_start]
    for before, after in itertools.pairwise(sessions):
        bounds.append(before.ends_at + (after.starts_at - before.ends_at) / 2)
    bounds.append(day_end)
    return list(itertools.pairwise(bounds))


def _attendance_of(
    *,
    session: selectors.SessionSpec,
    domain: Interval,
    punches: list[tuple[dt.datetime, str]],
    leave: list[Interval],
    excused: list[Interval],
    late_tolerance: dt.timedelta,
    early_tolerance: dt.timedelta,
) -> dict[str, Any]:
    """The derived attendance of one person in one session."""
    start, end = session.span
    middle = start + (end - start) / 2
    ins = [
        at
        for at, kind in punches
        if domain[0] <= at < domain[1]
        and ((kind == Punch.Kind.IN and at < end) or (kind == Punch.Kind.ANY and at < middle))
    ]
    outs = [
        at
        for at, kind in punches
        if domain[0] <= at < domain[1]
        and ((kind == Punch.Kind.OUT and at > start) or (kind == Punch.Kind.ANY and at >= middle))
    ]
    check_in = min(ins) if ins else None
    # A check-out before the check-in (logout, then login again) closes nothing.
    outs = [at for at in outs if check_in is None or at > check_in]
    result: dict[str, Any] = {
        "check_in": check_in,
        "check_out": max(outs) if outs else None,
        "late_minutes": 0,
        "early_minutes": 0,
        "missing_punches": 0,
    }
    S = AttendanceRecord.Status
    if intervals.covers(leave, session.span):
        return result | {"status": S.LEAVE}
    if intervals.covers(excused, session.span):
        return result | {"status": S.OUT}
    if result["check_in"] is None and result["check_out"] is None:
        return result | {"status": S.ABSENT}
    due_in = intervals.covered_from_start(session.span, excused)
    due_out = intervals.covered_to_end(session.span, excused)
    check_in, check_out = result["check_in"], result["check_out"]
    if check_in is None or check_out is None:
        result["missing_punches"] = 1
    if check_in is not None and check_in > due_in + late_tolerance:
        result["late_minutes"] = intervals.minutes((due_in, check_in))
    if check_out is not None and check_out < due_out - early_tolerance:
        result["early_minutes"] = intervals.minutes((check_out, due_out))
    return result | {"status": S.PRESENT}


def _at_work(
    span: Interval, punched: tuple[dt.datetime | None, dt.datetime | None], logins: list[Interval]
) -> Interval:
    """When a present person was at work in a session: from their first to their last sign of
    presence (check-in, check-out, their own terminal logins), from the session's start when
    the check-in is missing and to its end when the check-out is, clipped to `span`."""
    check_in, check_out = punched
    own = intervals.intersect(logins, [span])
    starts = [check_in] if check_in else [span[0]]
    ends = [check_out] if check_out else [span[1]]
    return (
        max(span[0], min(starts + [iv[0] for iv in own])),
        min(span[1], max(ends + [iv[1] for iv in own])),
    )


def _upsert(model: type[M], existing: dict[Any, M], wanted: dict[Any, dict[str, Any]]) -> None:
    """Make the stored rows equal `wanted` (keyed like `existing`), keeping the ids of the rows
    that stay, so rerunning the derivation changes nothing. A row created or changed gets the
    time of this derivation (`derived_at`, which `bulk_update` would not set by itself); a row
    that stays as it was keeps its own."""
    to_create: list[M] = []
    to_update: list[M] = []
    fields: set[str] = set()
    derived_at = timezone.now()
    for key, values in wanted.items():
        row = existing.pop(key, None)
        if row is None:
            to_create.append(model(**values))
            continue
        changed = {k: v for k, v in values.items() if getattr(row, k) != v}
        for k, v in changed.items():
            setattr(row, k, v)
        if changed:
            row.derived_at = derived_at  # type: ignore[attr-defined]
            fields.update(changed)
            fields.add("derived_at")
            to_update.append(row)
    if existing:
        model.objects.filter(pk__in=[r.pk for r in existing.values()]).delete()
    model.objects.bulk_create(to_create)
    if to_update:
        model.objects.bulk_update(to_update, sorted(fields))


# Pause reasons that account for the time away from the counter; a break (临时休息) does not,
# and "other" does only with a written note.
REGISTERED_PAUSE_REASONS = frozenset(
    {
        WindowPause.Reason.MEETING,
        WindowPause.Reason.BUSINESS,
        WindowPause.Reason.CONSULT,
        WindowPause.Reason.EQUIPMENT,
    }
)


def _pause_registered(pause: WindowPause) -> bool:
    if pause.reason == WindowPause.Reason.OTHER:
        return bool(pause.note.strip())
    return pause.reason in REGISTERED_PAUSE_REASONS


def _post_absences(
    *,
    center: Center,
    day: dt.date,
    sessions: list[selectors.SessionSpec],
    expected: list[selectors.ExpectedStaff],
    excused: dict[int, list[Interval]],
    present: dict[tuple[int, dt.datetime], tuple[dt.datetime | None, dt.datetime | None]],
    now: dt.datetime,
) -> dict[Any, dict[str, Any]]:
    """空岗 of the day, per scheduled staff member at a window, within the time they are at work
    in a session they are present for (`present`: its check-in and check-out; see `_at_work`):

    - no login: the parts of that time when they are logged in at no terminal and nobody is at
      any of their windows, minus leave and registered absence (gaps under the centre's
      空岗起算 ignored);
    - long pause: a pause of theirs over the centre's limit without a registered reason, within
      their logged-in time, minus registered absence.

    A window nobody is scheduled to staff is never absent, and a person absent all session
    counts in 缺勤, not here: so a person's 空岗 never exceeds their scheduled time."""
    conf = selectors.attendance_settings(center_id=center.pk)
    min_gap = dt.timedelta(minutes=conf.post_gap_minutes)
    pause_limit = dt.timedelta(minutes=conf.pause_limit_minutes)
    day_start, day_end = day_span(day)
    horizon = min(now, day_end)
    open_windows = set(
        Window.objects.filter(
            center=center, is_open=True, pk__in={w for p in expected for w in p.window_ids}
        ).values_list("pk", flat=True)
    )
    by_window: dict[int, list[Interval]] = defaultdict(list)
    by_staff: dict[int, list[Interval]] = defaultdict(list)
    for window_id, staff_id, opened, closed in (
        WindowSession.objects.filter(center=center, opened_at__lt=day_end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gt=day_start))
        .values_list("window_id", "staff_id", "opened_at", "closed_at")
    ):
        by_window[window_id].append((opened, closed or horizon))
        by_staff[staff_id].append((opened, closed or horizon))
    pauses: dict[int, list[WindowPause]] = defaultdict(list)
    for row in WindowPause.objects.filter(center=center, started_at__lt=day_end).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=day_start)
    ):
        if row.staff_id is not None and not _pause_registered(row):
            pauses[row.staff_id].append(row)
    wanted: dict[Any, dict[str, Any]] = {}

    def add(person: selectors.ExpectedStaff, window_id: int, kind: str, part: Interval) -> None:
        wanted[(window_id, person.staff_id, kind, part[0])] = {
            "center_id": center.pk,
            "window_id": window_id,
            "department_id": person.department_id,
            "staff_id": person.staff_id,
            "date": day,
            "kind": kind,
            "started_at": part[0],
            "ended_at": part[1],
            "minutes": intervals.minutes(part),
        }

    for person in expected:
        posts = sorted(person.window_ids & open_windows)
        if not posts:
            continue
        logged_in = by_staff[person.staff_id] + [iv for w in posts for iv in by_window[w]]
        away = excused.get(person.staff_id, [])
        for session in sessions:
            punched = present.get((person.staff_id, session.starts_at))
            if punched is None:
                continue
            span = _at_work(
                (session.starts_at, min(session.ends_at, horizon)),
                punched,
                by_staff[person.staff_id],
            )
            for gap in intervals.subtract(span, logged_in + away):
                if gap[1] - gap[0] >= min_gap:
                    add(person, posts[0], PostAbsence.Kind.NO_LOGIN, gap)
            for pause in pauses[person.staff_id]:
                pause_span = (pause.started_at, pause.ended_at or horizon)
                if pause_span[1] - pause_span[0] <= pause_limit:
                    continue
                for part in intervals.intersect(
                    intervals.intersect([pause_span], [span]), logged_in
                ):
                    for piece in intervals.subtract(part, away):
                        add(person, pause.window_id, PostAbsence.Kind.LONG_PAUSE, piece)
    return wanted


def _sync_terminal_punches(center: Center, span: Interval) -> None:
    """The punches of the terminal sessions opened or closed in `span`, made in one insert
    (the bulk form of `record_terminal_punches`)."""
    wanted: dict[str, Punch] = {}
    for row in WindowSession.objects.filter(window__center=center).filter(
        Q(opened_at__gte=span[0], opened_at__lt=span[1])
        | Q(closed_at__gte=span[0], closed_at__lt=span[1])
    ):
        moments = [(Punch.Kind.IN, row.opened_at), (Punch.Kind.OUT, row.closed_at)]
        for kind, moment in moments:
            if moment is None:
                continue
            reference = terminal_reference(row, kind)
            wanted[reference] = Punch(
                center=center,
                staff_id=row.staff_id,
                punched_at=moment.replace(microsecond=0),
                kind=kind,
                source=Punch.Source.TERMINAL,
                window_id=row.window_id,
                reference=reference,
            )
    known = set(
        Punch.objects.filter(
            center=center, source=Punch.Source.TERMINAL, reference__in=list(wanted)
        ).values_list("reference", flat=True)
    )
    Punch.objects.bulk_create(
        [punch for ref, punch in wanted.items() if ref not in known], ignore_conflicts=True
    )


@transaction.atomic
def derive_day(*, center: Center, day: dt.date, now: dt.datetime | None = None) -> DeriveResult:
    """Derive the day's attendance records and absences from post (idempotent: rerunning it
    leaves the same rows; run it again after late punches, leave or imports)."""
    now = now or timezone.now()
    sync_assignments(center=center, at=now)
    return _derive(center=center, day=day, now=now)


def derive_range(
    *, center: Center, start: dt.date, end: dt.date, now: dt.datetime | None = None
) -> list[DeriveResult]:
    """`derive_day` for every date of [start, end] (each day its own transaction)."""
    days = [start + dt.timedelta(days=k) for k in range((end - start).days + 1)]
    return derive_days(center=center, days=days, now=now)


def derive_days(
    *, center: Center, days: Iterable[dt.date], now: dt.datetime | None = None
) -> list[DeriveResult]:
    """`derive_day` for each of `days` (each day its own transaction)."""
    now = now or timezone.now()
    sync_assignments(center=center, at=now)
    results = []
    for day in days:
        with transaction.atomic():
            results.append(_derive(center=center, day=day, now=now))
    return results


def rederive_after_calendar_change(
    *, changed_dates: Iterable[dt.date] = (), now: dt.datetime | None = None, **_: Any
) -> dict[int, list[DeriveResult]]:
    """Hook of the calendar import (`core.hooks.calendar_changed`): the dates the import made a
    working day or a rest day are derived again, so a holiday added afterwards is no longer a
    day of absences and a new make-up working day (调休) has its records.

    Per active centre, only the dates within the span it has derived already: from its first
    derived day to its last (never after today). A date outside it is left to the derivation
    that reaches it (the nightly run derives it on the calendar of that night); a date before
    the centre's first derived day is never derived by this. Idempotent: importing the same
    file again changes no date, so nothing is derived; deriving a date again changes nothing.

    The re-derived rows carry the time of this derivation (`derived_at`). An evaluation run
    keeps the figures it was computed on (`EvaluationRun.inputs`): a published run does not
    change, a run computed afterwards counts the days as derived now. Returns the results per
    centre id (only the centres with a date to derive)."""
    dates = sorted(set(changed_dates))
    if not dates:
        return {}
    now = now or timezone.now()
    today = timezone.localdate(now)
    spans = (
        AttendanceRecord.objects.filter(center__is_active=True)
        .values("center_id")
        .annotate(first=Min("date"), last=Max("date"))
        .order_by("center_id")
    )
    done: dict[int, list[DeriveResult]] = {}
    for span in spans:
        last = min(span["last"], today)
        days = [d for d in dates if span["first"] <= d <= last]
        if not days:
            continue
        center = Center.objects.get(pk=span["center_id"])
        done[center.pk] = derive_days(center=center, days=days, now=now)
        logger.info(
            "calendar change: attendance of centre %s derived again for %s",
            center.pk,
            ", ".join(d.isoformat() for d in days),
        )
    return done


# The longest span a person may recompute at once (a command may do more).
MAX_DERIVE_DAYS = 62


def derive_for(
    *, actor: Any, center: Center, start: dt.date, end: dt.date | None = None
) -> list[DeriveResult]:
    """`derive_range` asked for by a person (the API): the centre's own staff with the derive
    permission, at most MAX_DERIVE_DAYS days after `start`."""
    require_perm(actor, "attendance.derive_attendance", department_id=None, center_id=center.pk)
    if not scope_for(actor).whole_center:
        raise AttendanceError.CENTER_ONLY(_("考勤计算由中心执行。"))
    end = end or start
    if end < start or (end - start).days > MAX_DERIVE_DAYS:
        raise AttendanceError.BAD_PERIOD(_("日期范围无效(最长62天)。"))
    return derive_range(center=center, start=start, end=end)


def _derive(*, center: Center, day: dt.date, now: dt.datetime) -> DeriveResult:
    span = day_span(day)
    _sync_terminal_punches(center, span)
    conf = selectors.attendance_settings(center_id=center.pk)
    sessions = selectors.sessions_on(center.pk, day)
    if span[0] > now:
        sessions = []
    expected = selectors.expected_staff(center.pk, day) if sessions else []
    punches: dict[int, list[tuple[dt.datetime, str]]] = defaultdict(list)
    for staff_id, at, kind in Punch.objects.filter(
        center=center,
        voided=False,
        punched_at__gte=span[0],
        punched_at__lt=span[1],
        staff_id__in=[p.staff_id for p in expected],
    ).values_list("staff_id", "punched_at", "kind"):
        punches[staff_id].append((at, kind))
    leave, excused = _excused_intervals(center.pk, span)
    domains = _session_domains(sessions, day)
    fraction = (Decimal(1) / len(sessions)).quantize(Decimal("0.0001")) if sessions else 0
    late_tolerance = dt.timedelta(minutes=conf.late_tolerance_minutes)
    early_tolerance = dt.timedelta(minutes=conf.early_tolerance_minutes)
    wanted: dict[Any, dict[str, Any]] = {}
    present: dict[tuple[int, dt.datetime], tuple[dt.datetime | None, dt.datetime | None]] = {}
    for person in expected:
        for session, domain in zip(sessions, domains, strict=True):
            if session.starts_at >= now:
                continue
            derived = _attendance_of(
                session=session,
                domain=domain,
                punches=punches[person.staff_id],
                leave=leave.get(person.staff_id, []),
                excused=excused.get(person.staff_id, []),
                late_tolerance=late_tolerance,
                early_tolerance=early_tolerance,
            )
            if derived["status"] == AttendanceRecord.Status.PRESENT:
                present[(person.staff_id, session.starts_at)] = (
                    derived["check_in"],
                    derived["check_out"],
                )
            wanted[(person.staff_id, session.starts_at)] = {
                "center_id": center.pk,
                "staff_id": person.staff_id,
                "department_id": person.department_id,
                "date": day,
                "session_name": session.name,
                "starts_at": session.starts_at,
                "ends_at": session.ends_at,
                "day_fraction": fraction,
                "on_duty_roster": person.on_duty_roster,
                **derived,
            }
    existing = {
        (r.staff_id, r.starts_at): r
        for r in AttendanceRecord.objects.filter(center=center, date=day)
    }
    _upsert(AttendanceRecord, existing, wanted)
    absences = _post_absences(
        center=center,
        day=day,
        sessions=sessions,
        expected=expected,
        excused=excused,
        present=present,
        now=now,
    )
    existing_absences = {
        (r.window_id, r.staff_id, r.kind, r.started_at): r
        for r in PostAbsence.objects.filter(center=center, date=day)
    }
    _upsert(PostAbsence, existing_absences, absences)
    return DeriveResult(date=day, records=len(wanted), post_absences=len(absences))
