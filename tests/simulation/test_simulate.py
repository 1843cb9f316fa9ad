"""The month simulation: reproducible, and every row it writes keeps the apps' rules."""

import dataclasses
import datetime as dt
import itertools
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Max

from govhall.cases.models import Case, CaseEvent
from govhall.core.errors import Conflict, ValidationFailed
from govhall.core.models import OutboxEvent
from govhall.feedback.models import Evaluation, Rectification
from govhall.queueing import selectors as queue_selectors
from govhall.queueing.models import Ticket, TicketCounter, TicketEvent
from govhall.simulation.errors import SimulationError
from govhall.simulation.profiles import COUNTY, SCALES
from govhall.simulation.services import parse_month, simulate_month
from tests.factories import CenterFactory

pytestmark = pytest.mark.django_db

TINY = dataclasses.replace(
    COUNTY,
    name="tiny",
    departments=6,
    windows=8,
    items=30,
    staff=10,
    window_staff=8,
    categories=3,
    tickets_per_workday=30,
    online_cases_per_workday=3,
    complaints_per_month=3,
    overdue_share=0.05,
    bad_rating_share=0.05,
    assisting_units=3,
    assist_rates={"home": 0.05, "after_hours": 0.03, "coaching": 0.05, "weekend": 0.1},
)
MONTH = dt.date(2026, 5, 1)


def _fingerprint(center):
    tickets = Ticket.objects.filter(center=center).order_by("issued_at", "number")
    return (
        list(tickets.values_list("number", "state", "wait_seconds", "handling_seconds")),
        list(
            Case.objects.filter(center=center)
            .order_by("number")
            .values_list("item__name", "state", "due_date", "completed_late")
        ),
        list(Evaluation.objects.filter(center=center).order_by("rated_at").values_list("level")),
    )


def test_same_seed_same_month_and_a_month_only_once():
    center, twin = CenterFactory(), CenterFactory()
    summary = simulate_month(center=center, month=MONTH, scale=TINY, seed=3)
    again = simulate_month(center=twin, month=MONTH, scale=TINY, seed=3)
    untimed = {"center_id": 0, "timings": {}, "cpu_timings": {}}
    assert dataclasses.replace(again, **untimed) == dataclasses.replace(summary, **untimed)
    assert _fingerprint(twin) == _fingerprint(center)
    with pytest.raises(Conflict) as refused:
        simulate_month(center=center, month=MONTH, scale=TINY, seed=3)
    assert refused.value.code == SimulationError.MONTH_SIMULATED


def test_a_month_is_read_as_year_and_month():
    assert parse_month("2026-05") == dt.date(2026, 5, 1)
    with pytest.raises(ValidationFailed) as refused:
        parse_month("2026-13")
    assert refused.value.code == SimulationError.BAD_MONTH


def test_a_simulated_month_keeps_every_rule():
    center = CenterFactory()
    summary = simulate_month(center=center, month=MONTH, scale=TINY, seed=5)
    _tickets_keep_the_queue_rules(center, summary)
    _waits_come_from_the_queue_and_match_the_selectors(center, summary)
    _cases_have_consistent_timelines_and_outbox_rows(center, summary)
    _ratings_once_per_service_and_bad_ones_rectified(center, summary)
    assert summary.punches > 0
    assert summary.attendance_records > 0


def _tickets_keep_the_queue_rules(center, summary):
    tickets = Ticket.objects.filter(center=center)
    assert tickets.count() == summary.tickets > 500
    # Numbers unique per day; counters at the last number of the day.
    dup = tickets.values("issue_date", "number").annotate(n=Count("id")).filter(n__gt=1)
    assert not dup.exists()
    for counter in TicketCounter.objects.filter(center=center):
        last = tickets.filter(category=counter.category, issue_date=counter.day).aggregate(
            m=Max("seq")
        )["m"]
        assert counter.last_seq == last
    assert not tickets.filter(called_at__lt=F("issued_at")).exists()
    assert not tickets.filter(state__in=Ticket.ACTIVE_STATES).exists()
    done = tickets.filter(state=Ticket.State.DONE)
    assert not done.filter(handling_seconds__isnull=True).exists()
    assert not done.filter(window__isnull=True).exists()
    # Every ticket's timeline starts with its issue and ends in its final state.
    assert TicketEvent.objects.filter(kind="issued", ticket__center=center).count() == (
        tickets.count()
    )
    assert TicketEvent.objects.filter(kind="finished", ticket__center=center).count() == (
        done.count()
    )


def _waits_come_from_the_queue_and_match_the_selectors(center, summary):
    figures = queue_selectors.center_figures(
        center_id=center.pk, start=MONTH, end=dt.date(2026, 5, 31)
    )
    assert figures["avg_wait_seconds"] == pytest.approx(summary.mean_wait_s, abs=0.1)
    assert figures["tickets_issued"] == summary.tickets
    assert summary.prediction_mae_s is not None


def _cases_have_consistent_timelines_and_outbox_rows(center, summary):
    cases = Case.objects.filter(center=center)
    assert cases.count() == summary.cases > 100
    for case in cases.prefetch_related("events"):
        events = sorted(case.events.all(), key=lambda e: (e.at, e.pk))
        assert events, case.number
        assert events[-1].to_state == case.state
        for before, after in itertools.pairwise(events):
            assert after.from_state == before.to_state
        if case.state in Case.DONE_STATES:
            assert case.completed_at is not None and case.result
    assert OutboxEvent.objects.filter(center=center, stream__startswith="case:").count() == (
        CaseEvent.objects.filter(case__center=center).count()
    )
    assert cases.filter(completed_late=True).exists()  # some overdue, as the seeds report


def _ratings_once_per_service_and_bad_ones_rectified(center, summary):
    ratings = Evaluation.objects.filter(center=center)
    assert ratings.count() == summary.ratings > 0
    assert not ratings.exclude(ticket=None).values("ticket").annotate(n=Count("id")).filter(n__gt=1)
    bad = ratings.filter(level__lte=2).count()
    assert Rectification.objects.filter(center=center).count() == bad == summary.bad_ratings
    good_share = ratings.filter(level__gte=3).count() / ratings.count()
    assert good_share > 0.9


def test_command_prints_the_summary(monkeypatch):
    monkeypatch.setitem(SCALES, "county", TINY)
    center = CenterFactory()
    out = StringIO()
    call_command(
        "simulate",
        center=center.pk,
        month="2026-02",
        scale="county",
        seed=1,
        json=True,
        stdout=out,
    )
    summary = json.loads(out.getvalue())
    assert summary["tickets"] == Ticket.objects.filter(center=center).count() > 0
    assert summary["cases"] == Case.objects.filter(center=center).count() > 0


def test_command_refuses_an_unknown_centre_and_a_bad_month():
    with pytest.raises(CommandError):
        call_command("simulate", center=999999, month="2026-05")
    center = CenterFactory()
    with pytest.raises(CommandError):
        call_command("simulate", center=center.pk, month="May 2026")
