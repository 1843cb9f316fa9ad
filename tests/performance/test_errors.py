"""Each refusal of the evaluation answers its code of `PerformanceError` (docs/architecture.md),
with its status, and changes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from govhall.core.roles import Role
from govhall.performance import services
from govhall.performance.errors import PerformanceError
from govhall.performance.models import EvaluationRun, ManualScore, RubricDimension
from govhall.performance.periods import parse_period
from govhall.performance.yearly import year_of, yearly_figures
from tests.cases.factories import accept
from tests.factories import CenterFactory, ServiceItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(center, department):
    services.ensure_default_rubric(center=center)
    accept(ServiceItemFactory(center=center, department=department), day=dt.date(2026, 5, 11))
    return services.evaluate_period(center=center, code="2026-05")


def _refused(expected: PerformanceError, call, /, *args, **kwargs):
    with pytest.raises(expected.error) as caught:
        call(*args, **kwargs)
    assert caught.value.code == expected.value
    return caught.value


def _answers(response, code: PerformanceError) -> None:
    assert response.status_code == code.status
    assert response.json()["code"] == code.value


# Who may act (403) and what exists (404).


def test_an_api_user_without_a_centre(client, make_user):
    client.force_login(make_user(Role.CENTER_ADMIN, user_center=None))
    response = client.post(
        "/api/performance/compute/", {"period": "2026-05"}, content_type="application/json"
    )
    _answers(response, PerformanceError.NO_CENTER)
    assert not EvaluationRun.objects.exists()


def test_the_yearly_api_and_the_dashboard_are_centre_wide(client, make_user, department, draft):
    client.force_login(make_user(Role.UNIT_LEAD, department=department))
    _answers(client.get("/api/performance/years/2026/"), PerformanceError.CENTER_WIDE_ONLY)
    page = client.get(
        reverse("performance:dashboard") + "?period=2026-05", HTTP_ACCEPT="application/json"
    )
    _answers(page, PerformanceError.CENTER_WIDE_ONLY)


def test_a_run_the_centre_does_not_have_is_not_found(client, admin_user, draft):
    client.force_login(admin_user)
    response = client.get(
        reverse("performance:run_detail", args=[draft.pk + 1000]),
        HTTP_ACCEPT="application/json",
    )
    _answers(response, PerformanceError.RUN_NOT_FOUND)


def test_a_report_of_a_period_not_evaluated(center):
    _refused(
        PerformanceError.PERIOD_NOT_EVALUATED, services.report_run, center=center, code="2020-01"
    )


def test_marks_for_another_centres_dimension(center, department, make_user):
    other = services.ensure_default_rubric(center=CenterFactory())
    panel = other.dimensions.exclude(method=RubricDimension.Method.DATA).first()
    _refused(
        PerformanceError.DIMENSION_NOT_FOUND,
        services.enter_manual_scores,
        center=center,
        code="2026-05",
        dimension=panel,
        marks={department.pk: Decimal("80")},
        evaluator=make_user(Role.INSPECTOR),
    )
    assert not ManualScore.objects.exists()


def test_api_marks_for_an_unknown_dimension_or_unit(client, center, department, make_user):
    rubric = services.ensure_default_rubric(center=center)
    panel = rubric.dimensions.exclude(method=RubricDimension.Method.DATA).first()
    client.force_login(make_user(Role.INSPECTOR))
    for dimension, unit in ((panel.pk + 1000, department.pk), (panel.pk, department.pk + 1000)):
        response = client.post(
            "/api/performance/scores/",
            {"period": "2026-05", "dimension": dimension, "department": unit, "score": "80"},
            content_type="application/json",
        )
        _answers(response, PerformanceError.DIMENSION_OR_UNIT_NOT_FOUND)
    assert not ManualScore.objects.exists()


# Input (400).


def test_a_bad_period_or_year():
    _refused(PerformanceError.BAD_PERIOD, parse_period, "2026-13")
    _refused(PerformanceError.BAD_YEAR, year_of, "2026-05")


def test_a_future_or_empty_period_or_year(center):
    next_year = dt.date.today().year + 1
    _refused(
        PerformanceError.FUTURE_PERIOD,
        services.evaluate_period,
        center=center,
        code=f"{next_year}-01",
    )
    _refused(PerformanceError.EMPTY_PERIOD, services.evaluate_period, center=center, code="2020-01")
    _refused(
        PerformanceError.FUTURE_PERIOD,
        yearly_figures,
        center=center,
        year=2027,
        today=dt.date(2026, 12, 5),
    )
    _refused(PerformanceError.EMPTY_PERIOD, yearly_figures, center=center, year=2020)
    assert not EvaluationRun.objects.exists()


def _no_weight(rubric):
    rubric.dimensions.update(weight=0)


def _unknown_rule(rubric):
    rubric.dimensions.filter(method=RubricDimension.Method.DATA).first().rules.update(rule="nope")


def _unknown_param(rubric):
    rule = rubric.dimensions.filter(method=RubricDimension.Method.DATA).first().rules.first()
    rule.params = {**rule.params, "nope": 1}
    rule.save()


def _unknown_scale(rubric):
    rule = rubric.dimensions.filter(method=RubricDimension.Method.DATA).first().rules.first()
    rule.scale = "per_nothing"
    rule.save()


def _scaled_share(rubric):
    dimension = rubric.dimensions.filter(method=RubricDimension.Method.DATA).first()
    dimension.rules.create(rule="completion_rate", points=5, scale="per_staff")


def _data_dimension_without_rules(rubric):
    dimension = rubric.dimensions.filter(method=RubricDimension.Method.DATA).first()
    dimension.rules.all().delete()


def _unknown_criterion(rubric):
    rubric.awards.update(criterion="nope")


def _unknown_star_rule(rubric):
    rubric.star_rules = [*rubric.star_rules, {"rule": "nope", "points": 1}]
    rubric.save()


def _unknown_tie_breaker(rubric):
    rubric.tie_breakers = ["-nope"]
    rubric.save()


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (_no_weight, "至少要有一个权重大于零的维度"),
        (_unknown_rule, "使用了不存在的规则“nope”"),
        (_unknown_param, "没有参数:nope"),
        (_unknown_scale, "扣分口径“per_nothing”不存在"),
        (_scaled_share, "不是扣分类规则"),
        (_data_dimension_without_rules, "没有评分规则"),
        (_unknown_criterion, "评选依据“nope”不存在"),
        (_unknown_star_rule, "个人评分规则使用了不存在的规则“nope”"),
        (_unknown_tie_breaker, "同分比较顺序中没有这些指标:nope"),
    ],
)
def test_a_bad_rubric(center, spoil, message):
    rubric = services.ensure_default_rubric(center=center)
    spoil(rubric)
    error = _refused(PerformanceError.BAD_RUBRIC, services.validate_rubric, rubric=rubric)
    assert message in error.message


def test_marks_on_a_data_dimension_or_out_of_range(center, department, make_user):
    rubric = services.ensure_default_rubric(center=center)
    evaluator = make_user(Role.INSPECTOR)
    marks = {"center": center, "code": "2026-05", "evaluator": evaluator}
    _refused(
        PerformanceError.NOT_ENTERED_DIMENSION,
        services.enter_manual_scores,
        dimension=rubric.dimensions.filter(method=RubricDimension.Method.DATA).first(),
        marks={department.pk: Decimal("80")},
        **marks,
    )
    _refused(
        PerformanceError.BAD_SCORE,
        services.enter_manual_scores,
        dimension=rubric.dimensions.exclude(method=RubricDimension.Method.DATA).first(),
        marks={department.pk: Decimal("101")},
        **marks,
    )
    assert not ManualScore.objects.exists()


def test_publishing_a_run_that_fails_its_checks(draft, department, admin_user):
    draft.scores.filter(department=department).update(award="优秀窗口")
    error = _refused(
        PerformanceError.CHECK_FAILED, services.publish_run, run=draft, actor=admin_user
    )
    assert error.detail["failed"]
    draft.refresh_from_db()
    assert draft.status == EvaluationRun.Status.DRAFT


def test_a_published_bulletin_keeps_its_date(draft, admin_user):
    services.publish_run(run=draft, actor=admin_user)
    draft.refresh_from_db()
    _refused(
        PerformanceError.PUBLISHED_DATE,
        services.bulletin_of,
        run=draft,
        issued_on=draft.issued_on + dt.timedelta(days=1),
    )


# The state of the record (409).


def test_a_published_run_is_not_published_or_edited_again(draft, admin_user):
    services.publish_run(run=draft, actor=admin_user)
    _refused(PerformanceError.RUN_NOT_DRAFT, services.publish_run, run=draft, actor=admin_user)
    _refused(
        PerformanceError.RUN_NOT_DRAFT,
        services.edit_run_text,
        run=draft,
        narrative_work="改",
        narrative_problems="",
        actor=admin_user,
    )
    draft.refresh_from_db()
    assert draft.narrative_work == ""


def test_an_older_draft_is_not_published_over_a_newer_one(draft, center, admin_user):
    services.evaluate_period(center=center, code="2026-05")
    _refused(PerformanceError.NEWER_RUN_EXISTS, services.publish_run, run=draft, actor=admin_user)
    assert not EvaluationRun.objects.filter(status=EvaluationRun.Status.PUBLISHED).exists()


def test_the_api_schema_lists_the_codes_with_their_statuses(client):
    schema = client.get("/api/schema/?format=json").json()
    component = schema["components"]["schemas"]["PerformanceErrorCode"]
    assert component["enum"] == [member.value for member in PerformanceError]
    assert component["x-status"] == {member.value: member.status for member in PerformanceError}
    responses = schema["paths"]["/api/performance/scores/"]["post"]["responses"]
    assert "`dimension_or_unit_not_found`" in responses["404"]["description"]
