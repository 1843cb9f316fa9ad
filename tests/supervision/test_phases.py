"""Phase deadlines: the phase current on a day, the default deadline, what is overdue when."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govhall.core.errors import ValidationFailed
from govhall.supervision import selectors, services
from govhall.supervision.models import Phase, Problem
from tests.supervision.conftest import SEED_002_PHASES

pytestmark = pytest.mark.django_db

SELF_END, INSPECTION_END, FINAL_END = SEED_002_PHASES.values()


def _phases():
    return [
        Phase(kind=kind, ends_on=ends)
        for kind, ends in sorted(SEED_002_PHASES.items(), key=lambda kv: kv[1])
    ]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2018, 5, 9), SELF_END),
        (dt.date(2018, 5, 20), SELF_END),  # the end date is inclusive
        (dt.date(2018, 5, 21), INSPECTION_END),
        (dt.date(2018, 6, 20), INSPECTION_END),
        (dt.date(2018, 6, 21), FINAL_END),
        (dt.date(2018, 7, 20), FINAL_END),
        (dt.date(2018, 7, 21), None),
    ],
)
def test_default_deadline_is_the_end_of_the_current_phase(day, expected):
    assert selectors.default_deadline(_phases(), day) == expected


@settings(max_examples=60, deadline=None)
@given(day=st.dates(min_value=dt.date(2018, 1, 1), max_value=dt.date(2018, 12, 31)))
def test_current_phase_is_the_first_not_yet_ended(day):
    phases = _phases()
    phase = selectors.phase_on(phases, day)
    if phase is None:
        assert all(p.ends_on < day for p in phases)
    else:
        assert day <= phase.ends_on
        assert all(p.ends_on < day for p in phases if p.ends_on < phase.ends_on)


def test_problem_found_in_a_phase_gets_its_end_as_deadline(clock, lead, unit, category):
    clock(dt.date(2018, 5, 25))
    problem = services.create_problem(
        actor=lead, unit=unit, category=category, description="办事指南存在兜底条款"
    )
    assert problem.deadline == INSPECTION_END
    assert problem.found_on == dt.date(2018, 5, 25)


def test_after_the_last_phase_a_deadline_must_be_given(clock, lead, unit, category):
    clock(dt.date(2018, 8, 1))
    with pytest.raises(ValidationFailed):
        services.create_problem(actor=lead, unit=unit, category=category, description="x")
    assert not Problem.objects.exists()
    problem = services.create_problem(
        actor=lead, unit=unit, category=category, description="x", deadline=dt.date(2018, 8, 31)
    )
    assert problem.deadline == dt.date(2018, 8, 31)


def test_deadline_before_the_finding_is_refused(clock, lead, unit, category):
    clock(dt.date(2018, 5, 15))
    with pytest.raises(ValidationFailed):
        services.create_problem(
            actor=lead, unit=unit, category=category, description="x", deadline=dt.date(2018, 5, 1)
        )
    assert not Problem.objects.exists()


def test_phases_must_follow_each_other(admin_user, center, department):
    with pytest.raises(ValidationFailed):
        services.create_campaign(
            actor=admin_user,
            center_id=center.pk,
            title="t",
            department_ids=[department.pk],
            phase_ends={**SEED_002_PHASES, Phase.Kind.INSPECTION: dt.date(2018, 5, 1)},
        )


def test_overdue_in_which_phase(clock, lead, unit, category):
    """Problems due in self-check and not fixed by 05-20 are overdue from 05-21; a fix after the
    deadline counts as late in the phase it fell due in; later phases are not yet overdue."""
    clock(dt.date(2018, 5, 12))
    late = services.create_problem(actor=lead, unit=unit, category=category, description="a")
    never = services.create_problem(actor=lead, unit=unit, category=category, description="b")
    on_time = services.create_problem(actor=lead, unit=unit, category=category, description="c")
    services.mark_fixed(actor=lead, problem=on_time, fix_note="已补充示范文本", measure="补充文本")
    clock(dt.date(2018, 6, 1))
    second = services.create_problem(actor=lead, unit=unit, category=category, description="d")
    assert second.deadline == INSPECTION_END
    services.mark_fixed(actor=lead, problem=late, fix_note="已改", measure="修改指南")

    report = {
        r.phase.kind: r
        for r in selectors.phase_report(campaign_id=unit.campaign_id, on=dt.date(2018, 6, 1))
    }
    self_check = report[Phase.Kind.SELF_CHECK]
    assert (self_check.due, self_check.fixed_on_time, self_check.fixed_late) == (3, 1, 1)
    assert (self_check.open_overdue, self_check.open_not_due) == (1, 0)
    assert self_check.ended and not self_check.current
    inspection = report[Phase.Kind.INSPECTION]
    assert (inspection.due, inspection.open_overdue, inspection.open_not_due) == (1, 0, 1)
    assert inspection.current
    assert report[Phase.Kind.CONSOLIDATION].due == 0

    overdue = selectors.overdue_problems(campaign_id=unit.campaign_id, on=dt.date(2018, 6, 1))
    assert [p.problem for p in overdue] == [never]
    assert selectors.is_overdue(never, dt.date(2018, 5, 21))
    assert not selectors.is_overdue(never, SELF_END)
    on_phase_end = selectors.overdue_problems(
        campaign_id=unit.campaign_id, on=INSPECTION_END + dt.timedelta(days=1)
    )
    assert {p.problem for p in on_phase_end} == {never, second}


def test_moving_phase_dates_keeps_order(admin_user, campaign):
    services.set_phase_dates(
        actor=admin_user,
        campaign=campaign,
        phase_ends={Phase.Kind.SELF_CHECK: dt.date(2018, 5, 25)},
    )
    assert campaign.phases.get(kind=Phase.Kind.SELF_CHECK).ends_on == dt.date(2018, 5, 25)
    with pytest.raises(ValidationFailed):
        services.set_phase_dates(
            actor=admin_user,
            campaign=campaign,
            phase_ends={Phase.Kind.SELF_CHECK: dt.date(2018, 7, 1)},
        )
    assert campaign.phases.get(kind=Phase.Kind.SELF_CHECK).ends_on == dt.date(2018, 5, 25)
