"""Writes of the evaluation: rubrics, periods, marks entered by evaluators, runs and publishing."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from govhall.core.models import Center
from govhall.performance import selectors
from govhall.performance.checks import Check, check_snapshot
from govhall.performance.defaults import (
    DEFAULT_AWARD_MIN_VOLUME_SHARE,
    DEFAULT_AWARDS,
    DEFAULT_DIMENSIONS,
    DEFAULT_REQUIREMENTS,
    DEFAULT_RUBRIC_NAME,
    DEFAULT_STAR_RULES,
    DEFAULT_TIE_BREAKERS,
)
from govhall.performance.documents import bulletin_docx, tables_xlsx
from govhall.performance.models import (
    BulletinSettings,
    DepartmentScore,
    EvaluationPeriod,
    EvaluationRun,
    ManualScore,
    Rubric,
    RubricAward,
    RubricDimension,
    RubricRule,
    StaffScore,
)
from govhall.performance.periods import parse_period
from govhall.performance.report import Bulletin, compose_bulletin, report_tables
from govhall.performance.rules import EVENT, RULES, SCALES, Population, quantize, services_of
from govhall.performance.scoring import (
    competition_ranks,
    pick,
    ranking_key,
    rules_score,
    tie_key,
    volume_floor,
    weighted_total,
)


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
            tie_breakers=DEFAULT_TIE_BREAKERS,
            award_min_volume_share=DEFAULT_AWARD_MIN_VOLUME_SHARE,
        )
        RubricAward.objects.bulk_create(
            RubricAward(
                rubric=rubric,
                name=str(name),
                subject=subject,
                count=count,
                criterion=criterion,
                order=order,
            )
            for order, (name, subject, count, criterion) in enumerate(DEFAULT_AWARDS)
        )
        for order, (code, name, weight, method, rules) in enumerate(DEFAULT_DIMENSIONS):
            dimension = RubricDimension.objects.create(
                rubric=rubric, code=code, name=str(name), weight=weight, method=method, order=order
            )
            RubricRule.objects.bulk_create(
                RubricRule(
                    dimension=dimension,
                    rule=rule,
                    points=points,
                    params=params,
                    scale=scale,
                    order=i,
                )
                for i, (rule, points, params, scale) in enumerate(rules)
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
        awards = list(rubric.awards.all())
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
        RubricAward.objects.bulk_create(
            RubricAward(
                rubric=copy,
                name=a.name,
                subject=a.subject,
                count=a.count,
                criterion=a.criterion,
                excludes_overdue=a.excludes_overdue,
                order=a.order,
            )
            for a in awards
        )
        return copy


def _validate_scale(code: str, scale: str) -> None:
    if scale not in SCALES:
        raise ValidationFailed(
            _("规则“%(rule)s”的扣分口径“%(scale)s”不存在。") % {"rule": code, "scale": scale},
            code="bad_rubric",
        )
    if scale != EVENT and not RULES[code].scalable:
        raise ValidationFailed(
            _("“%(rule)s”不是扣分类规则,只能按次(件)计。") % {"rule": RULES[code].label},
            code="bad_rubric",
        )


def validate_rubric(*, rubric: Rubric) -> None:
    """A rubric is usable when its weights are positive, every rule exists with its params and
    only deductions are read at a scale other than per event."""
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
            _validate_scale(rule.rule, rule.scale)
        if dimension.method == RubricDimension.Method.DATA and not dimension.rules.exists():
            raise ValidationFailed(
                _("数据计算维度“%(dim)s”没有评分规则。") % {"dim": dimension.name},
                code="bad_rubric",
            )
    codes = {d.code for d in dimensions}
    figure_keys = selectors.figure_keys()
    for award in rubric.awards.all():
        known = (
            codes | {"total"}
            if award.subject == RubricAward.Subject.DEPARTMENT
            else figure_keys | {"score"}
        )
        if award.criterion not in known:
            raise ValidationFailed(
                _("奖项“%(award)s”的评选依据“%(criterion)s”不存在。")
                % {"award": award.name, "criterion": award.criterion},
                code="bad_rubric",
            )
    for star in rubric.star_rules:
        if star.get("rule") not in RULES:
            raise ValidationFailed(
                _("个人评分规则使用了不存在的规则“%(rule)s”。") % {"rule": star.get("rule")},
                code="bad_rubric",
            )
        _validate_scale(star["rule"], star.get("scale", EVENT))
    unknown = {name.lstrip("-") for name in rubric.tie_breakers} - figure_keys
    if unknown:
        raise ValidationFailed(
            _("同分比较顺序中没有这些指标:%(names)s。") % {"names": ", ".join(sorted(unknown))},
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


@dataclass
class UnitResult:
    """One unit's outcome in a run: what DepartmentScore / StaffScore rows are made of."""

    total: Decimal
    standing: str = DepartmentScore.Standing.RANKED
    dimension_scores: dict[str, Decimal | None] = field(default_factory=dict)
    no_data: list[str] = field(default_factory=list)
    rank: int | None = None
    awards: list[str] = field(default_factory=list)
    # Why a ranked unit may hold no award (NO_ATTENDANCE), "" when it may.
    not_awarded: str = ""


# A ranked unit is kept out of the awards when nobody of it was recorded present (实出勤天数 0).
NO_ATTENDANCE = "no_attendance"


def award_bar(figures: dict[str, Any]) -> str:
    """Why a ranked unit with these figures may not be awarded ("" when it may)."""
    return "" if float(figures.get("present_days") or 0) else NO_ATTENDANCE


def _best_first(value: Any) -> tuple[int, float]:
    """Sort key of a figure where more is better (a unit without it last)."""
    return (1, 0.0) if value is None else (0, -float(value))


def _standing(department: Any, own: dict[str, Any], result: UnitResult, rubric: Rubric) -> str:
    Standing = DepartmentScore.Standing
    if not department.entered:
        return Standing.NOT_ENTERED
    if not own.get("accepted"):
        return Standing.NO_CASES
    if all(v is None for v in result.dimension_scores.values()) or (
        rubric.no_data_policy == "not_rated" and result.no_data
    ):
        return Standing.NOT_RATED
    return Standing.RANKED


def rank_departments(
    *,
    rubric: Rubric,
    departments: list[Any],
    figures: selectors.PeriodFigures,
    manual: dict[tuple[int, int], float],
) -> tuple[dict[int, UnitResult], int]:
    """Every unit's dimension scores, total and standing; the ranked units' ranks and awards;
    and the volume floor (the fewest services a ranked unit has).

    Units not entered, without cases, not rated or under the floor (the rubric's share of the
    median services of the units otherwise ranked) are scored but listed apart: never ranked,
    never awarded. A ranked unit without attendance keeps its rank but no award. Each
    department award goes to exactly its count of eligible units (fewer only when fewer are
    eligible), best first by its criterion, then the ranking's order."""
    dimensions = list(rubric.dimensions.all())
    weights = {d.code: d.weight for d in dimensions}
    population = Population(figures.departments.get(d.pk, {}) for d in departments)
    results: dict[int, UnitResult] = {}
    for department in departments:
        own = figures.departments.get(department.pk, {})
        result = UnitResult(total=Decimal("0.00"))
        for dimension in dimensions:
            if dimension.method == RubricDimension.Method.DATA:
                got = rules_score(
                    own,
                    [(r.rule, r.points, r.params, r.scale) for r in dimension.rules.all()],
                    population,
                )
                result.dimension_scores[dimension.code] = got.score
                result.no_data += got.no_data
            else:
                mark = manual.get((dimension.pk, department.pk))
                result.dimension_scores[dimension.code] = (
                    quantize(mark) if mark is not None else None
                )
        result.total = weighted_total(result.dimension_scores, weights)
        result.standing = _standing(department, own, result, rubric)
        results[department.pk] = result

    floor, ranked, under = volume_floor(
        [d for d in departments if results[d.pk].standing == DepartmentScore.Standing.RANKED],
        lambda d: services_of(figures.departments.get(d.pk, {})),
        rubric.award_min_volume_share,
    )
    for department in under:
        results[department.pk].standing = DepartmentScore.Standing.LOW_VOLUME
    keys = {
        d.pk: ranking_key(
            results[d.pk].total, tie_key(figures.departments.get(d.pk, {}), rubric.tie_breakers)
        )
        for d in ranked
    }
    for pk, rank in competition_ranks(keys).items():
        results[pk].rank = rank
    for department in ranked:
        results[department.pk].not_awarded = award_bar(figures.departments.get(department.pk, {}))
    order = sorted(ranked, key=lambda d: keys[d.pk])  # stable: then the departments' own order
    for award in rubric.awards.all():
        if award.subject != RubricAward.Subject.DEPARTMENT:
            continue
        by_dimension = award.criterion != "total"
        ordered = (
            sorted(
                order, key=lambda d: _best_first(results[d.pk].dimension_scores[award.criterion])
            )
            if by_dimension
            else order
        )

        def eligible(department: Any, award: RubricAward = award) -> bool:
            own = figures.departments.get(department.pk, {})
            if results[department.pk].not_awarded:
                return False
            if award.excludes_overdue and (own.get("overdue") or 0) > 0:
                return False
            return award.criterion == "total" or (
                results[department.pk].dimension_scores[award.criterion] is not None
            )

        for department in pick(ordered, award.count, eligible):
            results[department.pk].awards.append(award.name)
    return results, floor


def rank_staff(
    *, rubric: Rubric, staff: list[Any], figures: selectors.PeriodFigures
) -> dict[int, UnitResult]:
    """Every staff member's score by the rubric's star rules, rank and awards. Only those who
    served someone (a ticket or a case) are eligible for an award."""
    population = Population(figures.staff.get(s.pk, {}) for s in staff)
    rules = [
        (r["rule"], Decimal(str(r["points"])), r.get("params", {}), r.get("scale", EVENT))
        for r in rubric.star_rules
    ]
    results = {
        s.pk: UnitResult(
            total=rules_score(figures.staff.get(s.pk, {}), rules, population).score
            or Decimal("0.00")
        )
        for s in staff
    }
    keys = {
        s.pk: ranking_key(
            results[s.pk].total, tie_key(figures.staff.get(s.pk, {}), rubric.tie_breakers)
        )
        for s in staff
    }
    for pk, rank in competition_ranks(keys).items():
        results[pk].rank = rank
    order = sorted(staff, key=lambda s: (keys[s.pk], s.staff_number))
    for award in rubric.awards.all():
        if award.subject != RubricAward.Subject.STAFF:
            continue
        ordered = (
            order
            if award.criterion == "score"
            else sorted(
                order, key=lambda s: _best_first(figures.staff.get(s.pk, {}).get(award.criterion))
            )
        )

        def eligible(member: Any, award: RubricAward = award) -> bool:
            own = figures.staff.get(member.pk, {})
            served = (own.get("tickets_served") or 0) + (own.get("accepted") or 0)
            return served > 0 and not (award.excludes_overdue and (own.get("overdue") or 0) > 0)

        for member in pick(ordered, award.count, eligible):
            results[member.pk].awards.append(award.name)
    return results


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
    spec = parse_period(code)
    if spec.start > timezone.localdate():
        raise ValidationFailed(
            _("考核期%(period)s尚未开始,不能评价。") % {"period": spec.label}, code="future_period"
        )
    rubric = rubric or ensure_default_rubric(center=center)
    validate_rubric(rubric=rubric)
    figures = selectors.gather_figures(
        center_id=center.pk, start=spec.start, end=spec.end, concurrent=concurrent
    )
    if figures.is_empty():
        raise ValidationFailed(
            _("%(period)s没有任何业务数据(取号、办件、评价、帮办代办),不能评价。")
            % {"period": spec.label},
            code="empty_period",
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
        previous = selectors.latest_run(period=period, published_only=True)
        version = (
            period.runs.order_by("-version").values_list("version", flat=True).first() or 0
        ) + 1
        run = EvaluationRun.objects.create(
            center=center,
            period=period,
            rubric=rubric,
            version=version,
            computed_by=actor if getattr(actor, "is_authenticated", False) else None,
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
    return _jsonable(
        {
            "center_name": center.name,
            "period": {
                "code": period.code,
                "label": period.label,
                "start": str(period.start),
                "end": str(period.end),
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
            "center": figures.center,
            "hall": figures.hall,
            "last_year": figures.last_year,
            "upstream": figures.upstream,
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


def edit_run_text(
    *, run: EvaluationRun, narrative_work: str, narrative_problems: str
) -> EvaluationRun:
    """The paragraphs the office writes for a draft's bulletin (seed 000 (四)部门重视, 二(一));
    a published run's are frozen with it."""
    with transaction.atomic():
        run = EvaluationRun.objects.select_for_update().get(pk=run.pk)
        if run.status != EvaluationRun.Status.DRAFT:
            raise InvalidTransition(_("已发布的通报不能修改。"))
        run.narrative_work = narrative_work.strip()
        run.narrative_problems = narrative_problems.strip()
        run.save(update_fields=["narrative_work", "narrative_problems"])
        return run


def bulletin_texts(*, settings: BulletinSettings, center: Center) -> dict[str, str]:
    """The centre's bulletin settings as a run freezes them when it is published."""
    return {
        "addressees": settings.addressees,
        "basis": settings.basis,
        "requirements": settings.requirements,
        "closing": settings.closing,
        "issuer": settings.issuer or center.name,
    }


def publish_run(
    *, run: EvaluationRun, actor: Any, issued_on: dt.date | None = None
) -> EvaluationRun:
    """Freeze a run as the period's published result; an earlier published run is superseded.

    The bulletin's settings (addressees, basis, requirements, closing, issuer) and its date are
    stored with the run, so its document never changes again. A run whose figures break an
    invariant (checks.py) is refused with the failed checks."""
    failed = [c.text for c in check_run(run=run) if not c.ok]
    if failed:
        raise ValidationFailed(
            _("评价结果未通过数据校验,不能发布:%(failed)s") % {"failed": ";".join(failed)},
            code="check_failed",
            detail={"failed": failed},
        )
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
        run.issued_on = issued_on or timezone.localdate()
        run.bulletin = bulletin_texts(
            settings=ensure_bulletin_settings(center=run.center), center=run.center
        )
        run.save(update_fields=["status", "published_at", "published_by", "issued_on", "bulletin"])
        return run


def report_run(*, center: Center, code: str) -> EvaluationRun:
    """The run a report is made of: the published one, else the latest draft; a period that
    was never evaluated is refused (evaluate it first)."""
    period = EvaluationPeriod.objects.filter(center=center, code=parse_period(code).code).first()
    run = period and (
        selectors.latest_run(period=period, published_only=True)
        or selectors.latest_run(period=period)
    )
    if not run:
        raise NotFound(
            _("考核期%(code)s还没有评价结果,请先运行 govhall evaluate。")
            % {"code": parse_period(code).code}
        )
    return run


def bulletin_of(*, run: EvaluationRun, issued_on: dt.date | None = None) -> Bulletin:
    """The bulletin of a run: a published one as frozen (its date cannot be changed); a draft
    with the centre's current settings, dated `issued_on` (today by default), marked 草稿."""
    if run.status != EvaluationRun.Status.DRAFT:
        if issued_on is not None and issued_on != run.issued_on:
            raise ValidationFailed(
                _("已发布的通报成文日期为%(day)s,不能更改。") % {"day": run.issued_on},
                code="published_date",
            )
        return compose_bulletin(run=run, texts=run.bulletin, issued_on=run.issued_on)
    texts = bulletin_texts(settings=ensure_bulletin_settings(center=run.center), center=run.center)
    return compose_bulletin(run=run, texts=texts, issued_on=issued_on or timezone.localdate())


def write_report(
    *, center: Center, code: str, out_dir: Path, issued_on: dt.date | None = None
) -> list[Path]:
    """Write the bulletin (.docx) and the tables (.xlsx) of a period into `out_dir`."""
    run = report_run(center=center, code=code)
    bulletin = bulletin_of(run=run, issued_on=issued_on)
    out_dir.mkdir(parents=True, exist_ok=True)
    draft = "-draft" if run.status == EvaluationRun.Status.DRAFT else ""
    stem = f"{center.region_code}-{run.period.code}-v{run.version}{draft}"
    docx_path = out_dir / f"{stem}-bulletin.docx"
    xlsx_path = out_dir / f"{stem}-tables.xlsx"
    docx_path.write_bytes(bulletin_docx(bulletin))
    xlsx_path.write_bytes(tables_xlsx(report_tables(run)))
    return [docx_path, xlsx_path]
