"""Deductions at a scale and the award floor: rates of bad events are compared, not counts, and
no unit too small or never at work takes an award.

The figures of the months here are given (the apps' figure sources replaced by a table, as in
test_services.py), so that each score can be worked by hand from the default rubric.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from hypothesis import given
from hypothesis import strategies as st

from govhall.core.errors import ValidationFailed
from govhall.core.selectors import Rollup
from govhall.performance import selectors, services
from govhall.performance.checks import check_snapshot
from govhall.performance.models import Rubric, RubricRule
from govhall.performance.rules import RULES, SCALES, services_of
from govhall.performance.scoring import award_floor, rules_score
from tests.factories import DepartmentFactory

MAY = "2026-05"


class Source:
    """A figure source with the apps' contract, serving a fixed table."""

    def __init__(self, table):
        self.table = table

    def figure_rollup(self, *, center_id, start, end):
        return Rollup(
            total=dict(self.table["center"]),
            by={
                "department": {pk: dict(f) for pk, f in self.table["departments"].items()},
                "staff": {},
            },
        )


def _serve(monkeypatch, departments):
    center = {
        key: sum(f.get(key, 0) for f in departments.values())
        for key in (
            "accepted",
            "completed",
            "tickets_issued",
            "tickets_served",
            "served_within_10min",
            "ratings",
        )
    }
    center["completion_rate"] = (
        center["completed"] / center["accepted"] if center["accepted"] else None
    )
    monkeypatch.setattr(
        selectors, "FIGURE_SOURCES", (Source({"center": center, "departments": departments}),)
    )
    monkeypatch.setattr(selectors.cases_selectors, "overdue_by_department_item", lambda **kw: [])


def _unit(**figures):
    """A unit's month: every case completed, tickets served within 10 minutes, nothing bad,
    unless said otherwise."""
    base = {
        "accepted": 0,
        "completed": 0,
        "completion_rate": None,
        "overdue": 0,
        "tickets_issued": 0,
        "tickets_served": 0,
        "share_within_10min": None,
        "ratings": 0,
        "good_ratings": 0,
        "good_rate": None,
        "bad_valid": 0,
        "invitation_rate": None,
        "staff_count": 0,
        "present_days": 0,
        "late": 0,
        "absence_from_post_minutes": 0,
    }
    return base | figures


def _faultless(tickets: int, cases: int, staff: int = 1, **more) -> dict:
    """A unit of `staff` people at work every day of the month, every case completed, every
    ticket served within 10 minutes and nothing bad unless said otherwise in `more`."""
    return _unit(
        accepted=cases,
        completed=cases,
        completion_rate=1.0,
        tickets_issued=tickets,
        tickets_served=tickets,
        served_within_10min=tickets,
        share_within_10min=1.0 if tickets else None,
        staff_count=staff,
        present_days=19 * staff,
        **more,
    )


# --- the arithmetic ---------------------------------------------------------------------------

DEDUCTIONS = sorted(code for code, rule in RULES.items() if rule.scalable)
counts = st.integers(min_value=0, max_value=50)
sizes = st.integers(min_value=1, max_value=5000)


def _figures(events: int, size: int) -> dict:
    """`events` of every kind a deduction counts, in a unit of `size` staff, cases and tickets."""
    keys = {key for code in DEDUCTIONS for key in RULES[code].inputs}
    return {key: events for key in keys} | {
        "staff_count": size,
        "accepted": size,
        "tickets_served": size,
    }


@given(st.sampled_from(DEDUCTIONS), st.sampled_from(sorted(SCALES)), counts, sizes)
def test_a_scaled_deduction_stays_within_its_points(code, scale, events, size):
    got = RULES[code].score(_figures(events, size), Decimal(20), {}, [], scale)
    assert Decimal(0) <= got <= Decimal(20)


@given(st.sampled_from(DEDUCTIONS), counts)
def test_at_one_staff_member_and_100_cases_or_services_every_scale_is_per_event(code, events):
    """Per staff member of a unit of one, per 100 cases of 100 cases, per 100 services of 100
    services (50 tickets + 50 cases): the per-event deduction."""
    rule = RULES[code]
    figures = _figures(events, 1)
    per_event = rule.score(figures, Decimal(30), {}, [], "event")
    assert rule.score(figures, Decimal(30), {}, [], "per_staff") == per_event
    figures |= {"accepted": 100}
    assert rule.score(figures, Decimal(30), {}, [], "per_100_cases") == per_event
    figures |= {"accepted": 50, "tickets_served": 50}
    assert rule.score(figures, Decimal(30), {}, [], "per_100_services") == per_event


@given(
    st.sampled_from(DEDUCTIONS),
    st.sampled_from(["per_staff", "per_100_cases", "per_100_services"]),
    counts,
    sizes,
    st.integers(min_value=2, max_value=20),
)
def test_a_rate_is_a_rate_whatever_the_size_of_the_unit(code, scale, events, size, k):
    """k times the events in a unit k times larger lose the same points (to the cent)."""
    rule = RULES[code]
    small = rule.score(_figures(events, size), Decimal(20), {}, [], scale)
    large = rule.score(_figures(events * k, size * k), Decimal(20), {}, [], scale)
    assert abs(small - large) <= Decimal("0.01")


@given(st.sampled_from(DEDUCTIONS), st.sampled_from(sorted(SCALES)), counts, sizes, sizes)
def test_more_events_never_score_more_and_a_larger_unit_never_less(code, scale, e, s1, s2):
    rule = RULES[code]
    fewer, more = sorted((s1, s2))
    assert rule.score(_figures(e + 1, fewer), Decimal(20), {}, [], scale) <= rule.score(
        _figures(e, fewer), Decimal(20), {}, [], scale
    )
    assert rule.score(_figures(e, fewer), Decimal(20), {}, [], scale) <= rule.score(
        _figures(e, more), Decimal(20), {}, [], scale
    )


def test_a_share_has_no_scale():
    with pytest.raises(ValueError):
        RULES["good_rating_rate"].score({"good_rate": 1.0}, Decimal(30), {}, [], "per_staff")


def test_a_unit_without_the_denominator_loses_as_a_unit_of_one():
    """A violation recorded for a unit nobody was scheduled in is not escaped: per staff member
    it counts as one person's (−5 of 100); without events the points are kept, as per event."""
    rule = RULES["inspection_points"]
    assert rule.score({"violation_points": 1}, Decimal(100), {"factor": 5}, [], "per_staff") == (
        Decimal("95.00")
    )
    assert rule.score({}, Decimal(100), {"factor": 5}, [], "per_staff") == Decimal("100.00")


@given(
    st.lists(st.integers(min_value=0, max_value=100_000), min_size=1, max_size=40),
    st.decimals(min_value=0, max_value=1, places=2),
)
def test_the_award_floor_is_a_share_of_the_median(services_, share):
    floor = award_floor(services_, share)
    ordered = sorted(services_)
    middle = len(ordered) // 2
    # at least half the units reach the floor whatever the share (≤ 1)
    assert sum(1 for s in services_ if s >= floor) * 2 >= len(services_)
    median = (
        Decimal(ordered[middle])
        if len(ordered) % 2
        else (Decimal(ordered[middle - 1]) + Decimal(ordered[middle])) / 2
    )
    assert floor - 1 < share * median <= floor


def test_the_award_floor_by_hand():
    # median of 5, 40, 50, 60, 400 is 50; 0.25 × 50 = 12.5 → 13 services
    assert award_floor([5, 40, 50, 60, 400], Decimal("0.25")) == 13
    # median of 2 and 400 is 201; 0.25 × 201 = 50.25 → 51
    assert award_floor([2, 400], Decimal("0.25")) == 51
    assert award_floor([5, 40, 50], Decimal("0")) == 0
    assert award_floor([], Decimal("0.25")) == 0


def test_rules_score_reads_each_items_scale():
    figures = {"bad_valid": 3, "tickets_served": 300, "accepted": 100}
    scaled = rules_score(
        figures, [("valid_bad_ratings", Decimal(20), {"per_rating": 5}, "per_100_services")], []
    )
    per_event = rules_score(figures, [("valid_bad_ratings", Decimal(20), {"per_rating": 5})], [])
    # 20 − 5 × 3 ÷ (400 ÷ 100) = 16.25 of 20; per event 20 − 15 = 5 of 20
    assert (scaled.score, per_event.score) == (Decimal("81.25"), Decimal("25.00"))


# --- a month worked by hand ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_busy_unit_with_a_few_bad_ratings_outranks_a_tiny_unit_with_none(center, monkeypatch):
    """May 2026, the default rubric, no marks entered (履职能力, 民主测评 left out): the weights
    are 遵纪守规 15, 工作绩效 25, 服务质量 25, 考勤考核 10, over 75.

    R (不动产): 10 staff, 190 days at work; 100 cases all completed, 300 tickets (95 % within
    10 minutes): 400 services; 300 ratings, 297 good (0.99), 3 valid bad; invitation rate 0.95;
    4 late arrivals, 100 minutes of 空岗.
    T (a tiny unit): 1 staff member, 19 days; 2 cases completed, no ticket; 1 rating, good; it
    invited 1 of its 2 services (0.5); 2 late arrivals, 60 minutes of 空岗.

    Scaled (the default rubric):
      R 遵纪守规 100; 工作绩效 20 + 40 + 30 + 10 = 100;
        服务质量 good rate (0.99 − 0.9) ÷ 0.1 × 30 = 27, bad ratings per 100 services
        20 − 5 × 3 ÷ 4 = 16.25, complaints 20, invitation 20 → 83.25 of 90 = 92.50
        (rectification: none due, re-spread);
        考勤考核 per staff member 100 − (2 × 4 + 0.2 × 100) ÷ 10 = 97.20;
        total (1500 + 2500 + 25 × 92.50 + 10 × 97.20) ÷ 75 = 7284.50 ÷ 75 = 97.13
      T 遵纪守规 100; 工作绩效 (no ticket: 10 minutes left out) 90 of 90 = 100;
        服务质量 30 + 20 + 20 + 0 (invitation 0.5 at the floor) = 70 of 90 = 77.78;
        考勤考核 100 − (2 × 2 + 0.2 × 60) ÷ 1 = 84.00;
        total (1500 + 2500 + 25 × 77.78 + 10 × 84) ÷ 75 = 6784.50 ÷ 75 = 90.46
      → R 1st, T 2nd. The floor: median of 400 and 2 is 201, ⌈0.25 × 201⌉ = 51: T (2
      services) is under it and listed apart, R is ranked 1st alone and takes 优秀窗口.
    Per event and without a floor (the same rubric with every scale set to per event, as
    before):
      R 服务质量 27 + (20 − 15) + 20 + 20 = 72 of 90 = 80.00;
        考勤考核 100 − (8 + 20) = 72.00;
        total (1500 + 2500 + 2000 + 720) ÷ 75 = 89.60
      T is unchanged (a unit of one): 90.46 → T 1st, R 2nd.
    """
    r = DepartmentFactory(center=center, name="市不动产登记服务中心")
    t = DepartmentFactory(center=center, name="市地震局")
    _serve(
        monkeypatch,
        {
            r.pk: _unit(
                accepted=100,
                completed=100,
                completion_rate=1.0,
                tickets_issued=300,
                tickets_served=300,
                served_within_10min=285,
                share_within_10min=0.95,
                ratings=300,
                good_ratings=297,
                good_rate=0.99,
                bad_valid=3,
                invitation_rate=0.95,
                staff_count=10,
                present_days=190,
                late=4,
                absence_from_post_minutes=100,
            ),
            t.pk: _unit(
                accepted=2,
                completed=2,
                completion_rate=1.0,
                ratings=1,
                good_ratings=1,
                good_rate=1.0,
                invitation_rate=0.5,
                staff_count=1,
                present_days=19,
                late=2,
                absence_from_post_minutes=60,
            ),
        },
    )
    rubric = services.ensure_default_rubric(center=center)
    run = services.evaluate_period(center=center, code=MAY)
    scores = {s.department_id: s for s in run.scores.all()}
    assert (
        scores[r.pk].dimension_scores["quality"],
        scores[r.pk].dimension_scores["attendance"],
    ) == (
        "92.50",
        "97.20",
    )
    assert (scores[r.pk].total, scores[r.pk].rank, scores[r.pk].award) == (
        Decimal("97.13"),
        1,
        "优秀窗口",
    )
    assert (scores[t.pk].total, scores[t.pk].rank, scores[t.pk].award) == (
        Decimal("90.46"),
        None,
        "",
    )
    assert scores[t.pk].standing == "low_volume"
    assert run.inputs["award_floor"] == 51
    assert [
        (f["services"], f["floor"]) for f in scores[t.pk].flags if f["kind"] == "low_volume"
    ] == [(2, 51)]

    per_event = services.new_rubric_version(rubric=rubric, actor=None)
    RubricRule.objects.filter(dimension__rubric=per_event).update(scale="event")
    Rubric.objects.filter(pk=per_event.pk).update(award_min_volume_share=0)
    run = services.evaluate_period(center=center, code=MAY, rubric=per_event)
    scores = {s.department_id: s for s in run.scores.all()}
    assert (scores[r.pk].total, scores[r.pk].rank) == (Decimal("89.60"), 2)
    assert (scores[t.pk].total, scores[t.pk].rank) == (Decimal("90.46"), 1)


# --- the floor, the bulletin and the check ---------------------------------------------------


@pytest.fixture
def floor_month(center, monkeypatch):
    """Five units, each perfect on every figure it has: services 5, 40, 50, 60 and 400
    (median 50, floor ⌈0.25 × 50⌉ = 13). 市甲局 (5 services) is under the floor and listed
    apart; 市乙局 (60) has no attendance recorded. 优秀窗口 has 4 places, 3 eligible units:
    丙, 丁, 戊."""

    units = {
        "市甲局": _faultless(0, 5),
        "市乙局": _faultless(40, 20, staff=0),
        "市丙局": _faultless(30, 10),
        "市丁局": _faultless(40, 10),
        "市戊局": _faultless(300, 100),
    }
    departments = {name: DepartmentFactory(center=center, name=name) for name in units}
    _serve(monkeypatch, {departments[name].pk: f for name, f in units.items()})
    services.ensure_default_rubric(center=center)
    return departments


@pytest.mark.django_db
def test_a_unit_under_the_floor_is_apart_and_one_never_at_work_ranked_without_award(
    floor_month, center
):
    run = services.evaluate_period(center=center, code=MAY)
    scores = {s.department.name: s for s in run.scores.select_related("department")}
    assert (scores["市甲局"].standing, scores["市甲局"].rank) == ("low_volume", None)
    assert sorted(s.rank for name, s in scores.items() if name != "市甲局") == [1, 2, 3, 4]
    assert {name for name, s in scores.items() if s.award} == {"市丙局", "市丁局", "市戊局"}
    assert run.inputs["award_floor"] == 13
    text = "".join(
        lead + body
        for section in services.bulletin_of(run=run).sections
        for lead, body in section.paragraphs
    )
    assert "市乙局考核期内无出勤记录,不参加本期评优。" in text
    assert (
        "市甲局(服务5人次)服务量未达到排名门槛13人次(参评单位服务量中位数的25%),不参加排名。"
    ) in text
    assert "—" not in text and "None" not in text
    assert all(check.ok for check in services.check_run(run=run))


@pytest.mark.django_db
def test_the_check_refuses_an_award_under_the_floor_or_without_attendance(
    floor_month, center, admin_user
):
    run = services.evaluate_period(center=center, code=MAY)
    run.scores.filter(department=floor_month["市甲局"]).update(award="优秀窗口")
    run.scores.filter(department=floor_month["市乙局"]).update(award="优秀窗口")
    failed = [c.text for c in services.check_run(run=run) if not c.ok]
    assert len(failed) == 1
    assert "市甲局(未参加排名)" in failed[0]
    assert "市乙局(无出勤记录)" in failed[0]
    with pytest.raises(ValidationFailed):
        services.publish_run(run=run, actor=admin_user)


def test_the_check_refuses_an_award_without_cases():
    inputs = {
        "rubric": {"award_min_volume_share": 0.25},
        "departments": {
            "1": {"name": "甲", "figures": {"accepted": 0, "present_days": 19}},
            "2": {"name": "乙", "figures": {"accepted": 9, "present_days": 19}},
        },
    }
    checks = check_snapshot(
        inputs,
        department_awards={"1": ("优秀窗口", "ranked"), "2": ("", "ranked")},
        staff_awards={},
        scheduled_minutes={},
    )
    failed = [c.text for c in checks if not c.ok]
    assert any("甲(无办件)" in text for text in failed)
    assert services_of(inputs["departments"]["2"]["figures"]) == 9


@pytest.mark.django_db
def test_a_share_rule_at_a_scale_is_refused(center, monkeypatch):
    _serve(monkeypatch, {})
    rubric = services.ensure_default_rubric(center=center)
    RubricRule.objects.filter(dimension__rubric=rubric, rule="good_rating_rate").update(
        scale="per_staff"
    )
    with pytest.raises(ValidationFailed):
        services.validate_rubric(rubric=rubric)


@pytest.mark.django_db
def test_the_default_rubric_reads_deductions_at_their_scales(center):
    rubric = services.ensure_default_rubric(center=center)
    scales = dict(RubricRule.objects.filter(dimension__rubric=rubric).values_list("rule", "scale"))
    assert scales == {
        "inspection_points": "per_staff",
        "has_cases": "event",
        "completion_rate": "event",
        "overdue_cases": "per_100_cases",
        "within_10_minutes": "event",
        "good_rating_rate": "event",
        "valid_bad_ratings": "per_100_services",
        "valid_complaints": "per_100_services",
        "invitation_rate": "event",
        "rectification_on_time": "event",
        "attendance": "per_staff",
    }
    assert rubric.award_min_volume_share == Decimal("0.25")
    copy = services.new_rubric_version(rubric=rubric, actor=None)
    assert copy.award_min_volume_share == Decimal("0.25")
    assert (
        dict(RubricRule.objects.filter(dimension__rubric=copy).values_list("rule", "scale"))
        == scales
    )


# --- the migration ----------------------------------------------------------------------------

BEFORE = [("performance", "0003_week_periods")]
AFTER = [("performance", "0004_rule_scale_award_floor")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_existing_rubrics_per_event_without_a_floor():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    center = old.get_model("core", "Center").objects.create(
        name="旧中心", level="city", region_code="419999"
    )
    rubric = old.get_model("performance", "Rubric").objects.create(
        center_id=center.pk, name="旧细则", version=1, is_active=True
    )
    dimension = old.get_model("performance", "RubricDimension").objects.create(
        rubric_id=rubric.pk, code="quality", name="服务质量", weight=25, method="data"
    )
    old.get_model("performance", "RubricRule").objects.create(
        dimension_id=dimension.pk, rule="valid_bad_ratings", points=20, params={"per_rating": 5}
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    migrated = Rubric.objects.get(pk=rubric.pk)
    assert migrated.award_min_volume_share == Decimal("0")
    assert list(
        RubricRule.objects.filter(dimension__rubric=migrated).values_list("rule", "scale")
    ) == [("valid_bad_ratings", "event")]
