"""Writes of the evaluation: rubrics, periods, marks entered by evaluators, runs and publishing."""

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from govhall.core.models import Center
from govhall.performance import selectors
from govhall.performance.defaults import (
    DEFAULT_DIMENSIONS,
    DEFAULT_REQUIREMENTS,
    DEFAULT_RUBRIC_NAME,
    DEFAULT_STAR_RULES,
)
from govhall.performance.documents import bulletin_docx, tables_xlsx
from govhall.performance.models import (
    BulletinSettings,
    DepartmentScore,
    EvaluationPeriod,
    EvaluationRun,
    ManualScore,
    Rubric,
    RubricDimension,
    RubricRule,
    StaffScore,
)
from govhall.performance.periods import parse_period
from govhall.performance.report import compose_bulletin, report_tables
from govhall.performance.rules import RULES, Population, quantize
from govhall.performance.scoring import competition_ranks, rules_score, top_n, weighted_total


def ensure_default_rubric(*, center: Center) -> Rubric:
    """The centre's active rubric, creating the shipped default (version 1) if it has none."""
    with transaction.atomic():
        rubric = selectors.active_rubric(center_id=center.pk)
        if rubric is not None:
            return rubric
        rubric = Rubric.objects.create(
            center=center,
            name=str(DEFAULT_RUBRIC_NAME),
            version=(Rubric.objects.filter(center=center).count() + 1),
            is_active=True,
            star_rules=DEFAULT_STAR_RULES,
        )
        for order, (code, name, weight, method, rules) in enumerate(DEFAULT_DIMENSIONS):
            dimension = RubricDimension.objects.create(
                rubric=rubric, code=code, name=str(name), weight=weight, method=method, order=order
            )
            RubricRule.objects.bulk_create(
                RubricRule(dimension=dimension, rule=rule, points=points, params=params, order=i)
                for i, (rule, points, params) in enumerate(rules)
            )
        return rubric


def new_rubric_version(*, rubric: Rubric) -> Rubric:
    """Copy a rubric into the next version (the copy becomes active); published runs keep theirs."""
    with transaction.atomic():
        center = rubric.center
        version = (
            Rubric.objects.filter(center=center)
            .order_by("-version")
            .values_list("version", flat=True)[0]
            + 1
        )
        Rubric.objects.filter(center=center, is_active=True).update(is_active=False)
        dimensions = list(rubric.dimensions.prefetch_related("rules"))
        copy = Rubric.objects.get(pk=rubric.pk)
        copy.pk = None
        copy.id = None
        copy.version = version
        copy.is_active = True
        copy._state.adding = True
        copy.save()
        for dimension in dimensions:
            rules = list(dimension.rules.all())
            dimension.pk = None
            dimension.id = None
            dimension.rubric = copy
            dimension._state.adding = True
            dimension.save()
            for rule in rules:
                rule.pk = None
                rule.id = None
                rule.dimension = dimension
                rule._state.adding = True
                rule.save()
        return copy


def validate_rubric(*, rubric: Rubric) -> None:
    """A rubric is usable when its weights are positive and every rule exists with its params."""
    dimensions = list(rubric.dimensions.prefetch_related("rules"))
    if not dimensions or not sum(d.weight for d in dimensions):
        raise ValidationFailed(_("考核细则至少要有一个权重大于零的维度。"), code="bad_rubric")
    for dimension in dimensions:
        for rule in dimension.rules.all():
            if rule.rule not in RULES:
                raise ValidationFailed(
                    _("维度“%(dim)s”使用了不存在的规则“%(rule)s”。")
                    % {"dim": dimension.name, "rule": rule.rule},
                    code="bad_rubric",
                )
            unknown = set(rule.params) - set(RULES[rule.rule].defaults)
            if unknown:
                raise ValidationFailed(
                    _("规则“%(rule)s”没有参数:%(names)s。")
                    % {"rule": rule.rule, "names": ", ".join(sorted(unknown))},
                    code="bad_rubric",
                )
        if dimension.method == RubricDimension.Method.DATA and not dimension.rules.exists():
            raise ValidationFailed(
                _("数据计算维度“%(dim)s”没有评分规则。") % {"dim": dimension.name},
                code="bad_rubric",
            )


def ensure_period(*, center: Center, code: str) -> EvaluationPeriod:
    spec = parse_period(code)
    period, _created = EvaluationPeriod.objects.get_or_create(
        center=center,
        code=spec.code,
        defaults={"kind": spec.kind, "start": spec.start, "end": spec.end, "label": spec.label},
    )
    return period


def ensure_bulletin_settings(*, center: Center) -> BulletinSettings:
    settings, _created = BulletinSettings.objects.get_or_create(
        center=center,
        defaults={"issuer": center.name, "requirements": DEFAULT_REQUIREMENTS},
    )
    return settings


def enter_manual_score(
    *,
    period: EvaluationPeriod,
    dimension: RubricDimension,
    department_id: int,
    evaluator: Any,
    score: Decimal,
) -> ManualScore:
    """An evaluator's mark (0–100) for a unit on a peer / public / panel dimension.

    Marks may change after a period is published: they feed its next version, never the published
    one, whose snapshot holds the marks it used.
    """
    if dimension.method == RubricDimension.Method.DATA:
        raise ValidationFailed(_("该维度由数据计算,不能手工录入。"), code="not_entered_dimension")
    if dimension.rubric.center_id != period.center_id:
        raise NotFound(_("维度不属于该中心。"))
    score = Decimal(score)
    if not Decimal(0) <= score <= Decimal(100):
        raise ValidationFailed(_("分数应在0到100之间。"), code="bad_score")
    with transaction.atomic():
        mark, _created = ManualScore.objects.update_or_create(
            period=period,
            dimension=dimension,
            department_id=department_id,
            evaluator=evaluator,
            defaults={"center_id": period.center_id, "score": quantize(score)},
        )
        return mark


def evaluate_period(
    *, center: Center, code: str, actor: Any = None, rubric: Rubric | None = None
) -> EvaluationRun:
    """Compute every unit's scores, total, rank and awards for a period into a new draft run."""
    period = ensure_period(center=center, code=code)
    rubric = rubric or ensure_default_rubric(center=center)
    validate_rubric(rubric=rubric)
    figures = selectors.gather_figures(center_id=center.pk, start=period.start, end=period.end)
    manual = selectors.manual_averages(period=period)
    dimensions = list(rubric.dimensions.prefetch_related("rules"))
    departments = list(selectors.evaluated_departments(center_id=center.pk))
    population = Population(figures.departments.get(d.pk, {}) for d in departments)

    dimension_scores: dict[int, dict[str, Decimal | None]] = {}
    for department in departments:
        own = figures.departments.get(department.pk, {})
        scores: dict[str, Decimal | None] = {}
        for dimension in dimensions:
            if dimension.method == RubricDimension.Method.DATA:
                scores[dimension.code] = rules_score(
                    own,
                    [(r.rule, r.points, r.params) for r in dimension.rules.all()],
                    population,
                )
            else:
                mark = manual.get((dimension.pk, department.pk))
                scores[dimension.code] = quantize(mark) if mark is not None else None
        dimension_scores[department.pk] = scores

    weights = {d.code: d.weight for d in dimensions}
    totals = {pk: weighted_total(s, weights) for pk, s in dimension_scores.items()}
    ranks = competition_ranks(totals)
    zero_case = set(figures.zero_case_departments)
    flags = {d.pk: _flags(d, figures, zero_case, dimension_scores[d.pk]) for d in departments}
    eligible = [
        d.pk
        for d in departments
        if d.entered
        and not (rubric.award_requires_cases and d.pk in zero_case)
        and not (
            rubric.award_excludes_overdue
            and (figures.departments.get(d.pk, {}).get("overdue") or 0) > 0
        )
    ]
    awarded = top_n(ranks, rubric.award_top_n, eligible)

    staff = list(selectors.evaluated_staff(center_id=center.pk))
    staff_population = Population(figures.staff.get(s.pk, {}) for s in staff)
    staff_totals = {
        s.pk: rules_score(
            figures.staff.get(s.pk, {}),
            [
                (r["rule"], Decimal(str(r["points"])), r.get("params", {}))
                for r in rubric.star_rules
            ],
            staff_population,
        )
        or Decimal("0.00")
        for s in staff
    }
    staff_ranks = competition_ranks(staff_totals)
    star_eligible = [s.pk for s in staff if figures.staff.get(s.pk)]
    stars = top_n(staff_ranks, rubric.star_top_n, star_eligible)

    with transaction.atomic():
        previous = selectors.latest_run(period=period, published_only=True)
        version = (
            period.runs.order_by("-version").values_list("version", flat=True).first() or 0
        ) + 1
        inputs = {
            "period": {"code": period.code, "start": str(period.start), "end": str(period.end)},
            "rubric": {"id": rubric.pk, "version": rubric.version},
            "center": figures.center,
            "departments": {
                str(d.pk): {"name": d.name, "figures": figures.departments.get(d.pk, {})}
                for d in departments
            },
            "staff": {
                str(s.pk): {
                    "name": s.user.display_name,
                    "staff_number": s.staff_number,
                    "department": s.department.name if s.department else "",
                    "figures": figures.staff.get(s.pk, {}),
                }
                for s in staff
            },
            "manual": {f"{k[0]}:{k[1]}": v for k, v in manual.items()},
            "overdue_items": figures.overdue_items,
            "zero_case_departments": sorted(zero_case),
            "items_not_entered": {str(k): v for k, v in figures.items_not_entered.items()},
            "assists_by_type": figures.center.get("assists_by_type", {}),
        }
        run = EvaluationRun.objects.create(
            center=center,
            period=period,
            rubric=rubric,
            version=version,
            computed_by=actor if getattr(actor, "is_authenticated", False) else None,
            inputs=_jsonable(inputs),
        )
        DepartmentScore.objects.bulk_create(
            DepartmentScore(
                run=run,
                department=d,
                dimension_scores={
                    k: (str(v) if v is not None else None)
                    for k, v in dimension_scores[d.pk].items()
                },
                total=totals[d.pk],
                rank=ranks[d.pk],
                award=rubric.award_name if d.pk in awarded else "",
                flags=flags[d.pk],
            )
            for d in departments
        )
        StaffScore.objects.bulk_create(
            StaffScore(
                run=run,
                staff=s,
                score=staff_totals[s.pk],
                rank=staff_ranks[s.pk],
                award=rubric.star_name if s.pk in stars else "",
            )
            for s in staff
        )
        if previous is not None:
            run.changes = diff_runs(old=previous, new=run)
            run.save(update_fields=["changes"])
        return run


def _flags(
    department: Any,
    figures: selectors.PeriodFigures,
    zero_case: set[int],
    scores: dict[str, Decimal | None],
) -> list[dict[str, Any]]:
    own = figures.departments.get(department.pk, {})
    flags: list[dict[str, Any]] = []
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
    missing = [code for code, score in scores.items() if score is None]
    if missing:
        flags.append(
            {
                "kind": "missing_marks",
                "message": _("未录入评分的维度:%(d)s") % {"d": ", ".join(missing)},
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


def publish_run(*, run: EvaluationRun, actor: Any) -> EvaluationRun:
    """Freeze a run as the period's published result; an earlier published run is superseded."""
    with transaction.atomic():
        run = EvaluationRun.objects.select_for_update().get(pk=run.pk)
        if run.status != EvaluationRun.Status.DRAFT:
            raise InvalidTransition(_("只能发布草稿状态的评价结果。"))
        newer = run.period.runs.filter(version__gt=run.version).exists()
        if newer:
            raise Conflict(_("该考核期已有更新的计算结果,请发布最新版本。"))
        run.period.runs.filter(status=EvaluationRun.Status.PUBLISHED).update(
            status=EvaluationRun.Status.SUPERSEDED
        )
        run.status = EvaluationRun.Status.PUBLISHED
        run.published_at = timezone.now()
        run.published_by = actor if getattr(actor, "is_authenticated", False) else None
        run.save(update_fields=["status", "published_at", "published_by"])
        return run


def report_run(*, center: Center, code: str) -> EvaluationRun:
    """The run a report is made of: the published one, else the latest, else a new computation."""
    period = ensure_period(center=center, code=code)
    return (
        selectors.latest_run(period=period, published_only=True)
        or selectors.latest_run(period=period)
        or evaluate_period(center=center, code=code)
    )


def write_report(
    *, center: Center, code: str, out_dir: Path, issued_on: dt.date | None = None
) -> list[Path]:
    """Write the bulletin (.docx) and the tables (.xlsx) of a period into `out_dir`."""
    run = report_run(center=center, code=code)
    settings = ensure_bulletin_settings(center=center)
    bulletin = compose_bulletin(
        run=run, settings=settings, issued_on=issued_on or timezone.localdate()
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{center.region_code}-{run.period.code}-v{run.version}"
    docx_path = out_dir / f"{stem}-bulletin.docx"
    xlsx_path = out_dir / f"{stem}-tables.xlsx"
    docx_path.write_bytes(bulletin_docx(bulletin))
    xlsx_path.write_bytes(tables_xlsx(report_tables(run)))
    return [docx_path, xlsx_path]
