import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from govhall.attendance import intervals

BASE = dt.datetime(2026, 10, 9, tzinfo=dt.UTC)


def span(a: int, b: int) -> intervals.Interval:
    return (BASE + dt.timedelta(minutes=min(a, b)), BASE + dt.timedelta(minutes=max(a, b)))


spans = st.lists(st.tuples(st.integers(0, 600), st.integers(0, 600)).map(lambda t: span(*t)))


def covered_minutes(ivs, minute):
    moment = BASE + dt.timedelta(minutes=minute, seconds=30)
    return any(a <= moment < b for a, b in ivs)


@settings(max_examples=60, deadline=None)
@given(base=st.tuples(st.integers(0, 600), st.integers(0, 600)), holes=spans)
def test_subtract_leaves_exactly_the_uncovered_minutes(base, holes):
    whole = span(*base)
    rest = intervals.subtract(whole, holes)
    for minute in range(0, 601, 7):
        inside = covered_minutes([whole], minute)
        assert covered_minutes(rest, minute) == (inside and not covered_minutes(holes, minute))
    assert intervals.covers(holes, whole) == (rest == [])


@settings(max_examples=60, deadline=None)
@given(a=spans, b=spans)
def test_intersect_is_pointwise_and(a, b):
    both = intervals.intersect(a, b)
    for minute in range(0, 601, 7):
        assert covered_minutes(both, minute) == (
            covered_minutes(a, minute) and covered_minutes(b, minute)
        )


def test_due_times_move_past_covering_holes():
    session = span(0, 180)
    holes = [span(0, 60), span(150, 200)]
    assert intervals.covered_from_start(session, holes) == BASE + dt.timedelta(minutes=60)
    assert intervals.covered_to_end(session, holes) == BASE + dt.timedelta(minutes=150)
    assert intervals.minutes(span(0, 61)) == 61
