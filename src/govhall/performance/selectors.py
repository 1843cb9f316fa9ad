"""Reads of the evaluation: the figures it is computed from and the runs it produced.

The figures come from each app's ``figure_rollup`` selector (queueing, cases, feedback,
attendance: the centre's, departments' and staff's figures at once), merged key by key: a figure
on a page, in the bulletin and in the tables is always the one those selectors return.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

from django.db.models import Count, F, QuerySet
from django.utils import timezone

from govhall.attendance import selectors as attendance_selectors
from govhall.cases import selectors as cases_selectors
from govhall.cases.models import Case
from govhall.catalog import selectors as catalog_selectors
from govhall.catalog.models import ServiceItem
from govhall.core import settings_rows
from govhall.core.selectors import concurrent_reads, upstream_backlog
from govhall.feedback import selectors as feedback_selectors
from govhall.feedback.models import AssistRecord
from govhall.org import selectors as org_selectors
from govhall.org.models import Department, StaffProfile, Window
from govhall.performance.models import (
    BulletinSettings,
    DepartmentScore,
    EvaluationPeriod,
    EvaluationRun,
    ManualScore,
    Rubric,
    RubricDimension,
)
from govhall.performance.rules import quantize
from govhall.performance.scoring import competition_ranks
from govhall.queueing import selectors as queueing_selectors
from govhall.training import selectors as training_selectors
from govhall.training.selectors import TrainingYear

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
    hall: dict[str, int] = field(default_factory=dict)
    last_year: dict[str, Any] | None = None
    upstream: dict[str, int] = field(default_factory=dict)
    since_launch: dict[str, Any] | None = None

    def is_empty(self) -> bool:
        """Nothing happened in the period: no ticket, no case, no rating, no assisted service."""
        c = self.center
        return not any(
            c.get(key) for key in ("tickets_issued", "accepted", "completed_in_period", "ratings")
        ) and not c.get("assists_total")


def bulletin_settings(*, center_id: int) -> BulletinSettings:
    """The centre's bulletin settings (the defaults, unsaved, if it has no row)."""
    return settings_rows.read(BulletinSettings, center_id)


def _merge(target: dict[int, dict[str, Any]], part: dict[int, dict[str, Any]]) -> None:
    for key, figures in part.items():
        target.setdefault(key, {}).update(figures)


def gather_figures(
    *, center_id: int, start: dt.date, end: dt.date, concurrent: bool = False
) -> PeriodFigures:
    """Every figure of the period (centre, departments, staff) and what the bulletin names.

    `concurrent` reads the apps at once on their own connections (commands and jobs only: see
    `core.selectors.concurrent_reads`)."""
    center: dict[str, Any] = {}
    departments: dict[int, dict[str, Any]] = {}
    staff: dict[int, dict[str, Any]] = {}
    reads = [
        partial(source.figure_rollup, center_id=center_id, start=start, end=end)
        for source in FIGURE_SOURCES
    ]
    for figures in concurrent_reads(reads, concurrent=concurrent):
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
            d.pk
            for d in cases_selectors.zero_case_departments(
                center_id=center_id, start=start, end=end
            )
        ],
        items_not_entered=items_not_entered(center_id=center_id),
        hall=hall_counts(center_id=center_id),
        # While the period runs, against the same days of last year ("12月1日至7日").
        last_year=last_year_figures(
            center_id=center_id, start=start, end=min(end, timezone.localdate())
        ),
        upstream=upstream_backlog(center_id=center_id, start=start, end=end),
        since_launch=cases_selectors.since_launch(center_id=center_id, end=end),
    )


def scheduled_minutes(*, center_id: int, start: dt.date, end: dt.date) -> dict[int, int]:
    """Minutes each staff member was scheduled in the period: the sessions of every day they
    were expected (attendance's own reading of the roster and the timetable)."""
    out: dict[int, int] = {}
    day = start
    while day <= end:
        minutes = sum(
            int((s.ends_at - s.starts_at).total_seconds() // 60)
            for s in attendance_selectors.sessions_on(center_id, day)
        )
        if minutes:
            for expected in attendance_selectors.expected_staff(center_id, day):
                out[expected.staff_id] = out.get(expected.staff_id, 0) + minutes
        day += dt.timedelta(days=1)
    return out


def figure_keys() -> set[str]:
    """The names of the figures a unit has (what a tie breaker or an award may compare)."""
    return (
        set(queueing_selectors.FIGURE_KEYS)
        | set(cases_selectors.FIGURE_KEYS)
        | set(feedback_selectors.empty_figures())
        | set(attendance_selectors.FIGURE_KEYS)
    )


# The hall's figures (seed 003: "设27个服务区、270个工位,入驻部门92个、2340个政务服务事项…引进…16家
# 企业84个企业服务事项"), each a key of `hall_counts` and `hall_counts_on`: `departments` and
# `items` are the government's (政府部门, 政务服务事项), `enterprises` and `enterprise_items` the
# enterprises' and their items, counted apart; `staff`, `windows` and `areas` (distinct areas
# named on the open windows) are the whole hall's.
HALL_KEYS = ("areas", "windows", "departments", "items", "staff", "enterprises", "enterprise_items")


def hall_counts(*, center_id: int) -> dict[str, int]:
    """What is in the hall now (seed 001: 进驻33个部门、225项事项、51名工作人员; seed 003's areas
    and enterprises): entered government departments and their items handled in the hall, staff
    on duty, open windows and their areas, entered enterprises and their items (`HALL_KEYS`)."""
    units = Department.objects.filter(center_id=center_id, is_active=True, entered=True)
    items = ServiceItem.objects.filter(center_id=center_id, is_active=True, entered=True)
    enterprise = Department.Kind.ENTERPRISE
    return {
        "areas": org_selectors.service_areas(center_id),
        "windows": Window.objects.filter(center_id=center_id, is_open=True).count(),
        "departments": units.exclude(kind=enterprise).count(),
        "items": items.exclude(department__kind=enterprise).count(),
        "staff": StaffProfile.objects.filter(center_id=center_id, active=True).count(),
        "enterprises": units.filter(kind=enterprise).count(),
        "enterprise_items": items.filter(department__kind=enterprise).count(),
    }


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def last_year_figures(*, center_id: int, start: dt.date, end: dt.date) -> dict[str, Any] | None:
    """The centre's case figures of the same period a year before, None unless it had cases in
    each month of it: no year-on-year comparison without last year's month, nor of a half-year
    against the few months of it the centre has recorded (a centre that began in May 2025
    would read its 2026 first half as "较去年同期956件增长507.2%", May against six months)."""
    last_start, last_end = _year_before(start), _year_before(end)
    if not cases_selectors.accepted_in_every_month(
        center_id=center_id, start=last_start, end=last_end
    ):
        return None
    return cases_selectors.center_figures(center_id=center_id, start=last_start, end=last_end)


def items_not_entered(*, center_id: int) -> dict[int, list[str]]:
    """应进未进: active items of each department not handled in the hall."""
    result: dict[int, list[str]] = {}
    rows = ServiceItem.objects.filter(center_id=center_id, is_active=True, entered=False)
    for department_id, name in rows.values_list("department_id", "name").order_by("code"):
        result.setdefault(department_id, []).append(name)
    return result


def evaluated_departments(*, center_id: int) -> QuerySet[Department]:
    """Every active department: each gets a standing (ranked, or listed apart as not entered,
    without cases, or not rated); only the ranked ones are ranked and awarded."""
    return Department.objects.filter(center_id=center_id, is_active=True).order_by(
        "sort_order", "name"
    )


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


def center_rubrics(*, center_id: int) -> QuerySet[Rubric]:
    """The centre's rubrics, every version, with their dimensions and rules."""
    return Rubric.objects.filter(center_id=center_id).prefetch_related("dimensions__rules")


def center_runs(*, center_id: int) -> QuerySet[EvaluationRun]:
    """The centre's evaluation runs with their period and rubric."""
    return EvaluationRun.objects.filter(center_id=center_id).select_related("period", "rubric")


def center_run(*, center_id: int, run_id: int) -> EvaluationRun | None:
    return center_runs(center_id=center_id).filter(pk=run_id).first()


def manual_dimensions(*, center_id: int) -> QuerySet[RubricDimension]:
    """The dimensions of the centre's active rubric that evaluators mark (not computed)."""
    return RubricDimension.objects.filter(
        rubric__center_id=center_id, rubric__is_active=True
    ).exclude(method=RubricDimension.Method.DATA)


def center_dimension(*, center_id: int, dimension_id: int) -> RubricDimension | None:
    """A dimension of one of the centre's rubrics."""
    return RubricDimension.objects.filter(pk=dimension_id, rubric__center_id=center_id).first()


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


def period_runs(*, center_id: int, code: str, published_only: bool = False) -> list[EvaluationRun]:
    """The runs of the centre's period `code`, newest first; none when it was never computed.
    A read: it does not create the period."""
    runs = EvaluationRun.objects.filter(period__center_id=center_id, period__code=code)
    if published_only:
        runs = runs.filter(status=EvaluationRun.Status.PUBLISHED)
    return list(runs.order_by("-version"))


def shown_run(runs: list[EvaluationRun]) -> EvaluationRun | None:
    """The run a period is shown by: its newest published one, else its newest draft."""
    published = [r for r in runs if r.status == EvaluationRun.Status.PUBLISHED]
    return (published or runs or [None])[0]


def entered_marks(
    *, center_id: int, code: str, dimension_id: int, evaluator_id: int
) -> dict[int, Decimal]:
    """The marks an evaluator entered on a dimension in the period `code`, by department id."""
    return dict(
        ManualScore.objects.filter(
            period__center_id=center_id,
            period__code=code,
            dimension_id=dimension_id,
            evaluator_id=evaluator_id,
        ).values_list("department_id", "score")
    )


def latest_published_run(*, period: EvaluationPeriod) -> EvaluationRun | None:
    """The period's newest published run (one row: a run's inputs are large)."""
    return period.runs.filter(status=EvaluationRun.Status.PUBLISHED).order_by("-version").first()


def run_scores(*, run: EvaluationRun) -> QuerySet[DepartmentScore]:
    """The run's units: the ranked ones by rank, then those listed apart."""
    return run.scores.select_related("department").order_by(
        F("rank").asc(nulls_last=True), "department__sort_order", "department__name"
    )


def ranked_scores(*, run: EvaluationRun) -> QuerySet[DepartmentScore]:
    return run_scores(run=run).filter(standing=DepartmentScore.Standing.RANKED)


def unranked_scores(*, run: EvaluationRun) -> QuerySet[DepartmentScore]:
    return run_scores(run=run).exclude(standing=DepartmentScore.Standing.RANKED)


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
    """Key figures month by month (live, from the apps' selectors) for the dashboard's trends.

    A month before the centre's first case or after today has its code and label only: the
    chart leaves a gap there rather than draw a fall to 0 that never happened."""
    from govhall.performance.periods import parse_period

    today = timezone.localdate()
    first = cases_selectors.first_accepted_on(center_id=center_id)
    rows = []
    for code in codes:
        spec = parse_period(code)
        figures: dict[str, Any] = {}
        if first is None or spec.end < first or spec.start > today:
            rows.append({"code": code, "label": spec.label})
            continue
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


def lobby_figures(*, center_id: int, day: dt.date) -> dict[str, Any]:
    """数据大屏: the hall today, from the same figure selectors as the reports (JSON-ready).

    ``tickets``: the queue's figures of the day's tickets; ``waiting``, ``windows_open``: the
    hall now; ``hourly``: tickets issued per hour; ``ratings`` with ``by_level``: the day's
    ratings; ``cases`` and ``departments``: cases accepted and completed today, per department
    (departments with none left out), most accepted first.
    """
    hall = queueing_selectors.hall_monitor(center_id)
    tickets = queueing_selectors.center_figures(center_id=center_id, start=day, end=day)
    hourly = queueing_selectors.figures_by(
        center_id=center_id, start=day, end=day, dimension="hour"
    )
    ratings = feedback_selectors.figure_rollup(center_id=center_id, start=day, end=day).total
    cases = cases_selectors.figure_rollup(center_id=center_id, start=day, end=day)
    names = dict(Department.objects.filter(center_id=center_id).values_list("pk", "name"))
    departments = sorted(
        (
            {"name": names[pk], "accepted": f["accepted"], "completed": f["completed"]}
            for pk, f in cases.by["department"].items()
            if pk in names and (f["accepted"] or f["completed"])
        ),
        key=lambda row: (-row["accepted"], -row["completed"], row["name"]),
    )
    return {
        "day": day.isoformat(),
        "tickets": {
            key: tickets[key]
            for key in ("tickets_issued", "tickets_served", "no_show", "avg_wait_seconds")
        },
        "waiting": hall["waiting"],
        "windows_open": hall["windows_open"],
        "hourly": [
            {"hour": hour, "issued": row["tickets_issued"]} for hour, row in sorted(hourly.items())
        ],
        "ratings": {
            "total": ratings["ratings"],
            "good_rate": ratings["good_rate"],
            "bad": ratings["bad_ratings"],
            "by_level": {str(k): v for k, v in ratings["ratings_by_level"].items()},
        },
        "cases": {"accepted": cases.total["accepted"], "completed": cases.total["completed"]},
        "departments": departments,
    }


def hall_counts_on(*, center_id: int, day: dt.date) -> dict[str, int]:
    """What was in the hall at the close of `day`, from the records' history (each app's own
    selector): the keys of `hall_counts`, government departments and items apart from the
    enterprises and theirs, as each unit's kind stood that day."""
    government, enterprise = Department.Kind.GOVERNMENT, Department.Kind.ENTERPRISE
    return {
        "areas": org_selectors.service_areas_on(center_id=center_id, day=day),
        "windows": org_selectors.windows_open_on(center_id=center_id, day=day),
        "departments": org_selectors.departments_in_hall_on(
            center_id=center_id, day=day, kind=government
        ),
        "items": catalog_selectors.items_in_hall_on(
            center_id=center_id, day=day, department_kind=government
        ),
        "staff": attendance_selectors.staff_in_hall_on(center_id=center_id, day=day),
        "enterprises": org_selectors.departments_in_hall_on(
            center_id=center_id, day=day, kind=enterprise
        ),
        "enterprise_items": catalog_selectors.items_in_hall_on(
            center_id=center_id, day=day, department_kind=enterprise
        ),
    }


# --- the year (年度报告) ------------------------------------------------------------------------


def published_month_runs(*, center_id: int, year: int) -> list[EvaluationRun]:
    """The published run of each month of `year` that has one, oldest month first (a superseded
    run is not the month's published result)."""
    return list(
        EvaluationRun.objects.filter(
            center_id=center_id,
            status=EvaluationRun.Status.PUBLISHED,
            period__kind=EvaluationPeriod.Kind.MONTH,
            period__start__year=year,
        )
        .select_related("period")
        .order_by("period__start")
    )


@dataclass
class YearRank:
    """A unit's year: the months it was ranked, the mean of those months' totals, its best
    monthly rank and its monthly awards by title; `rank` among the year's units."""

    department_id: int
    name: str
    months: int
    average: Decimal
    best_rank: int
    awards: dict[str, int] = field(default_factory=dict)
    rank: int = 0


def year_ranking(*, runs: list[EvaluationRun]) -> list[YearRank]:
    """The ranking of the year over published monthly runs: every unit ranked in at least one of
    them, by the mean of its monthly totals (to 0.01, half up) over the months it was ranked,
    then by more months ranked; units equal on both share a rank (competition ranks). Names are
    those of the latest month's snapshot that ranked the unit."""
    scores = (
        DepartmentScore.objects.filter(run__in=runs, standing=DepartmentScore.Standing.RANKED)
        .order_by("run__period__start")
        .values_list("run_id", "department_id", "total", "rank", "award")
    )
    names = {run.pk: run.inputs.get("departments", {}) for run in runs}
    units: dict[int, YearRank] = {}
    totals: dict[int, Decimal] = {}
    for run_id, department_id, total, rank, award in scores:
        name = names[run_id].get(str(department_id), {}).get("name", "")
        unit = units.get(department_id)
        if unit is None:
            unit = units[department_id] = YearRank(department_id, name, 0, Decimal(0), rank)
        unit.name = name or unit.name
        unit.months += 1
        unit.best_rank = min(unit.best_rank, rank)
        totals[department_id] = totals.get(department_id, Decimal(0)) + total
        for title in filter(None, award.split("、")):
            unit.awards[title] = unit.awards.get(title, 0) + 1
    for pk, unit in units.items():
        unit.average = quantize(totals[pk] / unit.months)
    keys = {pk: (-unit.average, -unit.months) for pk, unit in units.items()}
    for pk, rank in competition_ranks(keys).items():
        units[pk].rank = rank
    return sorted(units.values(), key=lambda u: (u.rank, u.name))


@dataclass
class YearFigures:
    """Every figure of a year's report, each from its app's selector, over ``start..end``
    (the year, or up to `end` while it runs); the hall and the catalogue at the close of `end`."""

    year: int
    start: dt.date
    end: dt.date
    tickets: dict[str, Any]
    cases: dict[str, Any]
    since_launch: dict[str, Any] | None
    case_modes: dict[str, int]
    one_visit_cases: dict[str, Any]
    one_visit_items: catalog_selectors.OneVisitItems
    ratings: dict[str, Any]
    complaints: dict[str, Any]
    assists: dict[str, dict[str, Any]]
    assist_units: dict[str, str]
    training: TrainingYear
    reductions: catalog_selectors.FourReductions
    hall: dict[str, int]
    stability: dict[str, Any]
    months: list[str]
    ranking: list[YearRank]

    @property
    def complete(self) -> bool:
        return self.end == dt.date(self.year, 12, 31)

    @property
    def after_hours_and_missing(self) -> int:
        """延时、容缺服务 (seed 004: "为企业开展延时、容缺服务60余次"): the after-hours assisted
        services and the cases accepted with missing materials (容缺受理)."""
        return (
            self.assists[AssistRecord.Kind.AFTER_HOURS]["count"]
            + self.case_modes[Case.Mode.MISSING]
        )

    def is_empty(self) -> bool:
        """Nothing happened in the year: no ticket, case, rating, assisted service, training
        session or published month."""
        return not (
            self.tickets.get("tickets_issued")
            or self.cases.get("accepted")
            or self.ratings.get("ratings")
            or self.assists["total"]["count"]
            or self.training.sessions_held
            or self.months
        )


def year_figures(*, center_id: int, year: int, today: dt.date) -> YearFigures:
    """The figures of `year` up to its last day, or up to `today` while it runs. 四减 compares
    the catalogue at the close of the year before with the catalogue at the close of the end."""
    start = dt.date(year, 1, 1)
    end = min(dt.date(year, 12, 31), today)
    runs = published_month_runs(center_id=center_id, year=year)
    return YearFigures(
        year=year,
        start=start,
        end=end,
        tickets=queueing_selectors.center_figures(center_id=center_id, start=start, end=end),
        cases=cases_selectors.center_figures(center_id=center_id, start=start, end=end),
        since_launch=cases_selectors.since_launch(center_id=center_id, end=end),
        case_modes=cases_selectors.accepted_by_mode(center_id=center_id, start=start, end=end),
        one_visit_cases=cases_selectors.one_visit_cases(center_id=center_id, start=start, end=end),
        one_visit_items=catalog_selectors.one_visit_items(center_id=center_id, day=end),
        ratings=feedback_selectors.center_figures(center_id=center_id, start=start, end=end),
        complaints=feedback_selectors.complaint_callbacks(
            center_id=center_id, start=start, end=end
        ),
        assists=feedback_selectors.assist_totals(center_id=center_id, start=start, end=end),
        assist_units=feedback_selectors.assist_units(center_id=center_id, start=start, end=end),
        training=training_selectors.training_year(center_id=center_id, year=year),
        reductions=catalog_selectors.four_reductions(
            center_id=center_id, baseline=start - dt.timedelta(days=1), on=end
        ),
        hall=hall_counts_on(center_id=center_id, day=end),
        stability=attendance_selectors.staff_stability(center_id=center_id, start=start, end=end),
        months=[run.period.code for run in runs],
        ranking=year_ranking(runs=runs),
    )
