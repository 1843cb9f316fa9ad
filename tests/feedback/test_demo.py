import pytest

from govhall.core.roles import Role
from govhall.core.workdays import load_calendar
from govhall.feedback import selectors
from govhall.feedback.demo import _last_month, load_demo
from govhall.feedback.models import AssistRecord, Complaint, Evaluation, Rectification

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_shows_every_state(center, make_user):
    make_user(Role.CENTER_ADMIN)
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
    states = set(Rectification.objects.values_list("status", flat=True))
    assert len(states) >= 3
    start, end = _last_month()
    figures = selectors.center_figures(center_id=center.pk, start=start, end=end)
    # Drawn day by day from the units' rates, not typed: weekend services on rest days only.
    assert figures["assists_total"] == sum(figures["assists_by_type"].values()) > 0
    calendar = load_calendar()
    for kind, day in AssistRecord.objects.values_list("kind", "date"):
        assert calendar.is_workday(day) == (kind != AssistRecord.Kind.WEEKEND)
