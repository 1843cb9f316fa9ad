"""Random sequences of actions on one unit's problems keep the list's invariants, and what the
reports said at the close of each day is what they say of that day afterwards."""

import contextlib
import datetime as dt
import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govhall.core.errors import DomainError
from govhall.supervision import selectors, services
from govhall.supervision.models import Problem, SignOff

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["create", "fix", "confirm", "reopen", "move", "evidence", "sign_off"]),
        st.integers(min_value=0, max_value=3),  # which problem (for "move": days later)
        st.integers(min_value=0, max_value=60),  # days after 2018-05-12
    ),
    min_size=1,
    max_size=14,
)


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _act(action, index, day, problems, *, lead, inspector, unit, category):
    target = problems[index % len(problems)] if problems else None
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
    elif action == "move":
        deadline = day + dt.timedelta(days=index)
        services.update_problem(actor=inspector, problem=target, deadline=deadline)
    elif action == "evidence":
        file = SimpleUploadedFile("photo.png", PNG, "image/png")
        services.add_evidence(actor=lead, problem=target, file=file)
    else:
        services.sign_off(actor=lead, unit=unit)


def _reports(unit, on):
    """What the reports say of `on`: the unit's progress row, its phase report, its list."""
    scope = {"campaign_id": unit.campaign_id, "on": on, "unit_ids": [unit.pk]}
    problems = [
        (p.problem.pk, p.status, p.deadline, p.fixed_on, p.evidence)
        for p in selectors.problems_on(**scope)
    ]
    return selectors.campaign_progress(**scope), selectors.phase_report(**scope), problems


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
    start = dt.date(2018, 5, 12)
    said = {}
    steps = sorted(actions, key=lambda a: a[2])
    for offset, today in itertools.groupby(steps, key=lambda a: a[2]):
        day = start + dt.timedelta(days=offset)
        clock(day)
        for action, index, _ in today:
            # A refused action changes nothing; the invariants below say so.
            with contextlib.suppress(DomainError):
                _act(
                    action, index, day, problems,
                    lead=lead, inspector=inspector, unit=unit, category=category,
                )  # fmt: skip
        said[day] = _reports(unit, day)
    rows = Problem.objects.filter(unit=unit)
    on = start + dt.timedelta(days=61)
    (row,) = selectors.campaign_progress(
        campaign_id=unit.campaign_id, on=on, unit_ids=[unit.pk]
    ).rows
    assert row.found == rows.count() == row.fixed_on_time + row.fixed_late + row.open
    assert row.open == rows.filter(status__in=Problem.OPEN_STATUSES).count()
    assert row.overdue == len(selectors.overdue_problems(campaign_id=unit.campaign_id, on=on))
    for problem in rows:
        assert (problem.fixed_on is None) == problem.is_open
        kinds = list(problem.events.values_list("kind", flat=True))
        assert kinds[0] == "created"
        assert kinds.count("fixed") == kinds.count("reopened") + (0 if problem.is_open else 1)
    active = SignOff.objects.filter(unit=unit, revoked_at__isnull=True)
    assert active.count() <= 1
    if active.exists():
        assert row.open == 0
    for day, then in said.items():
        assert _reports(unit, day) == then, day
