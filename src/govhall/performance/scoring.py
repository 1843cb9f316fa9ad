"""The arithmetic of the ranking, pure and separately tested.

- A data dimension scores Σ rule points earned ÷ Σ rule points × 100, over the rules the unit
  has data for (a rule without data is left out and its points re-spread over the others); a
  dimension none of whose rules has data is not scored. A deduction is divided by the unit's
  size at the item's scale (rules.SCALES): per event, per staff member, per 100 cases or per
  100 services.
- An entered dimension (peer / public / panel) scores the mean of its evaluators' marks (0–100).
- A dimension with no data for a unit (nobody entered a mark) is left out of that unit's total,
  whose weights are then renormalised; the unit is flagged.
- The total is Σ weight × dimension score ÷ Σ weight of the dimensions scored, to 0.01.
- Ranks are competition ranks ("1224") over the ordering key: the total, then the rubric's tie
  breakers; units equal on all of them share a rank, the next rank skips.
- An award goes to exactly its count of eligible units, best first by its criterion, then by
  the ranking's key, then by the units' own order (``ordered``), so a tie at the boundary is
  decided by a stated rule, never by awarding everyone tied.
- The volume floor: a unit needs at least ⌈share × the median services of the units that would
  otherwise be ranked⌉ services (``award_floor``) to be ranked and awarded; the units under it
  are listed apart (``volume_floor``); 0 when the rubric sets no floor.
"""

import math
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from govhall.performance.rules import EVENT, RULES, quantize

K = TypeVar("K")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class DimensionScore:
    score: Decimal | None
    no_data: tuple[str, ...]  # the rules the unit had no data for


RuleItem = tuple[str, Decimal, dict[str, Any]] | tuple[str, Decimal, dict[str, Any], str]


def rules_score(
    figures: Mapping[str, Any],
    rules: Iterable[RuleItem],
    population: Sequence[Mapping[str, Any]],
) -> DimensionScore:
    """A data dimension's score out of 100 from its (rule, points, params[, scale]) items (per
    event without a scale), over the rules the unit has data for."""
    earned = Decimal(0)
    possible = Decimal(0)
    no_data: list[str] = []
    for code, points, params, *scale in rules:
        points = Decimal(points)
        got = RULES[code].score(figures, points, params, population, scale[0] if scale else EVENT)
        if got is None:
            no_data.append(code)
            continue
        earned += got
        possible += points
    if not possible:
        return DimensionScore(None, tuple(no_data))
    return DimensionScore(quantize(earned * HUNDRED / possible), tuple(no_data))


def weighted_total(
    dimension_scores: Mapping[str, Decimal | None], weights: Mapping[str, Decimal]
) -> Decimal:
    scored = {code: s for code, s in dimension_scores.items() if s is not None}
    weight_sum = sum((Decimal(weights[c]) for c in scored), Decimal(0))
    if not weight_sum:
        return Decimal("0.00")
    return quantize(sum(Decimal(weights[c]) * s for c, s in scored.items()) / weight_sum)


def tie_key(figures: Mapping[str, Any], tie_breakers: Sequence[str]) -> tuple[Any, ...]:
    """The figures a tie is decided by, as a key sorting best first: "-accepted" puts the larger
    first, "avg_wait_seconds" the smaller; a unit without the figure comes after those with it."""
    key: list[Any] = []
    for name in tie_breakers:
        value = figures.get(name.lstrip("-"))
        if value is None:
            key.append((1, 0.0))
        else:
            key.append((0, -float(value) if name.startswith("-") else float(value)))
    return tuple(key)


def ranking_key(total: Decimal | None, tie: tuple[Any, ...]) -> tuple[Any, ...]:
    """Best first: the higher total (a unit without one last), then the tie breakers."""
    return ((1, Decimal(0)) if total is None else (0, -total), tie)


def competition_ranks(keys: Mapping[K, Any]) -> dict[K, int]:
    """Competition ranks over sort keys (best first): equal keys share a rank."""
    ordered = sorted(keys.items(), key=lambda kv: kv[1])
    ranks: dict[K, int] = {}
    previous: Any = object()
    rank = 0
    for position, (key, value) in enumerate(ordered, start=1):
        if value != previous:
            rank = position
            previous = value
        ranks[key] = rank
    return ranks


def award_floor(services: Sequence[float], share: Decimal | float) -> int:
    """The fewest services a unit needs to be ranked and awarded: ⌈share × the median of the
    candidate units' services⌉ (0 without units or without a floor). The name is the one runs
    store it under (``inputs["award_floor"]``)."""
    if not services or not share:
        return 0
    median = Decimal(str(statistics.median(services)))
    return math.ceil(Decimal(str(share)) * median)


def volume_floor(
    units: Sequence[K], services: Callable[[K], float], share: Decimal | float
) -> tuple[int, list[K], list[K]]:
    """The floor over the candidate units' services, the units at or above it and the units
    under it, each in the given order."""
    floor = award_floor([services(unit) for unit in units], share)
    return (
        floor,
        [unit for unit in units if services(unit) >= floor],
        [unit for unit in units if services(unit) < floor],
    )


def pick(ordered: Sequence[K], n: int, eligible: Callable[[K], bool]) -> list[K]:
    """The first n eligible of units already ordered best first (exactly n when there are)."""
    return [k for k in ordered if eligible(k)][:n]
