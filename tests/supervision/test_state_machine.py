"""Random sequences of actions on one unit's problems keep the list's invariants."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govhall.core.errors import DomainError
from govhall.supervision import selectors, services
from govhall.supervision.models import Problem, SignOff

pytestmark = pytest.mark.django_db

ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["create", "fix", "confirm", "reopen", "sign_off"]),
        st.integers(min_value=0, max_value=3),  # which problem
        st.integers(min_value=0, max_value=60),  # days after 2018-05-12
    ),
    min_size=1,
    max_size=14,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=ACTIONS)
def test_invariants_hold_after_any_sequence(clock, lead, inspector, unit, category, actions):
    Problem.objects.filter(unit=unit).delete()
    SignOff.objects.filter(unit=unit).delete()
    problems: list[Problem] = []
    day = dt.date(2018, 5, 12)
    for action, index, offset in sorted(actions, key=lambda a: a[2]):
        clock(day + dt.timedelta(days=offset))
        target = problems[index % len(problems)] if problems else None
        try:
            if action == "create" or target is None:
                problems.append(
                    services.create_problem(
                        actor=lead, unit=unit, category=category, description="p", measure="m",
                        deadline=dt.date(2018, 6, 1),
                    )
                )  # fmt: skip
            elif action == "fix":
                services.mark_fixed(actor=lead, problem=target, fix_note="done")
            elif action == "confirm":
                services.confirm_problem(actor=inspector, problem=target)
            elif action == "reopen":
                services.reopen_problem(actor=inspector, problem=target, reason="no")
            else:
                services.sign_off(actor=lead, unit=unit)
        except DomainError:
            pass  # refused actions change nothing; the invariants below say so
    rows = Problem.objects.filter(unit=unit)
    on = day + dt.timedelta(days=61)
    (row,) = selectors.campaign_progress(
        campaign_id=unit.campaign_id, on=on, unit_ids=[unit.pk]
    ).rows
    assert row.found == rows.count() == row.fixed_on_time + row.fixed_late + row.open
    assert row.open == rows.filter(status__in=Problem.OPEN_STATUSES).count()
    assert row.overdue == selectors.overdue_problems(campaign_id=unit.campaign_id, on=on).count()
    for problem in rows:
        assert (problem.fixed_on is None) == problem.is_open
        kinds = list(problem.events.values_list("kind", flat=True))
        assert kinds[0] == "created"
        assert kinds.count("fixed") == kinds.count("reopened") + (0 if problem.is_open else 1)
    active = SignOff.objects.filter(unit=unit, revoked_at__isnull=True)
    assert active.count() <= 1
    if active.exists():
        assert row.open == 0
