"""The demo's evaluation: last month published, its entered dimensions marked."""

import datetime as dt

import pytest
from django.utils import timezone

from govhall.core.roles import Role
from govhall.performance import selectors
from govhall.performance.demo import load_demo
from govhall.performance.models import EvaluationRun, ManualScore
from tests.cases.factories import accept
from tests.factories import ServiceItemFactory

pytestmark = pytest.mark.django_db


def test_last_month_is_published_with_the_panel_marks_and_only_once(center, department, make_user):
    make_user(Role.LEADER)
    make_user(Role.INSPECTOR)
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    accept(ServiceItemFactory(center=center, department=department), day=last_month)
    load_demo(center, password="x")
    run = EvaluationRun.objects.get()
    assert run.status == EvaluationRun.Status.PUBLISHED
    assert run.period.code == last_month.strftime("%Y-%m")
    entered = list(selectors.manual_dimensions(center_id=center.pk))
    assert entered and ManualScore.objects.count() == 2 * len(entered)
    score = run.scores.get(department=department)
    assert all(score.dimension_scores.get(d.code) is not None for d in entered)
    load_demo(center, password="x")
    assert EvaluationRun.objects.count() == 1 and ManualScore.objects.count() == 2 * len(entered)
