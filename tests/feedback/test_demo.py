import datetime as dt

import pytest

from govhall.core.dates import previous_month
from govhall.core.roles import Role
from govhall.core.workdays import load_calendar
from govhall.feedback import selectors
from govhall.feedback.demo import load_demo
from govhall.feedback.models import (
    AssistRecord,
    Channel,
    Complaint,
    Evaluation,
    EvaluationEvent,
    Invitation,
    Rectification,
)
from govhall.queueing.demo import load_demo as queue_demo
from tests.queueing.factories import staffed_window

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_shows_every_state(center, make_user):
    admin = make_user(Role.CENTER_ADMIN)
    assert load_demo(center, password="x") == []
    counts = (Evaluation.objects.count(), Complaint.objects.count(), AssistRecord.objects.count())
    load_demo(center, password="x")
    assert counts == (
        Evaluation.objects.count(),
        Complaint.objects.count(),
        AssistRecord.objects.count(),
    )
    levels = list(Evaluation.objects.values_list("level", flat=True))
    assert sum(level >= 3 for level in levels) > 0.8 * len(levels)
    # Last month's 12345 work orders came in through the hotline import, by the administrator.
    hotline = Evaluation.objects.filter(center=center, channel=Channel.HOTLINE)
    assert hotline.count() == 40
    created = hotline.filter(events__kind=EvaluationEvent.Kind.CREATED)
    assert set(created.values_list("events__actor", flat=True)) == {admin.pk}
    states = set(Rectification.objects.values_list("status", flat=True))
    assert len(states) >= 3
    start, end = previous_month()
    figures = selectors.center_figures(center_id=center.pk, start=start, end=end)
    # Drawn day by day from the units' rates, not typed: weekend services on rest days only.
    assert figures["assists_total"] == sum(figures["assists_by_type"].values()) > 0
    calendar = load_calendar()
    for kind, day in AssistRecord.objects.values_list("kind", "date"):
        assert calendar.is_workday(day) == (kind != AssistRecord.Kind.WEEKEND)


def test_most_people_served_rate_the_service_and_a_second_run_rates_nobody_more(
    center, department, make_user
):
    make_user(Role.CENTER_ADMIN)
    staffed_window(center, department, number="1")
    queue_demo(center, password="x")
    served = Invitation.objects.filter(center=center, source=Invitation.Source.TICKET).count()
    load_demo(center, password="x")
    rated = Evaluation.objects.filter(center=center, ticket__isnull=False).count()
    assert 0.6 * served < rated < served
    # rated at the pad as the service ends, on the day it was given (the demo's past mornings)
    for evaluation in Evaluation.objects.filter(center=center, ticket__isnull=False):
        finished = evaluation.ticket.finished_at
        assert finished < evaluation.rated_at < finished + dt.timedelta(minutes=5)
    load_demo(center, password="x")
    assert Evaluation.objects.filter(center=center, ticket__isnull=False).count() == rated
