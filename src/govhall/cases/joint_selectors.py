"""Reads of 并联审批 / 一件事 (joint handling): who sees what, the whole's clock and the figures.

The whole's clock (行政许可法 art. 42 para. 2, art. 45): `limit_days` (45, or the package's
shorter promise) plus an approved extension (at most 15), counted in working days from the day
after acceptance; the days on which any step's clock is stopped (补正, a procedure the law
excludes) do not count. It is computed here from the steps' stops, never stored, so that a
step's correction or a calendar import moves it at once.

Figures of a period (dates inclusive, local days), the same conventions as `selectors`:
- per department (its steps): ``received`` steps accepted in the period; ``done`` steps
  completed in the period, ``on_time`` of those by their own due date; ``overdue`` steps
  completed late in the period plus steps open at the period's end and due before its last day;
- for the whole: ``accepted`` joint cases accepted in the period; ``completed`` completed in the
  period (``denied`` of those refused); ``overdue`` completed in the period after the joint due
  date plus running at the period's end and due before its last day; ``avg_workdays`` the mean
  working days the whole's clock ran, over those completed in the period (None when none).
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from govhall.cases import deadlines
from govhall.cases.models import Case, ClockStop, JointCase, JointEvent, JointPackage, JointStep
from govhall.cases.selectors import case_settings
from govhall.core.dates import day_span
from govhall.core.selectors import late_if_due_before
from govhall.core.workdays import Calendar, load_calendar
from govhall.org.models import Department
from govhall.org.scoping import Scope

STEP_FIGURE_KEYS = ("received", "done", "on_time", "overdue")
JOINT_FIGURE_KEYS = ("accepted", "completed", "denied", "overdue", "avg_workdays")


@dataclass(frozen=True)
class JointClock:
    due: dt.date | None
    provisional: bool
    elapsed_workdays: int | None  # once completed
    late: bool  # completed after the due date
    light: str  # red / yellow / green / paused while running, "" after


# --- who sees what ---------------------------------------------------------------------------


def visible_joint_cases(scope: Scope) -> QuerySet[JointCase]:
    """Joint cases a user may see: the centre's for centre-wide roles; else those their
    department leads or has a step in."""
    qs = JointCase.objects.select_related("package", "lead_department")
    if scope.all_centers:
        return qs
    if scope.sees_nothing:
        return qs.none()
    qs = qs.filter(center_id=scope.center_id)
    if scope.whole_center:
        return qs
    # A subquery, not a join: the list's counts of steps must see every step.
    theirs = JointStep.objects.filter(case__department_id=scope.department_id)
    return qs.filter(
        Q(lead_department_id=scope.department_id) | Q(pk__in=theirs.values("joint_id"))
    )


def leads(scope: Scope, joint: JointCase) -> bool:
    """The user coordinates the whole: a centre-wide role or the lead department (art. 26)."""
    return scope.may_see_department(joint.lead_department_id, joint.center_id)


def visible_steps(scope: Scope, joint: JointCase) -> QuerySet[Case]:
    """The steps' cases the user may see: every step for whoever coordinates the whole, else
    their own department's step only."""
    qs = (
        Case.objects.filter(joint_step__joint=joint)
        .select_related("item", "department", "decided_by")
        .order_by("joint_step__id")
    )
    return qs if leads(scope, joint) else qs.filter(department_id=scope.department_id)


def package_names(center_id: int | None) -> dict[int, str]:
    """Name of each of the centre's joint packages (withdrawn ones too), by id."""
    return dict(JointPackage.objects.filter(center_id=center_id).values_list("pk", "name"))


def active_packages(center_id: int) -> QuerySet[JointPackage]:
    return (
        JointPackage.objects.filter(center_id=center_id, is_active=True)
        .select_related("lead_department")
        .prefetch_related("items__materials", "items__department")
    )


def joint_timeline(joint: JointCase) -> QuerySet[JointEvent]:
    return joint.events.select_related("actor").order_by("at", "id")


# --- the whole's clock -------------------------------------------------------------------------


def step_stops(joint_ids: Iterable[int]) -> dict[int, list[deadlines.Stop]]:
    """Every clock stop of the steps of these joint cases, by joint case."""
    stops: dict[int, list[deadlines.Stop]] = {}
    for joint_id, start, end in (
        ClockStop.objects.filter(case__joint_step__joint_id__in=list(joint_ids))
        .order_by("started_on")
        .values_list("case__joint_step__joint_id", "started_on", "ended_on")
    ):
        stops.setdefault(joint_id, []).append((start, end))
    return stops


def compute_clock(
    joint: JointCase,
    *,
    cal: Calendar,
    stops: Sequence[deadlines.Stop],
    yellow_percent: int,
    yellow_on_last_day: bool,
    today: dt.date,
) -> JointClock:
    """The whole's due date, lateness and light from its acceptance, limits and stops."""
    accepted_on = timezone.localdate(joint.accepted_at)
    limit = joint.limit_days + joint.extension_days
    deadline = deadlines.compute_due(cal, accepted_on, limit, stops)
    elapsed = None
    late = False
    light = ""
    if joint.completed_at is not None:
        completed_on = timezone.localdate(joint.completed_at)
        elapsed = deadlines.elapsed_workdays(cal, accepted_on, completed_on, stops)
        late = deadline.due is not None and completed_on > deadline.due
    elif joint.state == JointCase.State.RUNNING:
        threshold = deadlines.yellow_threshold(
            limit, on_last_day=yellow_on_last_day, percent=yellow_percent
        )
        yellow = deadlines.yellow_from(cal, deadline.due, threshold)
        if deadline.due is None:
            light = "paused"
        elif deadline.due < today:
            light = "red"
        elif yellow is not None and yellow <= today:
            light = "yellow"
        else:
            light = "green"
    return JointClock(deadline.due, deadline.provisional, elapsed, late, light)


def clocks(joints: Sequence[JointCase], today: dt.date | None = None) -> dict[int, JointClock]:
    """The clock of each joint case (two queries: the stops and the centre's settings)."""
    if not joints:
        return {}
    today = today or timezone.localdate()
    cal = load_calendar()
    stops = step_stops(j.pk for j in joints)
    settings = {}
    result = {}
    for joint in joints:
        if joint.center_id not in settings:
            settings[joint.center_id] = case_settings(center_id=joint.center_id)
        s = settings[joint.center_id]
        result[joint.pk] = compute_clock(
            joint,
            cal=cal,
            stops=stops.get(joint.pk, []),
            yellow_percent=s.yellow_percent,
            yellow_on_last_day=s.yellow_on_last_day,
            today=today,
        )
    return result


def clock_of(joint: JointCase, today: dt.date | None = None) -> JointClock:
    return clocks([joint], today)[joint.pk]


def joint_rows(qs: QuerySet[JointCase], today: dt.date | None = None) -> list[dict[str, Any]]:
    """The list page's rows: each joint case with its clock and its steps' progress."""
    joints = list(
        qs.annotate(
            n_steps=Count("steps", distinct=True),
            n_decided=Count(
                "steps", filter=Q(steps__case__state__in=Case.DONE_STATES), distinct=True
            ),
        )
    )
    by_pk = clocks(joints, today)
    return [{"joint": j, "clock": by_pk[j.pk]} for j in joints]


# --- figures -----------------------------------------------------------------------------------


def step_figures(*, center_id: int, start: dt.date, end: dt.date) -> dict[int, dict[str, int]]:
    """Per department, its joint steps of the period (see the module's docstring); every
    department with a step in a package of the centre is listed, with zeros if idle."""
    lo, hi = day_span(start, end)
    accepted = Q(accepted_at__gte=lo, accepted_at__lt=hi)
    completed = Q(completed_at__gte=lo, completed_at__lt=hi)
    open_at_end = (
        Q(accepted_at__lt=hi)
        & (Q(completed_at__isnull=True) | Q(completed_at__gte=hi))
        & (Q(closed_at__isnull=True) | Q(closed_at__gte=hi))
    )
    rows = (
        Case.objects.filter(center_id=center_id, joint_step__isnull=False)
        .filter(accepted | completed | open_at_end)
        .values("department_id")
        .annotate(
            received=Count("id", filter=accepted),
            done=Count("id", filter=completed),
            on_time=Count("id", filter=completed & Q(completed_late=False)),
            late=Count("id", filter=completed & Q(completed_late=True)),
            open_overdue=Count("id", filter=open_at_end & Q(due_date__lt=late_if_due_before(end))),
        )
    )
    departments = Department.objects.filter(
        center_id=center_id,
        pk__in=JointPackage.objects.filter(center_id=center_id).values("items__department_id"),
    ).values_list("pk", flat=True)
    figures = {pk: dict.fromkeys(STEP_FIGURE_KEYS, 0) for pk in departments}
    for row in rows:
        figures[row["department_id"]] = {
            "received": row["received"],
            "done": row["done"],
            "on_time": row["on_time"],
            "overdue": row["late"] + row["open_overdue"],
        }
    return figures


def _joint_totals(joints: Sequence[JointCase], clock: dict[int, JointClock], lo, hi, end):
    accepted = [j for j in joints if lo <= j.accepted_at < hi]
    completed = [j for j in joints if j.completed_at is not None and lo <= j.completed_at < hi]
    running_at_end = [
        j
        for j in joints
        if j.accepted_at < hi
        and (j.completed_at is None or j.completed_at >= hi)
        and (j.closed_at is None or j.closed_at >= hi)
    ]
    days = [clock[j.pk].elapsed_workdays for j in completed]
    overdue = sum(clock[j.pk].late for j in completed) + sum(
        1 for j in running_at_end if clock[j.pk].due is not None and clock[j.pk].due < end
    )
    return {
        "accepted": len(accepted),
        "completed": len(completed),
        "denied": sum(j.result == JointCase.Result.DENIED for j in completed),
        "overdue": overdue,
        "avg_workdays": round(sum(days) / len(days), 2) if days else None,
    }


@dataclass(frozen=True)
class JointFigures:
    total: dict[str, Any]
    by_package: dict[int, dict[str, Any]]
    by_department: dict[int, dict[str, int]]


def joint_figures(*, center_id: int, start: dt.date, end: dt.date) -> JointFigures:
    """The period's figures of joint handling: the whole (total and per package) and each
    department's steps."""
    lo, hi = day_span(start, end)
    joints = list(
        JointCase.objects.filter(center_id=center_id, accepted_at__lt=hi).filter(
            Q(accepted_at__gte=lo)
            | Q(completed_at__gte=lo)
            | (Q(completed_at__isnull=True) & (Q(closed_at__isnull=True) | Q(closed_at__gte=hi)))
        )
    )
    clock = clocks(joints, end)
    packages = JointPackage.objects.filter(center_id=center_id).values_list("pk", flat=True)
    return JointFigures(
        total=_joint_totals(joints, clock, lo, hi, end),
        by_package={
            pk: _joint_totals([j for j in joints if j.package_id == pk], clock, lo, hi, end)
            for pk in packages
        },
        by_department=step_figures(center_id=center_id, start=start, end=end),
    )


def step_of(joint: JointCase, case_number: str) -> JointStep | None:
    return (
        JointStep.objects.filter(joint=joint, case__number=case_number)
        .select_related("case")
        .first()
    )
