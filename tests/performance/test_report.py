"""The bulletin's wording helpers (performance/report.py)."""

import copy
import datetime as dt

import pytest

from govhall.performance import services
from govhall.performance.report import (
    BULLETIN_RULES,
    _efficiency,
    _problems,
    _quality,
    compose_bulletin,
    percent,
)
from tests.cases.factories import accept, on
from tests.factories import DepartmentFactory, ServiceItemFactory
from tests.performance.month import window_cases


def test_percent_rounds_half_up_as_an_office_does():
    assert percent(197 / 200) == "99%"  # 98.5 %: float rounding half to even printed 98%
    assert percent(5 / 8) == "63%"
    assert percent(0.845) == "85%"
    assert percent(0.125, 1) == "12.5%"
    assert percent(0.99949, 1) == "99.9%"
    assert percent(0.99951, 1) == "100.0%"
    assert percent(0.9088) == "91%"
    assert percent(1) == "100%"
    assert percent(0) == "0%"
    assert percent(0.2032, 2) == "20.32%"


def test_completion_rate_of_the_bulletin_is_rounded_half_up():
    center = {"accepted": 200, "completed": 197, "completion_rate": 197 / 200, "overdue": 0}
    text = _efficiency("2026年5月", center, {"departments": {}, "bulletin_rules": 2})
    assert "办结197件,办结率99%" in text
    # a run computed before keeps the rounding its document was issued with
    assert "办结197件,办结率98%" in _efficiency("2026年5月", center, {"departments": {}})


@pytest.mark.django_db
def test_a_new_run_rounds_its_percentages_half_up(center, department):
    """7 of 8 cases completed by the close of March: 87.5 % is printed 88% either way; 5 of 8
    ratings good (62.5 %) is 63% half up."""
    item = ServiceItemFactory(center=center, department=department, promised_limit_days=5)
    for day in (2, 3, 4, 5, 6, 9, 10, 11):
        accept(item, day=dt.date(2026, 3, day))
    run = services.evaluate_period(center=center, code="2026-03")
    assert run.inputs["bulletin_rules"] == BULLETIN_RULES == 3
    run.inputs["center"]["completion_rate"] = 5 / 8
    text = "".join(
        t
        for s in compose_bulletin(run=run, texts={}, issued_on=dt.date(2026, 4, 2)).sections
        for _lead, t in s.paragraphs
    )
    assert "办结率63%" in text
    del run.inputs["bulletin_rules"]
    text = "".join(
        t
        for s in compose_bulletin(run=run, texts={}, issued_on=dt.date(2026, 4, 2)).sections
        for _lead, t in s.paragraphs
    )
    assert "办结率62%" in text


@pytest.mark.django_db
def test_a_backlog_of_overdue_cases_is_counted_in_the_cases_handled(center, department):
    """Two cases accepted in February are still open past due at the close of March, one case
    was accepted in March: the unit handled 3 cases in March and 2 of them are overdue (before:
    "办理业务1件、超期2件", fewer handled than overdue)."""
    item = ServiceItemFactory(center=center, department=department, promised_limit_days=5)
    accept(item, day=dt.date(2026, 2, 2))
    accept(item, day=dt.date(2026, 2, 3))
    accept(item, day=dt.date(2026, 3, 30))
    run = services.evaluate_period(center=center, code="2026-03")
    bulletin = compose_bulletin(run=run, texts={}, issued_on=dt.date(2026, 4, 2))
    text = "".join(t for s in bulletin.sections for _lead, t in s.paragraphs)
    assert f"{department.name}办理业务3件、超期2件(" in text
    assert "共受理办件1件" in text


@pytest.mark.django_db
def test_points_deducted_print_as_an_office_writes_them(center, department):
    """A snapshot keeps points as 2.0: the bulletin says "扣2分", not "扣2.0分"."""
    accept(ServiceItemFactory(center=center, department=department), day=dt.date(2026, 3, 2))
    run = services.evaluate_period(center=center, code="2026-03")
    inputs = copy.deepcopy(run.inputs)
    inputs["departments"][str(department.pk)]["figures"].update(
        violations=2, violation_points=2.0, complaint_deductions=1.5
    )
    text = "".join(_problems(run, inputs))
    assert f"个别单位因群众投诉被扣分:{department.name}扣1.5分。" in text
    assert "巡查发现违规2起、扣2分" in text
    # a run issued before keeps its wording
    assert "巡查发现违规2起、扣2.0分" in "".join(_problems(run, {**inputs, "bulletin_rules": 2}))


@pytest.mark.django_db
def test_a_unit_that_only_handled_its_backlog_is_not_said_to_have_no_business(center, department):
    """No case accepted in March, two February cases open past due: the unit "办理业务2件、超期2件"
    and, unranked for accepting nothing, "考核期内未受理新办件" (it read "办件量为零" beside it)."""
    item = ServiceItemFactory(center=center, department=department, promised_limit_days=5)
    accept(item, day=dt.date(2026, 2, 2))
    accept(item, day=dt.date(2026, 2, 3))
    busy = DepartmentFactory(center=center)
    accept(ServiceItemFactory(center=center, department=busy), day=dt.date(2026, 3, 10))
    run = services.evaluate_period(center=center, code="2026-03")
    text = "".join(_problems(run, run.inputs))
    assert f"{department.name}办理业务2件、超期2件(" in text
    assert f"{department.name}考核期内未受理新办件,未参加排名。" in text
    assert "办件量为零" not in text
    # a run issued before keeps its wording
    earlier = "".join(_problems(run, {**run.inputs, "bulletin_rules": 2}))
    assert f"{department.name}未受理办理业务,办件量为零,未参加排名。" in earlier


def test_complaints_still_being_checked_are_named_apart_from_the_valid_ones():
    center = {"complaints": 5, "complaints_valid": 1, "complaints_invalid": 1}
    assert _quality(center) == "受理“办不成事”反映及投诉5件,其中有效投诉1件,尚在核实3件。"
    judged = {"complaints": 2, "complaints_valid": 1, "complaints_invalid": 1}
    assert _quality(judged) == "受理“办不成事”反映及投诉2件,其中有效投诉1件。"
    # a run computed before keeps the sentence it was issued with
    assert _quality(center, rules=1) == "受理“办不成事”反映及投诉5件,其中有效投诉1件。"


@pytest.mark.parametrize(
    ("online", "offline", "split"),
    [(12, 28, "(线上12条、线下28条)"), (0, 40, "(均为线下评价)"), (40, 0, "(均为线上评价)")],
)
def test_the_ratings_name_a_channel_only_when_it_had_ratings(online, offline, split):
    center = {
        "ratings": online + offline,
        "ratings_online": online,
        "ratings_offline": offline,
        "good_rate": 0.875,
        "bad_ratings": 5,
    }
    assert _quality(center) == f"收到评价40条{split},好评率87.5%,差评5条。"
    assert _quality({**center, "bad_ratings": 0}) == f"收到评价40条{split},好评率87.5%,无差评。"
    # a run issued before keeps its wording
    assert _quality(center, rules=2) == (
        f"收到评价40条(线上{online}条、线下{offline}条),好评率87.5%,差评5条。"
    )


def _text(run) -> str:
    bulletin = compose_bulletin(run=run, texts={}, issued_on=dt.date(2026, 4, 2))
    return "".join(t for s in bulletin.sections for _lead, t in s.paragraphs)


@pytest.mark.django_db
def test_the_bulletin_states_the_running_total_since_the_first_case(center, department):
    """Seed 001: "至目前,通过平凉市行政审批系统共受理审批服务事项3645件,事项办结率为
    96.89%". February: 100 cases accepted, 97 of them completed; March: 3 accepted, 2 completed
    → 99 ÷ 103 since the first case (02-02), 96.12% to two decimals; the checks list its rate."""
    item = ServiceItemFactory(center=center, department=department)
    for accepted, count, completed in (
        (dt.date(2026, 2, 2), 97, dt.date(2026, 2, 6)),
        (dt.date(2026, 2, 3), 3, None),
        (dt.date(2026, 3, 2), 2, dt.date(2026, 3, 4)),
        (dt.date(2026, 3, 3), 1, None),
    ):
        window_cases(
            department=department, item=item, accepted=accepted, count=count, completed=completed
        )
    run = services.evaluate_period(center=center, code="2026-03")
    assert run.inputs["since_launch"] == {
        "since": "2026-02-02",
        "accepted": 103,
        "completed": 99,
        "completion_rate": 99 / 103,
    }
    sentence = (
        "截至2026年3月31日,政务服务系统自2026年2月2日启用以来累计受理办件103件,"
        "办结99件,办结率96.12%。"
    )
    assert sentence in _text(run)
    checks = {c.text: c.ok for c in services.check_run(run=run)}
    assert checks["累计办结率 0.9612 = 99 ÷ 103"] is True
    # a run computed before the snapshot recorded it (a published bulletin) reads as it was signed
    del run.inputs["since_launch"]
    assert "累计受理" not in _text(run)
    # the month of the first case: the running total would only repeat the month's own figures
    assert "累计受理" not in _text(services.evaluate_period(center=center, code="2026-02"))


@pytest.mark.django_db
def test_a_run_computed_while_its_period_runs_says_the_day_its_figures_stop(center, department):
    """Computed on 03-11, March's run holds its figures to that day: the bulletin's title and
    text say "(截至3月11日)" and its running total is dated 03-11, not the 31st; the case due
    03-13 and still open is not overdue. Computed after the month, none of that."""
    item = ServiceItemFactory(center=center, department=department, promised_limit_days=5)
    window_cases(
        department=department,
        item=item,
        accepted=dt.date(2026, 2, 2),
        count=2,
        completed=dt.date(2026, 2, 6),
    )
    accept(item, day=dt.date(2026, 3, 6))  # due 03-13
    with on(dt.date(2026, 3, 11)):
        running = services.evaluate_period(center=center, code="2026-03")
    assert running.inputs["period"]["as_of"] == "2026-03-11"
    bulletin = compose_bulletin(run=running, texts={}, issued_on=dt.date(2026, 3, 11))
    assert bulletin.title.endswith("2026年3月(截至3月11日)进驻窗口单位服务效能评价情况通报")
    assert "2026年3月(截至3月11日),共受理办件1件" in _text(running)
    assert "截至2026年3月11日,政务服务系统自2026年2月2日启用以来累计受理办件3件" in _text(running)
    assert running.inputs["center"]["overdue"] == 0
    with on(dt.date(2026, 4, 1)):
        done = services.evaluate_period(center=center, code="2026-03")
    assert "as_of" not in done.inputs["period"]
    assert "截至3月" not in _text(done)
    assert done.inputs["center"]["overdue"] == 1
