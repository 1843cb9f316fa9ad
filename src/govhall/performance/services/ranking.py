"""Scoring and ranking the units and the staff of a period by a rubric, and who may be awarded."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from govhall.performance import selectors
from govhall.performance.models import DepartmentScore, Rubric, RubricAward, RubricDimension
from govhall.performance.rules import EVENT, Population, quantize, services_of
from govhall.performance.scoring import (
    competition_ranks,
    pick,
    ranking_key,
    rules_score,
    tie_key,
    volume_floor,
    weighted_total,
)


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
    keys = _rank(results, ranked, figures.departments, rubric.tie_breakers)
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


def _rank(
    results: dict[int, UnitResult],
    members: list[Any],
    figures: dict[int, dict[str, Any]],
    tie_breakers: Any,
) -> dict[int, Any]:
    """Rank `members` (competition ranking) by their total, ties broken by their `figures`;
    returns each one's ranking key (by pk)."""
    keys = {
        m.pk: ranking_key(results[m.pk].total, tie_key(figures.get(m.pk, {}), tie_breakers))
        for m in members
    }
    for pk, rank in competition_ranks(keys).items():
        results[pk].rank = rank
    return keys


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
    keys = _rank(results, staff, figures.staff, rubric.tie_breakers)
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
