"""Reads of the evaluation: the figures it is computed from and the runs it produced.

The figures come from each app's ``figure_rollup`` selector (queueing, cases, feedback,
attendance: the centre's, departments' and staff's figures at once), merged key by key: a figure
on a page, in the bulletin and in the tables is always the one those selectors return.
"""

import datetime as dt
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db.models import Count, QuerySet

from govhall.attendance import selectors as attendance_selectors
from govhall.cases import selectors as cases_selectors
from govhall.catalog.models import ServiceItem
from govhall.core.selectors import concurrent_reads
from govhall.feedback import selectors as feedback_selectors
from govhall.org.models import Department, StaffProfile
from govhall.performance.models import (
    DepartmentScore,
    EvaluationPeriod,
    EvaluationRun,
    ManualScore,
    Rubric,
)
from govhall.queueing import selectors as queueing_selectors

# The longest first: concurrent_reads starts them in this order (their figures' keys are
# distinct, so the order of merging does not matter).
FIGURE_SOURCES = (feedback_selectors, cases_selectors, queueing_selectors, attendance_selectors)
# The centre's monthly trend: the hall, the cases and the ratings.
TREND_SOURCES = (queueing_selectors, cases_selectors, feedback_selectors)


@dataclass
class PeriodFigures:
    center: dict[str, Any]
    departments: dict[int, dict[str, Any]]
    staff: dict[int, dict[str, Any]]
    overdue_items: list[dict[str, Any]] = field(default_factory=list)
    zero_case_departments: list[int] = field(default_factory=list)
    items_not_entered: dict[int, list[str]] = field(default_factory=dict)


def _merge(target: dict[int, dict[str, Any]], part: dict[int, dict[str, Any]]) -> None:
    for key, figures in part.items():
        target.setdefault(key, {}).update(figures)


def gather_figures(*, center_id: int, start: dt.date, end: dt.date) -> PeriodFigures:
    center: dict[str, Any] = {}
    departments: dict[int, dict[str, Any]] = {}
    staff: dict[int, dict[str, Any]] = {}
    reads = [
        partial(source.figure_rollup, center_id=center_id, start=start, end=end)
        for source in FIGURE_SOURCES
    ]
    for figures in concurrent_reads(reads):
        center.update(figures.total)
        _merge(departments, figures.by["department"])
        _merge(staff, figures.by["staff"])
    return PeriodFigures(
        center=center,
        departments=departments,
        staff=staff,
        overdue_items=[
            dict(row)
            for row in cases_selectors.overdue_by_department_item(
                center_id=center_id,
                start=start,
                end=end,
                department_ids=[pk for pk, f in departments.items() if f.get("overdue")],
            )
        ],
        zero_case_departments=[
            d.pk if hasattr(d, "pk") else int(d)
            for d in cases_selectors.zero_case_departments(
                center_id=center_id, start=start, end=end
            )
        ],
        items_not_entered=items_not_entered(center_id=center_id),
    )


def items_not_entered(*, center_id: int) -> dict[int, list[str]]:
    """应进未进: active items of each department not handled in the hall."""
    result: dict[int, list[str]] = {}
    rows = ServiceItem.objects.filter(center_id=center_id, is_active=True, entered=False)
    for department_id, name in rows.values_list("department_id", "name").order_by("code"):
        result.setdefault(department_id, []).append(name)
    return result


def evaluated_departments(*, center_id: int) -> QuerySet[Department]:
    return Department.objects.filter(center_id=center_id, is_active=True)


def evaluated_staff(*, center_id: int) -> QuerySet[StaffProfile]:
    return StaffProfile.objects.filter(center_id=center_id, active=True).select_related(
        "user", "department"
    )


def active_rubric(*, center_id: int) -> Rubric | None:
    return (
        Rubric.objects.filter(center_id=center_id, is_active=True)
        .prefetch_related("dimensions__rules")
        .first()
    )


def manual_averages(*, period: EvaluationPeriod) -> dict[tuple[int, int], float]:
    """(dimension id, department id) → mean of the evaluators' scores."""
    sums: dict[tuple[int, int], list[float]] = {}
    for dim_id, dept_id, score in ManualScore.objects.filter(period=period).values_list(
        "dimension_id", "department_id", "score"
    ):
        sums.setdefault((dim_id, dept_id), []).append(float(score))
    return {key: sum(v) / len(v) for key, v in sums.items()}


def manual_counts(*, period: EvaluationPeriod) -> dict[int, int]:
    rows = ManualScore.objects.filter(period=period).values("dimension_id").annotate(n=Count("id"))
    return {row["dimension_id"]: row["n"] for row in rows}


def latest_run(*, period: EvaluationPeriod, published_only: bool = False) -> EvaluationRun | None:
    runs = period.runs.all()
    if published_only:
        runs = runs.filter(status=EvaluationRun.Status.PUBLISHED)
    return runs.order_by("-version").first()


def run_scores(*, run: EvaluationRun) -> QuerySet[DepartmentScore]:
    return run.scores.select_related("department").order_by(
        "rank", "department__sort_order", "department__name"
    )


def month_codes_back(*, last: dt.date, count: int) -> list[str]:
    """The codes of `count` months ending with the month of `last`, oldest first."""
    year, month = last.year, last.month
    codes = []
    for _i in range(count):
        codes.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(codes))


def trend(*, center_id: int, codes: list[str]) -> list[dict[str, Any]]:
    """Key figures month by month (live, from the apps' selectors) for the dashboard's trends."""
    from govhall.performance.periods import parse_period

    rows = []
    for code in codes:
        spec = parse_period(code)
        figures: dict[str, Any] = {}
        for source in TREND_SOURCES:
            figures.update(
                source.center_figures(center_id=center_id, start=spec.start, end=spec.end)
            )
        rows.append({"code": code, "label": spec.label, **figures})
    return rows


def department_history(
    *, center_id: int, department_id: int, limit: int = 12
) -> QuerySet[DepartmentScore]:
    """The department's score in the latest published run of each period."""
    return (
        DepartmentScore.objects.filter(
            department_id=department_id,
            run__center_id=center_id,
            run__status=EvaluationRun.Status.PUBLISHED,
        )
        .select_related("run__period")
        .order_by("-run__period__start")[:limit]
    )


def periods_with_runs(*, center_id: int) -> QuerySet[EvaluationPeriod]:
    return EvaluationPeriod.objects.filter(center_id=center_id, runs__isnull=False).distinct()
