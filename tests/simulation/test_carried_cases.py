"""Months simulated one after another: the cases open when a month ends go on in the next, as
a real back office carries them (`simulation.carry_cases`), and staff simulated out of order
are still assigned in the earlier month."""

import datetime as dt
import itertools

import pytest

from govhall.attendance.models import AttendanceRecord
from govhall.cases.models import Case, CaseEvent, ClockStop
from govhall.core.models import OutboxEvent
from govhall.simulation.services import simulate_month
from tests.factories import CenterFactory
from tests.simulation.test_simulate import TINY

pytestmark = pytest.mark.django_db

JAN, FEB = dt.date(2026, 1, 1), dt.date(2026, 2, 1)
FEB_START = dt.datetime(2026, 2, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
MAR_START = dt.datetime(2026, 3, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
OPEN = (
    Case.State.SUBMITTED,
    Case.State.ACCEPTED,
    Case.State.IN_REVIEW,
    Case.State.CORRECTION,
    Case.State.COMPLETED,
)


def _open_at_end_of_january(center):
    return set(Case.objects.filter(center=center, state__in=OPEN).values_list("number", flat=True))


def _two_months(seed):
    center = CenterFactory()
    january = simulate_month(center=center, month=JAN, scale=TINY, seed=seed)
    left_open = _open_at_end_of_january(center)
    february = simulate_month(center=center, month=FEB, scale=TINY, seed=seed)
    return center, january, february, left_open


def test_the_cases_a_month_leaves_open_are_carried_on_in_the_next():
    center, january, february, left_open = _two_months(seed=2)
    assert january.carried == 0  # nothing before the first month
    assert len(left_open) > 20
    assert february.carried == len(left_open)
    carried = Case.objects.filter(center=center, number__in=left_open)
    # Nearly all are decided (or delivered) in February; none of them is left behind in January.
    still_open = carried.filter(state__in=OPEN)
    assert still_open.count() < len(left_open) * 0.2
    assert not carried.filter(state=Case.State.SUBMITTED).exists()
    decided = carried.filter(completed_at__gte=FEB_START)
    assert decided.count() > len(left_open) * 0.5
    assert not decided.filter(completed_at__gte=MAR_START).exists()
    # Mostly on time: the scale's overdue share, not every case carried over.
    late = decided.filter(completed_late=True).count()
    assert late <= max(3, decided.count() * 0.2)
    # Each carried case goes on from where January left it: its states chain, the case's state
    # is its last event's, each event has its acknowledged outbox row, and February's steps
    # come after January's.
    for case in carried.prefetch_related("events"):
        events = sorted(case.events.all(), key=lambda e: (e.at, e.pk))
        assert events[-1].to_state == case.state, case.number
        for before, after in itertools.pairwise(events):
            assert after.from_state == before.to_state, case.number
        if case.state in Case.DONE_STATES:
            assert case.completed_at is not None and case.result
            assert case.elapsed_workdays is not None
        if case.accepted_at is not None:
            assert case.due_date is not None
        if case.delivered_at is not None:
            assert case.delivered_at > case.completed_at
    assert OutboxEvent.objects.filter(center=center, stream__startswith="case:").count() == (
        CaseEvent.objects.filter(case__center=center).count()
    )
    # A correction answered in February closed its clock stop.
    assert not ClockStop.objects.filter(
        case__center=center, ended_on__isnull=True, case__state__in=Case.DONE_STATES
    ).exists()


def test_carrying_is_deterministic_by_seed():
    def fingerprint(center):
        return [
            (number.removeprefix(center.region_code), *rest)
            for number, *rest in CaseEvent.objects.filter(case__center=center, at__gte=FEB_START)
            .order_by("case__number", "at", "type")
            .values_list("case__number", "type", "at", "to_state", "case__completed_late")
        ]

    one, _jan, february, _open = _two_months(seed=4)
    two, *_ = _two_months(seed=4)
    assert february.carried > 0
    assert fingerprint(one) == fingerprint(two)


def test_an_earlier_month_simulated_after_a_later_one_has_its_staff_assigned():
    center = CenterFactory()
    simulate_month(center=center, month=dt.date(2026, 5, 1), scale=TINY, seed=1)
    january = simulate_month(center=center, month=JAN, scale=TINY, seed=1)
    assert january.attendance_records > 0
    assert AttendanceRecord.objects.filter(
        center=center, date__range=(JAN, dt.date(2026, 1, 31))
    ).exists()
