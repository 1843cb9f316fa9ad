from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govhall.core.errors import ValidationFailed
from govhall.performance.periods import parse_period
from govhall.performance.rules import RULES
from govhall.performance.scoring import (
    competition_ranks,
    pick,
    ranking_key,
    rules_score,
    tie_key,
    weighted_total,
)

totals = st.dictionaries(
    st.integers(min_value=1, max_value=50),
    st.decimals(min_value=0, max_value=100, places=2),
    min_size=1,
    max_size=30,
)


@given(totals)
def test_competition_ranks(t):
    ranks = competition_ranks({k: ranking_key(v, ()) for k, v in t.items()})
    for key, total in t.items():
        assert ranks[key] == 1 + sum(1 for other in t.values() if other > total)


def test_ties_share_a_rank_and_the_next_skips():
    totals = {"a": Decimal("90"), "b": Decimal("95"), "c": Decimal("90"), "d": Decimal("80")}
    ranks = competition_ranks({k: ranking_key(v, ()) for k, v in totals.items()})
    assert ranks == {"b": 1, "a": 2, "c": 2, "d": 4}


def test_equal_totals_are_decided_by_volume_then_wait():
    figures = {
        "a": {"accepted": 10, "avg_wait_seconds": 300},
        "b": {"accepted": 30, "avg_wait_seconds": 600},
        "c": {"accepted": 10, "avg_wait_seconds": 200},
        "d": {"accepted": 10},  # no wait figure: after those with one
    }
    keys = {
        k: ranking_key(Decimal("90"), tie_key(f, ["-accepted", "avg_wait_seconds"]))
        for k, f in figures.items()
    }
    assert competition_ranks(keys) == {"b": 1, "c": 2, "a": 3, "d": 4}


def test_pick_gives_exactly_n_of_the_eligible_in_order():
    ordered = ["a", "b", "c", "d", "e"]
    assert pick(ordered, 2, lambda k: True) == ["a", "b"]
    assert pick(ordered, 2, lambda k: k not in {"a", "c"}) == ["b", "d"]
    assert pick(ordered, 9, lambda k: k != "e") == ["a", "b", "c", "d"]


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
        ("completion_rate", {}, 40, {}, None),  # no cases: no data, never full marks
        ("completion_rate", {"completion_rate": None}, 40, {}, None),
        ("waits", {"avg_wait_seconds": None}, 10, {}, None),
        ("attendance", {"staff_count": 0, "late": 0}, 100, {}, None),  # nobody scheduled
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
            {"staff_count": 2, "late": 2, "absence_from_post_minutes": 30},
            100,
            {"per_late": 2, "per_absence_minute": 0.2},
            "90.00",
        ),
    ],
)
def test_rules(rule, figures, points, params, expected):
    got = RULES[rule].score(figures, Decimal(points), params, [figures])
    assert got == (Decimal(expected) if expected is not None else None)


def test_volume_is_relative_to_the_best():
    population = [{"tickets_served": 100, "accepted": 20}, {"tickets_served": 50, "accepted": 10}]
    assert RULES["volume"].score(population[1], Decimal(40), {}, population) == Decimal("20.00")


def test_rules_score_out_of_100():
    score = rules_score(
        {"overdue": 1, "completion_rate": 1.0},
        [("overdue_cases", Decimal(30), {"per_case": 10}), ("completion_rate", Decimal(70), {})],
        [],
    )
    assert score.score == Decimal("90.00") and score.no_data == ()


def test_a_rule_without_data_is_left_out_and_its_points_re_spread():
    rules = [
        ("overdue_cases", Decimal(30), {"per_case": 10}),
        ("good_rating_rate", Decimal(70), {}),
    ]
    score = rules_score({"overdue": 1, "good_rate": None}, rules, [])
    assert score.score == Decimal("66.67")  # 20 of the 30 points that had data
    assert score.no_data == ("good_rating_rate",)
    nothing = rules_score({}, [("good_rating_rate", Decimal(70), {})], [])
    assert nothing.score is None and nothing.no_data == ("good_rating_rate",)


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
