"""The evaluation engine: scores, ranks, awards, publishing and versions, on given figures.

The figure sources are replaced by a fixed table here; tests/performance/test_golden.py runs the
real sources over a fixture month.
"""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from govhall.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from govhall.core.roles import Role
from govhall.core.selectors import Rollup
from govhall.org.models import Department
from govhall.performance import selectors, services
from govhall.performance.models import (
    EvaluationPeriod,
    EvaluationRun,
    ManualScore,
    Rubric,
    RubricDimension,
)
from tests.factories import CenterFactory, DepartmentFactory, StaffProfileFactory

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
    e = DepartmentFactory(center=center, name="市烟草局", entered=False)
    # a, b and c were at work (实出勤天数, which an award needs); nobody is on the attendance
    # rule's count (staff_count), so 考勤考核 is not scored.
    table = {
        "center": {
            "accepted": 18,
            "completed": 17,
            "completion_rate": 17 / 18,
            "overdue": 1,
            "tickets_issued": 55,
            "tickets_served": 55,
        },
        "departments": {
            a.pk: {
                "accepted": 10,
                "completed": 10,
                "completion_rate": 1.0,
                "overdue": 0,
                "ratings": 10,
                "good_ratings": 10,
                "good_rate": 1.0,
                "tickets_served": 40,
                "present_days": 19,
            },
            b.pk: {
                "accepted": 3,
                "completed": 3,
                "completion_rate": 1.0,
                "overdue": 0,
                "ratings": 5,
                "good_ratings": 5,
                "good_rate": 1.0,
                "tickets_served": 10,
                "present_days": 19,
            },
            c.pk: {
                "accepted": 5,
                "completed": 4,
                "completion_rate": 0.8,
                "overdue": 1,
                "ratings": 20,
                "good_ratings": 19,
                "good_rate": 0.95,
                "tickets_served": 5,
                "present_days": 18,
            },
            d.pk: {"accepted": 0, "tickets_served": 0},
            e.pk: {"accepted": 0, "tickets_served": 0},
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
    return SimpleNamespace(center=center, a=a, b=b, c=c, d=d, e=e, s1=s1, s2=s2, table=table)


def _simple_rubric(center):
    rubric = services.ensure_default_rubric(center=center)
    rubric.awards.update(count=1)
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
    # Data dimensions only (no marks entered): discipline, performance, quality; attendance has
    # nobody scheduled, so it is not scored. Rates without data (within 10 minutes, invitation,
    # rectification) are left out and their points re-spread, never given in full.
    # a and b: full marks on what has data → 100.
    # c: performance (has cases 20 + completion 0.8 at the floor 0 + overdue per 100 cases:
    # 30 − 10 × 1 ÷ (5 ÷ 100) = 30 − 200, no less than 0) of 90 points = 22.22; quality (good
    # rate 0.95: 15 + bad ratings 20 + complaints 20) of 70 = 78.57; total = (15 × 100 +
    # 25 × 22.22 + 25 × 78.57) ÷ 65 = (1500 + 555.5 + 1964.25) ÷ 65 = 61.84.
    assert scores[hall.a.pk].total == scores[hall.b.pk].total == Decimal("100.00")
    c = scores[hall.c.pk]
    assert (c.dimension_scores["performance"], c.dimension_scores["quality"]) == (
        "22.22",
        "78.57",
    )
    assert c.dimension_scores["attendance"] is None
    assert c.total == Decimal("61.84")
    # Equal totals are decided by the volume: a (10 cases) before b (3).
    assert (scores[hall.a.pk].rank, scores[hall.b.pk].rank, c.rank) == (1, 2, 3)
    # Exactly one award (the count set), to the first by the tie rule.
    assert {s.department_id: s.award for s in run.scores.all() if s.award} == {
        hall.a.pk: "优秀窗口"
    }
    # Units without cases and units not entered are listed apart: no rank, no award.
    assert (scores[hall.d.pk].standing, scores[hall.d.pk].rank) == ("no_cases", None)
    assert (scores[hall.e.pk].standing, scores[hall.e.pk].rank) == ("not_entered", None)
    kinds = {f["kind"] for f in scores[hall.d.pk].flags}
    assert {"zero_cases", "no_data"} <= kinds
    assert any(f["kind"] == "overdue" for f in c.flags)
    stars = [s.staff_id for s in run.staff_scores.all() if s.award]
    assert stars == [hall.s1.pk]


def test_a_unit_with_a_rate_without_data_is_not_rated_when_the_rubric_says_so(hall):
    rubric = _simple_rubric(hall.center)
    rubric.no_data_policy = "not_rated"
    rubric.save()
    run = services.evaluate_period(center=hall.center, code="2021-05")
    # Every unit lacks the invitation rate here: none is ranked, none awarded.
    assert not run.scores.filter(standing="ranked").exists()
    assert not run.scores.exclude(award="").exists()


def test_several_titles_each_with_its_count_and_criterion(hall):
    rubric = _simple_rubric(hall.center)
    rubric.awards.create(name="群众满意窗口", subject="department", count=2, criterion="quality")
    rubric.awards.create(
        name="业务能手", subject="staff", count=1, criterion="tickets_served", order=3
    )
    run = services.evaluate_period(center=hall.center, code="2021-05")
    awards = {s.department_id: s.award for s in run.scores.all() if s.award}
    # 群众满意窗口 by the quality score, overdue units excluded: a and b (c has an overdue case).
    assert awards == {hall.a.pk: "优秀窗口、群众满意窗口", hall.b.pk: "群众满意窗口"}
    assert run.staff_scores.get(staff=hall.s1).award == "服务标兵、业务能手"


def test_an_award_criterion_that_does_not_exist_is_refused(hall):
    rubric = _simple_rubric(hall.center)
    rubric.awards.create(name="党员示范岗", subject="department", count=2, criterion="nothing")
    with pytest.raises(ValidationFailed):
        services.evaluate_period(center=hall.center, code="2021-05")
    assert not EvaluationRun.objects.exists()


def test_entered_marks_count_when_present(hall, make_user):
    rubric = _simple_rubric(hall.center)
    panel = rubric.dimensions.get(code="competence")
    evaluators = [make_user(Role.INSPECTOR), make_user(Role.LEADER)]
    for evaluator, score in zip(evaluators, (80, 90), strict=True):
        services.enter_manual_scores(
            center=hall.center,
            code="2021-05",
            dimension=panel,
            marks={hall.a.pk: score},
            evaluator=evaluator,
        )
    run = services.evaluate_period(center=hall.center, code="2021-05")
    a = run.scores.get(department=hall.a)
    assert a.dimension_scores["competence"] == "85.00"
    # (15*100 + 15*85 + 25*100 + 25*100) / 80 (attendance not scored: nobody scheduled)
    assert a.total == Decimal("97.19")


def test_marks_are_refused_out_of_range_and_on_data_dimensions(hall, make_user):
    rubric = _simple_rubric(hall.center)
    evaluator = make_user(Role.INSPECTOR)
    with pytest.raises(ValidationFailed):
        services.enter_manual_scores(
            center=hall.center,
            code="2021-05",
            dimension=rubric.dimensions.get(code="competence"),
            marks={hall.a.pk: Decimal("90"), hall.b.pk: Decimal("101")},
            evaluator=evaluator,
        )
    with pytest.raises(ValidationFailed):
        services.enter_manual_scores(
            center=hall.center,
            code="2021-05",
            dimension=rubric.dimensions.get(method=RubricDimension.Method.DATA, code="quality"),
            marks={hall.a.pk: Decimal("90")},
            evaluator=evaluator,
        )
    assert not ManualScore.objects.exists()


def test_published_run_is_frozen_and_a_recomputation_lists_the_change(hall, admin_user):
    _simple_rubric(hall.center)
    first = services.evaluate_period(center=hall.center, code="2021-05")
    services.publish_run(run=first, actor=admin_user)
    before = {s.department_id: (s.total, s.rank, s.award) for s in first.scores.all()}
    snapshot = dict(first.inputs)

    hall.table["departments"][hall.b.pk]["overdue"] = 2  # new data arrives after publishing
    hall.table["center"]["overdue"] = 3
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
    copy = services.new_rubric_version(rubric=rubric, actor=None)
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


@pytest.fixture
def refused(make_user, department):
    """Those the evaluation's writes refuse: a unit's lead (no permission there) and the
    administrator of another centre (the permission, elsewhere)."""
    return [
        make_user(Role.UNIT_LEAD, department=department),
        make_user(Role.CENTER_ADMIN, user_center=CenterFactory()),
    ]


def test_only_the_centres_office_computes(hall, refused):
    for actor in refused:
        with pytest.raises(PermissionDenied):
            services.evaluate_period(center=hall.center, code="2021-05", actor=actor)
    assert not EvaluationRun.objects.exists()


def test_only_the_centres_office_publishes_and_writes_the_bulletin(hall, refused):
    run = services.evaluate_period(center=hall.center, code="2021-05")
    for actor in refused:
        with pytest.raises(PermissionDenied):
            services.publish_run(run=run, actor=actor)
        with pytest.raises(PermissionDenied):
            services.edit_run_text(run=run, narrative_work="改", narrative_problems="", actor=actor)
    run.refresh_from_db()
    assert (run.status, run.narrative_work) == (EvaluationRun.Status.DRAFT, "")


def test_only_the_centres_office_makes_a_rubric_version(center, refused):
    rubric = services.ensure_default_rubric(center=center)
    for actor in refused:
        with pytest.raises(PermissionDenied):
            services.new_rubric_version(rubric=rubric, actor=actor)
    assert list(Rubric.objects.values_list("version", flat=True)) == [1]


def test_only_the_centres_evaluators_mark(hall, refused):
    panel = _simple_rubric(hall.center).dimensions.get(code="competence")
    for actor in refused:
        with pytest.raises(PermissionDenied):
            services.enter_manual_scores(
                center=hall.center,
                code="2021-05",
                dimension=panel,
                marks={hall.a.pk: Decimal("80")},
                evaluator=actor,
            )
    assert not ManualScore.objects.exists()
    assert not EvaluationPeriod.objects.exists()
