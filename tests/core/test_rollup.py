"""`rollup`: one grouped query added up into the total and each key alone, checked against the
database's own one-level GROUP BY for arbitrary rows (NULL keys, NULL sums, empty sets)."""

import pytest
from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import NullIf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govhall.core.models import OutboxEvent
from govhall.core.selectors import regrouped, rollup

pytestmark = pytest.mark.django_db

AGGREGATES = {
    "n": Count("id"),
    "sent": Count("id", filter=Q(status=OutboxEvent.Status.SENT)),
    "tries": Sum("attempts"),
    "dead_tries": Sum("attempts", filter=Q(status=OutboxEvent.Status.DEAD)),
}
KEYS = {"stream": "stream", "kind": NullIf("kind", Value("none"))}  # a name or an expression

rows = st.lists(
    st.tuples(
        st.sampled_from(["case:1", "case:2", "case:3"]),
        st.sampled_from(["accepted", "completed", "none"]),
        st.integers(0, 9),
        st.sampled_from(OutboxEvent.Status.values),
    ),
    max_size=40,
)


def one_level(qs, key):
    expression = F(KEYS[key]) if isinstance(KEYS[key], str) else KEYS[key]
    grouped = qs.annotate(_key=expression).order_by().values("_key").annotate(**AGGREGATES)
    return {row.pop("_key"): row for row in grouped}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=rows)
def test_rollup_equals_each_level_grouped_alone(center, rows):
    OutboxEvent.objects.all().delete()
    OutboxEvent.objects.bulk_create(
        OutboxEvent(center=center, stream=s, kind=k, attempts=a, status=st_, payload={})
        for s, k, a, st_ in rows
    )
    qs = OutboxEvent.objects.filter(center=center)

    result = rollup(qs, AGGREGATES, KEYS)

    assert result.total == qs.aggregate(**AGGREGATES)
    assert result.by == {key: one_level(qs, key) for key in KEYS}
    assert (None in result.by["kind"]) == any(k == "none" for _s, k, _a, _st in rows)


def test_rollup_without_keys_is_the_plain_aggregate(center, django_assert_num_queries):
    OutboxEvent.objects.create(center=center, stream="case:1", kind="x", attempts=2, payload={})
    qs = OutboxEvent.objects.filter(center=center)
    with django_assert_num_queries(1):
        result = rollup(qs, AGGREGATES, {})
    assert result.total == {"n": 1, "sent": 0, "tries": 2, "dead_tries": None}
    assert result.by == {}


def test_rollup_costs_one_query(center, django_assert_num_queries):
    OutboxEvent.objects.create(center=center, stream="case:1", kind="x", attempts=2, payload={})
    with django_assert_num_queries(1):
        rollup(OutboxEvent.objects.filter(center=center), AGGREGATES, KEYS)


def test_rollup_over_no_rows_costs_one_query(center, django_assert_num_queries):
    with django_assert_num_queries(1):
        result = rollup(OutboxEvent.objects.filter(center=center), AGGREGATES, KEYS)
    assert result.total == {"n": 0, "sent": 0, "tries": None, "dead_tries": None}
    assert result.by == {"stream": {}, "kind": {}}


def test_regrouped_adds_up_the_groups_that_fall_together():
    groups = {1: {"n": 2, "tries": None}, 2: {"n": 3, "tries": 4}, 3: {"n": 1, "tries": 5}}
    assert regrouped(groups, {1: "a", 2: "a"}) == {
        "a": {"n": 5, "tries": 4},
        None: {"n": 1, "tries": 5},
    }
