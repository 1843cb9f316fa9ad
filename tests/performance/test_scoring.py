from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govhall.core.errors import ValidationFailed
from govhall.performance.periods import parse_period
from govhall.performance.rules import RULES
from govhall.performance.scoring import competition_ranks, rules_score, top_n, weighted_total

totals = st.dictionaries(
    st.integers(min_value=1, max_value=50),
    st.decimals(min_value=0, max_value=100, places=2),
    min_size=1,
    max_size=30,
)


@given(totals)
def test_competition_ranks(t):
    ranks = competition_ranks(t)
    for key, total in t.items():
        assert ranks[key] == 1 + sum(1 for other in t.values() if other > total)


def test_ties_share_a_rank_and_the_next_skips():
    ranks = competition_ranks(
        {"a": Decimal("90"), "b": Decimal("95"), "c": Decimal("90"), "d": Decimal("80")}
    )
    assert ranks == {"b": 1, "a": 2, "c": 2, "d": 4}


def test_top_n_includes_ties_and_skips_ineligible():
    ranks = {"a": 1, "b": 2, "c": 2, "d": 4, "e": 5}
    assert top_n(ranks, 2, ["a", "b", "c", "d", "e"]) == {"a", "b", "c"}
    assert top_n(ranks, 2, ["b", "c", "d"]) == {"b", "c"}
    assert top_n(ranks, 2, ["a", "d", "e"]) == {"a", "d"}


@given(
    st.dictionaries(
        st.sampled_from(["a", "b", "c"]),
        st.decimals(min_value=0, max_value=100, places=2),
        min_size=1,
    ),
    st.dictionaries(
        st.sampled_from(["a", "b", "c"]), st.integers(min_value=1, max_value=40), min_size=3
    ),
)
def test_weighted_total_is_a_mean_within_bounds(scores, weights):
    total = weighted_total(scores, {k: Decimal(v) for k, v in weights.items()})
    assert min(scores.values()) - Decimal("0.01") <= total <= max(scores.values()) + Decimal("0.01")


def test_weighted_total_leaves_out_unscored_dimensions():
    assert weighted_total(
        {"a": Decimal(80), "b": None}, {"a": Decimal(30), "b": Decimal(70)}
    ) == Decimal("80.00")


@pytest.mark.parametrize(
    ("rule", "figures", "points", "params", "expected"),
    [
        ("completion_rate", {"completion_rate": 0.9}, 40, {"target": 1.0, "floor": 0.8}, "20.00"),
        ("completion_rate", {}, 40, {}, "40.00"),
        ("overdue_cases", {"overdue": 2}, 30, {"per_case": 10}, "10.00"),
        ("overdue_cases", {"overdue": 5}, 30, {"per_case": 10}, "0.00"),
        ("good_rating_rate", {"good_rate": 0.95}, 30, {"target": 1.0, "floor": 0.9}, "15.00"),
        (
            "valid_complaints",
            {"complaints_valid": 1, "complaint_deductions": 3},
            20,
            {"per_complaint": 5},
            "12.00",
        ),
        ("waits", {"avg_wait_seconds": 300}, 10, {}, "10.00"),
        ("waits", {"avg_wait_seconds": 1080}, 10, {}, "5.00"),
        ("assisted_services", {"assists_total": 4}, 10, {}, "2.00"),
        ("has_cases", {"accepted": 0}, 20, {}, "0.00"),
        (
            "attendance",
            {"late": 2, "absence_from_post_minutes": 30},
            100,
            {"per_late": 2, "per_absence_minute": 0.2},
            "90.00",
        ),
    ],
)
def test_rules(rule, figures, points, params, expected):
    assert RULES[rule].score(figures, Decimal(points), params, [figures]) == Decimal(expected)


def test_volume_is_relative_to_the_best():
    population = [{"tickets_served": 100, "accepted": 20}, {"tickets_served": 50, "accepted": 10}]
    assert RULES["volume"].score(population[1], Decimal(40), {}, population) == Decimal("20.00")


def test_rules_score_out_of_100():
    score = rules_score(
        {"overdue": 1, "completion_rate": 1.0},
        [("overdue_cases", Decimal(30), {"per_case": 10}), ("completion_rate", Decimal(70), {})],
        [],
    )
    assert score == Decimal("90.00")


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [
        ("2026-05", "2026-05-01", "2026-05-31"),
        ("2026-02", "2026-02-01", "2026-02-28"),
        ("2026-Q2", "2026-04-01", "2026-06-30"),
        ("2017-H1", "2017-01-01", "2017-06-30"),
        ("2026-h2", "2026-07-01", "2026-12-31"),
        ("2026", "2026-01-01", "2026-12-31"),
    ],
)
def test_periods(code, start, end):
    spec = parse_period(code)
    assert (str(spec.start), str(spec.end)) == (start, end)


@pytest.mark.parametrize("code", ["2026-13", "2026-Q5", "26-05", "", "2026/05"])
def test_bad_periods(code):
    with pytest.raises(ValidationFailed):
        parse_period(code)
