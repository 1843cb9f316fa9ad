"""The queue benchmark's goals: throughput as a share of the one-write ceiling of the same run."""

from bench.bench_queue import CYCLE_GOAL, ISSUE_GOAL, P99_GOAL_MS, _load_figures
from bench.common import LoadResult


def load(throughput: float, p99: float = 10.0) -> LoadResult:
    n = int(throughput * 10)
    return LoadResult(
        requests=n, errors=0, seconds=10.0, latencies_ms=[p99] * 100, statuses={200: n}
    )


def judged(throughput: float, *, goal: float, paced_p99: float = 10.0) -> tuple[bool, bool]:
    bare, write = load(1000.0), load(500.0)
    closed, paced = load(throughput), load(throughput / 2, p99=paced_p99)
    speed, latency = _load_figures("x", closed, paced, (bare, bare, write), "", goal=goal)
    assert speed["reference"] == 500.0 and speed["ratio"] == round(throughput / 500.0, 3)
    assert "of the bare view" in speed["notes"]
    return speed["ok"], latency["ok"]


def test_issue_is_judged_against_a_quarter_of_the_write_ceiling():
    assert ISSUE_GOAL == 0.25
    assert judged(125.0, goal=ISSUE_GOAL) == (True, True)  # 12.5 % of the bare view
    assert judged(124.0, goal=ISSUE_GOAL)[0] is False


def test_the_call_cycle_is_judged_against_a_fifth_of_it_and_latency_paced():
    assert CYCLE_GOAL == 0.20
    assert judged(100.0, goal=CYCLE_GOAL) == (True, True)
    assert judged(99.0, goal=CYCLE_GOAL)[0] is False
    assert judged(100.0, goal=CYCLE_GOAL, paced_p99=P99_GOAL_MS + 1) == (True, False)
