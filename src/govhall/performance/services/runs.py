"""Periods, evaluators' marks and evaluation runs: computing a draft run with its snapshot and
flags, the difference between two runs, and the invariants a run is checked against."""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core.models import Center
from govhall.core.writes import acting_user
from govhall.org.scoping import ANY_UNIT, require_perm
from govhall.performance import selectors
from govhall.performance.checks import Check, check_snapshot
from govhall.performance.errors import PerformanceError
from govhall.performance.models import (
    DepartmentScore,
    EvaluationPeriod,
    EvaluationRun,
    ManualScore,
    Rubric,
    RubricDimension,
    StaffScore,
)
from govhall.performance.periods import parse_period
from govhall.performance.report import BULLETIN_RULES
from govhall.performance.rules import RULES, quantize, services_of
from govhall.performance.services.ranking import (
    NO_ATTENDANCE,
    UnitResult,
    rank_departments,
    rank_staff,
)
from govhall.performance.services.rubrics import ensure_default_rubric, validate_rubric


def authorize_compute(*, actor: Any, center_id: int) -> None:
    """Who computes a period's evaluation and writes its bulletin's paragraphs: the centre's
    office (the compute permission)."""
    require_perm(
        actor, "performance.compute_evaluation", center_id=center_id, department_id=ANY_UNIT
    )


def authorize_marks(*, actor: Any, center_id: int) -> None:
    """Who enters marks on the entered dimensions: the centre's evaluators (the mark permission)."""
    require_perm(actor, "performance.enter_score", center_id=center_id, department_id=ANY_UNIT)


def ensure_period(*, center: Center, code: str) -> EvaluationPeriod:
    spec = parse_period(code)
    period, _created = EvaluationPeriod.objects.get_or_create(
        center=center,
        code=spec.code,
        defaults={"kind": spec.kind, "start": spec.start, "end": spec.end, "label": spec.label},
    )
    return period


def enter_manual_scores(
    *,
    center: Center,
    code: str,
    dimension: RubricDimension,
    marks: dict[int, Decimal],
    evaluator: Any,
) -> list[ManualScore]:
    """An evaluator's marks (0–100, by department id) for units on a peer / public / panel
    dimension in the period `code`, all or none. The evaluator holds the mark permission in the
    centre.

    Marks may change after a period is published: they feed its next version, never the published
    one, whose snapshot holds the marks it used.
    """
    authorize_marks(actor=evaluator, center_id=center.pk)
    if dimension.method == RubricDimension.Method.DATA:
        raise PerformanceError.NOT_ENTERED_DIMENSION(_("该维度由数据计算,不能手工录入。"))
    if dimension.rubric.center_id != center.pk:
        raise PerformanceError.DIMENSION_NOT_FOUND(_("维度不属于该中心。"))
    scores = {department_id: Decimal(score) for department_id, score in marks.items()}
    if not all(Decimal(0) <= score <= Decimal(100) for score in scores.values()):
        raise PerformanceError.BAD_SCORE(_("分数应在0到100之间。"))
    with transaction.atomic():
        period = ensure_period(center=center, code=code)
        return [
            ManualScore.objects.update_or_create(
                period=period,
                dimension=dimension,
                department_id=department_id,
                evaluator=evaluator,
                defaults={"center_id": period.center_id, "score": quantize(score)},
            )[0]
            for department_id, score in scores.items()
        ]


def evaluate_period(
    *,
    center: Center,
    code: str,
    actor: Any = None,
    rubric: Rubric | None = None,
    concurrent: bool = False,
) -> EvaluationRun:
    """Compute every unit's scores, standing, rank and awards for a period into a new draft run.

    Refuses a period that has not begun and a period without any data. The version is taken
    under a lock of the period, so two computations at once make versions n and n + 1.
    `concurrent` reads the apps' figures at once (commands and jobs, never a web request).
    """
    authorize_compute(actor=actor, center_id=center.pk)
    spec = parse_period(code)
    if spec.start > timezone.localdate():
        raise PerformanceError.FUTURE_PERIOD(
            _("考核期%(period)s尚未开始,不能评价。") % {"period": spec.label}
        )
    rubric = rubric or ensure_default_rubric(center=center)
    validate_rubric(rubric=rubric)
    figures = selectors.gather_figures(
        center_id=center.pk, start=spec.start, end=spec.end, concurrent=concurrent
    )
    if figures.is_empty():
        raise PerformanceError.EMPTY_PERIOD(
            _("%(period)s没有任何业务数据(取号、办件、评价、帮办代办),不能评价。")
            % {"period": spec.label},
        )
    period = ensure_period(center=center, code=code)
    manual = selectors.manual_averages(period=period)
    rubric = Rubric.objects.prefetch_related("dimensions__rules", "awards").get(pk=rubric.pk)
    departments = list(selectors.evaluated_departments(center_id=center.pk))
    results, floor = rank_departments(
        rubric=rubric, departments=departments, figures=figures, manual=manual
    )
    staff = list(selectors.evaluated_staff(center_id=center.pk))
    staff_results = rank_staff(rubric=rubric, staff=staff, figures=figures)
    inputs = _snapshot(
        center=center,
        period=period,
        rubric=rubric,
        figures=figures,
        manual=manual,
        departments=departments,
        staff=staff,
        floor=floor,
    )
    with transaction.atomic():
        EvaluationPeriod.objects.select_for_update().get(pk=period.pk)
        previous = selectors.latest_published_run(period=period)
        version = (
            period.runs.order_by("-version").values_list("version", flat=True).first() or 0
        ) + 1
        run = EvaluationRun.objects.create(
            center=center,
            period=period,
            rubric=rubric,
            version=version,
            computed_by=acting_user(actor),
            inputs=inputs,
        )
        zero_case = set(figures.zero_case_departments)
        DepartmentScore.objects.bulk_create(
            DepartmentScore(
                run=run,
                department=d,
                dimension_scores={
                    k: (str(v) if v is not None else None)
                    for k, v in results[d.pk].dimension_scores.items()
                },
                total=results[d.pk].total,
                standing=results[d.pk].standing,
                rank=results[d.pk].rank,
                award="、".join(results[d.pk].awards),
                flags=_flags(d, figures, zero_case, results[d.pk], floor),
            )
            for d in departments
        )
        StaffScore.objects.bulk_create(
            StaffScore(
                run=run,
                staff=s,
                score=staff_results[s.pk].total,
                rank=staff_results[s.pk].rank,
                award="、".join(staff_results[s.pk].awards),
            )
            for s in staff
        )
        if previous is not None:
            run.changes = diff_runs(old=previous, new=run)
            run.save(update_fields=["changes"])
        return run


def _snapshot(
    *,
    center: Center,
    period: EvaluationPeriod,
    rubric: Rubric,
    figures: selectors.PeriodFigures,
    manual: dict[tuple[int, int], float],
    departments: list[Any],
    staff: list[Any],
    floor: int,
) -> dict[str, Any]:
    """Every input of the run, names included, so that its bulletin and tables never read a
    live row: a renamed department or centre does not change a published document. The award
    floor is kept with the share it came from, for the bulletin's sentence and the checks."""
    today = timezone.localdate()
    return _jsonable(
        {
            "center_name": center.name,
            "period": {
                "code": period.code,
                "label": period.label,
                "start": str(period.start),
                "end": str(period.end),
                # Computed before the period's last day: the figures run to today.
                **({"as_of": str(today)} if today < period.end else {}),
            },
            "rubric": {
                "id": rubric.pk,
                "version": rubric.version,
                "dimensions": [[d.code, d.name] for d in rubric.dimensions.all()],
                "awards": [
                    {"name": a.name, "subject": a.subject, "count": a.count}
                    for a in rubric.awards.all()
                ],
                "tie_breakers": rubric.tie_breakers,
                "award_min_volume_share": rubric.award_min_volume_share,
            },
            "award_floor": floor,
            "bulletin_rules": BULLETIN_RULES,
            "center": figures.center,
            "hall": figures.hall,
            "last_year": figures.last_year,
            "upstream": figures.upstream,
            "since_launch": figures.since_launch,
            "departments": {
                str(d.pk): {
                    "name": d.name,
                    "short_name": d.short_name,
                    "entered": d.entered,
                    "figures": figures.departments.get(d.pk, {}),
                }
                for d in departments
            },
            "staff": {
                str(s.pk): {
                    "name": s.user.display_name,
                    "staff_number": s.staff_number,
                    "department": s.department.name if s.department else "",
                    "department_short": (
                        (s.department.short_name or s.department.name) if s.department else ""
                    ),
                    "figures": figures.staff.get(s.pk, {}),
                }
                for s in staff
            },
            "manual": {f"{k[0]}:{k[1]}": v for k, v in manual.items()},
            "overdue_items": figures.overdue_items,
            "zero_case_departments": sorted(figures.zero_case_departments),
            "items_not_entered": {str(k): v for k, v in figures.items_not_entered.items()},
            "assists_by_type": figures.center.get("assists_by_type", {}),
        }
    )


def _flags(
    department: Any,
    figures: selectors.PeriodFigures,
    zero_case: set[int],
    result: UnitResult,
    floor: int,
) -> list[dict[str, Any]]:
    own = figures.departments.get(department.pk, {})
    flags: list[dict[str, Any]] = []
    if result.not_awarded == NO_ATTENDANCE:
        flags.append(
            {
                "kind": "not_awarded",
                "reason": NO_ATTENDANCE,
                "message": _("考核期内无出勤记录,不参加评优"),
            }
        )
    if result.standing == DepartmentScore.Standing.LOW_VOLUME:
        flags.append(
            {
                "kind": "low_volume",
                "services": services_of(own),
                "floor": floor,
                "message": _("服务量%(n)s人次,低于排名门槛%(floor)s人次,不参加排名")
                % {"n": f"{services_of(own):g}", "floor": floor},
            }
        )
    if not department.entered:
        flags.append({"kind": "not_entered", "message": _("未进驻中心")})
    if department.entered and department.pk in zero_case:
        flags.append({"kind": "zero_cases", "message": _("考核期内办件量为零")})
    not_entered = figures.items_not_entered.get(department.pk)
    if not_entered:
        flags.append(
            {
                "kind": "items_not_entered",
                "message": _("%(n)s项事项应进未进") % {"n": len(not_entered)},
                "items": not_entered,
            }
        )
    if (own.get("overdue") or 0) > 0:
        flags.append({"kind": "overdue", "message": _("超期件%(n)s件") % {"n": own["overdue"]}})
    if (own.get("complaint_deductions") or 0) > 0:
        flags.append(
            {
                "kind": "complaint_deductions",
                "message": _("有效投诉扣%(n)s分") % {"n": own["complaint_deductions"]},
            }
        )
    if result.no_data:
        flags.append(
            {
                "kind": "no_data",
                "message": _("无数据、未计分的项目:%(r)s")
                % {"r": "、".join(str(RULES[code].label) for code in result.no_data)},
                "rules": result.no_data,
            }
        )
    missing = [code for code, score in result.dimension_scores.items() if score is None]
    if missing:
        flags.append(
            {
                "kind": "missing_marks",
                "message": _("未计分的维度:%(d)s") % {"d": ", ".join(missing)},
            }
        )
    return flags


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def diff_runs(*, old: EvaluationRun, new: EvaluationRun) -> list[dict[str, Any]]:
    """What changed between two runs: each unit's total, rank and award, and its input figures."""
    before = {s.department_id: s for s in old.scores.all()}
    changes: list[dict[str, Any]] = []
    old_inputs = old.inputs.get("departments", {})
    new_inputs = new.inputs.get("departments", {})
    for score in new.scores.select_related("department"):
        prior = before.get(score.department_id)
        entry: dict[str, Any] = {
            "department_id": score.department_id,
            "department": score.department.name,
        }
        if prior is None:
            entry["added"] = True
        else:
            for field in ("total", "rank", "award"):
                a, b = getattr(prior, field), getattr(score, field)
                if a != b:
                    entry[field] = [_jsonable(a), _jsonable(b)]
        figs_old = old_inputs.get(str(score.department_id), {}).get("figures", {})
        figs_new = new_inputs.get(str(score.department_id), {}).get("figures", {})
        figure_changes = {
            k: [figs_old.get(k), figs_new.get(k)]
            for k in sorted(set(figs_old) | set(figs_new))
            if figs_old.get(k) != figs_new.get(k)
        }
        if figure_changes:
            entry["figures"] = figure_changes
        if len(entry) > 2:
            changes.append(entry)
    return changes


def _award_holders(run: EvaluationRun) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    departments = {
        str(pk): (award, standing)
        for pk, award, standing in run.scores.values_list("department_id", "award", "standing")
    }
    staff = {str(pk): award for pk, award in run.staff_scores.values_list("staff_id", "award")}
    return departments, staff


def check_run(*, run: EvaluationRun) -> list[Check]:
    """The month's invariants over the run's snapshot and awards (checks.py)."""
    departments, staff = _award_holders(run)
    return check_snapshot(
        run.inputs,
        department_awards=departments,
        staff_awards=staff,
        scheduled_minutes=selectors.scheduled_minutes(
            center_id=run.center_id, start=run.period.start, end=run.period.end
        ),
    )


def check_period(*, center: Center, code: str, concurrent: bool = False) -> list[Check]:
    """`govhall evaluate --check`: the invariants of a period's figures and awards as a run
    would have them, computed without saving a run."""
    with transaction.atomic():
        run = evaluate_period(center=center, code=code, concurrent=concurrent)
        checks = check_run(run=run)
        transaction.set_rollback(True)
    return checks
