"""The evaluation engine: scores, ranks, awards, publishing and versions, on given figures.

The figure sources are replaced by a fixed table here; tests/performance/test_golden.py runs the
real sources over a fixture month.
"""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from govhall.core.errors import Conflict, InvalidTransition, ValidationFailed
from govhall.core.selectors import Rollup
from govhall.org.models import Department
from govhall.performance import selectors, services
from govhall.performance.models import EvaluationRun, RubricDimension
from tests.factories import DepartmentFactory, StaffProfileFactory

pytestmark = pytest.mark.django_db


class Source:
    """A figure source with the apps' contract, serving a mutable table."""

    def __init__(self, table):
        self.table = table

    def department_figures(self, *, center_id, start, end):
        return {pk: dict(f) for pk, f in self.table["departments"].items()}

    def center_figures(self, *, center_id, start, end):
        return dict(self.table["center"])

    def staff_figures(self, *, center_id, start, end):
        return {pk: dict(f) for pk, f in self.table["staff"].items()}

    def figure_rollup(self, *, center_id, start, end):
        period = {"center_id": center_id, "start": start, "end": end}
        return Rollup(
            total=self.center_figures(**period),
            by={
                "department": self.department_figures(**period),
                "staff": self.staff_figures(**period),
            },
        )


@pytest.fixture
def hall(center, monkeypatch):
    a = DepartmentFactory(center=center, name="市市场监督管理局")
    b = DepartmentFactory(center=center, name="市司法局")
    c = DepartmentFactory(center=center, name="市农业农村局")
    d = DepartmentFactory(center=center, name="市教育局")
    s1 = StaffProfileFactory(center=center, department=a)
    s2 = StaffProfileFactory(center=center, department=b)
    table = {
        "center": {"accepted": 18, "completed": 17, "overdue": 1},
        "departments": {
            a.pk: {
                "accepted": 10,
                "completion_rate": 1.0,
                "overdue": 0,
                "good_rate": 1.0,
                "tickets_served": 40,
            },
            b.pk: {
                "accepted": 3,
                "completion_rate": 1.0,
                "overdue": 0,
                "good_rate": 1.0,
                "tickets_served": 10,
            },
            c.pk: {
                "accepted": 5,
                "completion_rate": 0.8,
                "overdue": 1,
                "good_rate": 0.95,
                "tickets_served": 5,
            },
            d.pk: {"accepted": 0, "tickets_served": 0},
        },
        "staff": {
            s1.pk: {"tickets_served": 40, "good_rate": 1.0},
            s2.pk: {"tickets_served": 10, "good_rate": 1.0},
        },
    }
    monkeypatch.setattr(selectors, "FIGURE_SOURCES", (Source(table),))
    monkeypatch.setattr(
        selectors.cases_selectors,
        "overdue_by_department_item",
        lambda **kw: [
            {"department": "市农业农村局", "item": "种畜禽生产经营许可", "handled": 5, "overdue": 1}
        ],
    )
    monkeypatch.setattr(
        selectors.cases_selectors,
        "zero_case_departments",
        lambda **kw: Department.objects.filter(pk=d.pk),
    )
    return SimpleNamespace(center=center, a=a, b=b, c=c, d=d, s1=s1, s2=s2, table=table)


def _simple_rubric(center):
    rubric = services.ensure_default_rubric(center=center)
    rubric.award_top_n = 1
    rubric.star_top_n = 1
    rubric.save()
    return rubric


def test_default_rubric_is_shipped_once(center):
    first = services.ensure_default_rubric(center=center)
    again = services.ensure_default_rubric(center=center)
    assert first.pk == again.pk
    names = list(first.dimensions.values_list("name", flat=True))
    assert names == ["遵纪守规", "履职能力", "工作绩效", "服务质量", "考勤考核", "民主测评"]
    assert sum(first.dimensions.values_list("weight", flat=True)) == 100


def test_scores_ranks_awards_and_flags(hall):
    _simple_rubric(hall.center)
    run = services.evaluate_period(center=hall.center, code="2021-05")
    scores = {s.department_id: s for s in run.scores.all()}
    # Data dimensions only (no marks entered): discipline, performance, quality, attendance.
    # a and b: full marks everywhere → 100; c: performance 20+0+20+10=50 (completion 0.8 at floor,
    # one overdue = 10 of 30 points deducted → 20), quality 15+20+20+20+10=85 of 100.
    # d (no cases): has_cases 0, the rest full → performance 80.
    assert scores[hall.a.pk].total == Decimal("100.00")
    assert scores[hall.b.pk].total == Decimal("100.00")
    assert scores[hall.a.pk].rank == scores[hall.b.pk].rank == 1
    c = scores[hall.c.pk]
    assert c.dimension_scores["performance"] == "50.00"
    assert c.dimension_scores["quality"] == "85.00"
    # total = (15*100 + 25*50 + 25*85 + 10*100) / 75
    assert c.total == Decimal("78.33")
    assert scores[hall.d.pk].total == Decimal("93.33")
    assert (scores[hall.d.pk].rank, c.rank) == (3, 4)
    # Ties at the top both get the award; the zero-case department is flagged, not awarded.
    assert {s.department_id for s in run.scores.all() if s.award} == {hall.a.pk, hall.b.pk}
    kinds = {f["kind"] for f in scores[hall.d.pk].flags}
    assert {"zero_cases", "missing_marks"} <= kinds
    assert any(f["kind"] == "overdue" for f in c.flags)
    stars = [s.staff_id for s in run.staff_scores.all() if s.award]
    assert stars == [hall.s1.pk]


def test_entered_marks_count_when_present(hall, make_user):
    rubric = _simple_rubric(hall.center)
    panel = rubric.dimensions.get(code="competence")
    period = services.ensure_period(center=hall.center, code="2021-05")
    evaluators = [make_user(), make_user()]
    for evaluator, score in zip(evaluators, (80, 90), strict=True):
        services.enter_manual_score(
            period=period,
            dimension=panel,
            department_id=hall.a.pk,
            evaluator=evaluator,
            score=score,
        )
    run = services.evaluate_period(center=hall.center, code="2021-05")
    a = run.scores.get(department=hall.a)
    assert a.dimension_scores["competence"] == "85.00"
    # (15*100 + 15*85 + 25*100 + 25*100 + 10*100) / 90
    assert a.total == Decimal("97.50")


def test_marks_are_refused_out_of_range_and_on_data_dimensions(hall, make_user):
    rubric = _simple_rubric(hall.center)
    period = services.ensure_period(center=hall.center, code="2021-05")
    with pytest.raises(ValidationFailed):
        services.enter_manual_score(
            period=period,
            dimension=rubric.dimensions.get(code="competence"),
            department_id=hall.a.pk,
            evaluator=make_user(),
            score=Decimal("101"),
        )
    with pytest.raises(ValidationFailed):
        services.enter_manual_score(
            period=period,
            dimension=rubric.dimensions.get(method=RubricDimension.Method.DATA, code="quality"),
            department_id=hall.a.pk,
            evaluator=make_user(),
            score=Decimal("90"),
        )
    assert not period.manual.exists()


def test_published_run_is_frozen_and_a_recomputation_lists_the_change(hall, admin_user):
    _simple_rubric(hall.center)
    first = services.evaluate_period(center=hall.center, code="2021-05")
    services.publish_run(run=first, actor=admin_user)
    before = {s.department_id: (s.total, s.rank, s.award) for s in first.scores.all()}
    snapshot = dict(first.inputs)

    hall.table["departments"][hall.b.pk]["overdue"] = 2  # new data arrives after publishing
    second = services.evaluate_period(center=hall.center, code="2021-05")

    first.refresh_from_db()
    assert first.status == EvaluationRun.Status.PUBLISHED
    assert {s.department_id: (s.total, s.rank, s.award) for s in first.scores.all()} == before
    assert first.inputs == snapshot
    assert second.version == first.version + 1
    change = next(c for c in second.changes if c["department_id"] == hall.b.pk)
    assert change["figures"]["overdue"] == [0, 2]
    assert change["total"][0] > change["total"][1]

    services.publish_run(run=second, actor=admin_user)
    first.refresh_from_db()
    assert first.status == EvaluationRun.Status.SUPERSEDED
    with pytest.raises(InvalidTransition):
        services.publish_run(run=second, actor=admin_user)


def test_an_older_draft_cannot_be_published_over_a_newer_one(hall, admin_user):
    old = services.evaluate_period(center=hall.center, code="2021-05")
    services.evaluate_period(center=hall.center, code="2021-05")
    with pytest.raises(Conflict):
        services.publish_run(run=old, actor=admin_user)
    assert not EvaluationRun.objects.filter(status=EvaluationRun.Status.PUBLISHED).exists()


def test_new_rubric_version_copies_and_activates(center):
    rubric = services.ensure_default_rubric(center=center)
    copy = services.new_rubric_version(rubric=rubric)
    rubric.refresh_from_db()
    assert (copy.version, copy.is_active, rubric.is_active) == (2, True, False)
    assert copy.dimensions.count() == rubric.dimensions.count()
    assert sum(d.rules.count() for d in copy.dimensions.all()) == sum(
        d.rules.count() for d in rubric.dimensions.all()
    )


def test_a_rubric_with_an_unknown_rule_is_refused(hall):
    rubric = _simple_rubric(hall.center)
    rule = rubric.dimensions.get(code="quality").rules.first()
    rule.rule = "no_such_rule"
    rule.save()
    with pytest.raises(ValidationFailed):
        services.evaluate_period(center=hall.center, code="2021-05")
    assert not EvaluationRun.objects.exists()
