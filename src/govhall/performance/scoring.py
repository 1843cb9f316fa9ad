"""The arithmetic of the ranking, pure and separately tested.

- A data dimension scores Σ rule points earned ÷ Σ rule points × 100.
- An entered dimension (peer / public / panel) scores the mean of its evaluators' marks (0–100).
- A dimension with no data for a unit (nobody entered a mark) is left out of that unit's total,
  whose weights are then renormalised; the unit is flagged.
- The total is Σ weight × dimension score ÷ Σ weight of the dimensions scored, to 0.01.
- Ranks are competition ranks ("1224"): equal totals share a rank, the next rank skips.
"""

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from govhall.performance.rules import RULES, quantize

K = TypeVar("K")
HUNDRED = Decimal(100)


def rules_score(
    figures: Mapping[str, Any],
    rules: Iterable[tuple[str, Decimal, dict[str, Any]]],
    population: Sequence[Mapping[str, Any]],
) -> Decimal | None:
    """A data dimension's score out of 100 from its (rule, points, params) items."""
    earned = Decimal(0)
    possible = Decimal(0)
    for code, points, params in rules:
        points = Decimal(points)
        earned += RULES[code].score(figures, points, params, population)
        possible += points
    if not possible:
        return None
    return quantize(earned * HUNDRED / possible)


def weighted_total(
    dimension_scores: Mapping[str, Decimal | None], weights: Mapping[str, Decimal]
) -> Decimal:
    scored = {code: s for code, s in dimension_scores.items() if s is not None}
    weight_sum = sum((Decimal(weights[c]) for c in scored), Decimal(0))
    if not weight_sum:
        return Decimal("0.00")
    return quantize(sum(Decimal(weights[c]) * s for c, s in scored.items()) / weight_sum)


def competition_ranks(totals: Mapping[K, Decimal]) -> dict[K, int]:
    ordered = sorted(totals.items(), key=lambda kv: kv[1], reverse=True)
    ranks: dict[K, int] = {}
    previous: Decimal | None = None
    rank = 0
    for position, (key, total) in enumerate(ordered, start=1):
        if total != previous:
            rank = position
            previous = total
        ranks[key] = rank
    return ranks


def top_n(ranks: Mapping[K, int], n: int, eligible: Iterable[K]) -> set[K]:
    """Eligible keys ranked within the first n places among the eligible (ties all included)."""
    eligible = set(eligible)
    eligible_ranks = competition_ranks({k: Decimal(-r) for k, r in ranks.items() if k in eligible})
    return {k for k, r in eligible_ranks.items() if r <= n}
