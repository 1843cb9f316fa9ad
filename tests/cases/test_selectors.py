"""Figures checked against a hand-counted March 2026 (DOMAIN.md "Figures")."""

import datetime as dt

import pytest

from govhall.cases import selectors, services
from govhall.cases.models import Case
from govhall.core.roles import Role
from tests.cases.factories import accept, at, on, served_ticket
from tests.factories import (
    DepartmentFactory,
    MaterialFactory,
    ServiceItemFactory,
    make_id_number,
)

pytestmark = pytest.mark.django_db

MARCH = {"start": dt.date(2026, 3, 1), "end": dt.date(2026, 3, 31)}
D = dt.date


@pytest.fixture
def month(center, department):
    """Department A: 4 cases touching March; B entered with none; C not entered."""
    item = ServiceItemFactory(
        center=center, department=department, promised_limit_days=5, name="种畜禽生产经营许可"
    )
    served = served_ticket(center, department, 1, D(2026, 3, 2))  # opened a case: no consultation
    on_time = accept(item, day=D(2026, 3, 2), ticket=served)
    services.complete_case(actor=None, case=on_time, approved=True, at=at(D(2026, 3, 4)))
    late = accept(item, day=D(2026, 3, 2))  # due 03-09
    services.complete_case(actor=None, case=late, approved=True, at=at(D(2026, 3, 12)))
    still_open = accept(item, day=D(2026, 3, 20))  # due 03-27, open on 03-31
    online = services.submit_case(
        item=item,
        applicant_type="person",
        applicant_name="李四",
        phone="13800004321",
        id_number=make_id_number(99),
        at=at(D(2026, 3, 24)),
    )
    services.accept_submitted_case(actor=None, case=online, at=at(D(2026, 3, 25)))
    february = accept(item, day=D(2026, 2, 25))
    services.complete_case(actor=None, case=february, approved=True, at=at(D(2026, 3, 3)))
    withdrawn = accept(item, day=D(2026, 2, 2))
    services.withdraw_case(actor=None, case=withdrawn, at=at(D(2026, 2, 3)))
    served_ticket(center, department, 2, D(2026, 3, 5))  # consultation: served, no case
    empty = DepartmentFactory(center=center, name="市农业农村局空")
    DepartmentFactory(center=center, name="未进驻局", entered=False)
    return {"item": item, "open": still_open, "empty": empty}


def test_overdue_cases_accepted_before_the_period_are_handled_in_it(center, department):
    """A unit's backlog: two February cases still open past due on 03-31 and one case accepted
    in March. The bulletin must not say it handled fewer cases than were overdue."""
    item = ServiceItemFactory(center=center, department=department, promised_limit_days=5)
    accept(item, day=D(2026, 2, 2))
    accept(item, day=D(2026, 2, 3))
    accept(item, day=D(2026, 3, 30))
    rows = selectors.overdue_by_department_item(center_id=center.pk, **MARCH)
    assert [(r["handled"], r["overdue"]) for r in rows] == [(3, 2)]
    assert (
        selectors.department_figures(center_id=center.pk, **MARCH)[department.pk]["accepted"] == 1
    )


def test_accepted_in_every_month_of_a_period(center, department):
    item = ServiceItemFactory(center=center, department=department)
    accept(item, day=D(2026, 1, 31))
    accept(item, day=D(2026, 3, 1))
    assert selectors.accepted_in_every_month(center_id=center.pk, **MARCH)
    assert not selectors.accepted_in_every_month(
        center_id=center.pk, start=D(2026, 1, 1), end=D(2026, 3, 31)
    )
    accept(item, day=D(2026, 2, 28))
    assert selectors.accepted_in_every_month(
        center_id=center.pk, start=D(2026, 1, 15), end=D(2026, 3, 31)
    )
    assert not selectors.accepted_in_every_month(
        center_id=center.pk, start=D(2026, 3, 2), end=D(2026, 4, 1)
    )


def test_department_figures_match_the_definitions(center, department, month):
    figures = selectors.department_figures(center_id=center.pk, **MARCH)
    row = figures[department.pk]
    assert row == {
        "accepted": 4,
        # 办结 of the 受理 beside it: the February case completed in March is not one of them
        "completed": 2,
        "completion_rate": pytest.approx(2 / 4),
        "accepted_online": 1,
        "online_share": pytest.approx(1 / 4),
        "completed_in_period": 3,
        "overdue": 2,
        "on_time_rate": pytest.approx(2 / 3),
        # 2 (03-03, 03-04) + 8 (03-03..03-12) + 5 (02-26, 02-27, make-up Sat 02-28, 03-02, 03-03)
        "avg_workdays": 5.0,
        "consultations": 1,
    }
    assert figures[month["empty"].pk]["accepted"] == 0
    assert selectors.center_figures(center_id=center.pk, **MARCH) == row


def test_figures_keys_are_the_contract(center, month):
    assert set(selectors.center_figures(center_id=center.pk, **MARCH)) == set(selectors.FIGURE_KEYS)
    empty = selectors.center_figures(center_id=center.pk, start=D(2020, 1, 1), end=D(2020, 1, 31))
    assert empty["accepted"] == 0 and empty["completion_rate"] is None


def test_the_running_total_is_the_cohort_of_every_case_accepted_so_far(center, month):
    """至目前 (seed 001: "共受理审批服务事项3645件,事项办结率为96.89%"): the cases accepted from
    the first (02-02, withdrawn since) to the close of the day, and of them those completed by
    then; the same cohort as a period's 受理 and 办结 when the period starts at the first case."""
    running = selectors.since_launch(center_id=center.pk, end=D(2026, 3, 31))
    assert running == {
        "since": D(2026, 2, 2),
        # 02-02 (withdrawn), 02-25, and March's four; completed: 02-25, on_time, late
        "accepted": 6,
        "completed": 3,
        "completion_rate": pytest.approx(3 / 6),
    }
    cohort = selectors.center_figures(center_id=center.pk, start=D(2026, 2, 2), end=D(2026, 3, 31))
    assert {k: cohort[k] for k in ("accepted", "completed", "completion_rate")} == {
        k: running[k] for k in ("accepted", "completed", "completion_rate")
    }
    # at the close of February the February case was not yet completed (03-03)
    assert selectors.since_launch(center_id=center.pk, end=D(2026, 2, 28)) == {
        "since": D(2026, 2, 2),
        "accepted": 2,
        "completed": 0,
        "completion_rate": 0,
    }
    assert selectors.since_launch(center_id=center.pk, end=D(2026, 2, 1)) is None


def test_cases_accepted_by_mode(center, department):
    """容缺受理 and 告知承诺 counted among the cases accepted in the period, every mode listed."""
    item = ServiceItemFactory(center=center, department=department, promised_limit_days=5)
    MaterialFactory(item=item, name="身份证明", required=False)
    for day in (D(2026, 3, 2), D(2026, 3, 3), D(2026, 2, 27)):
        accept(item, day=day, mode="missing", materials_missing=["身份证明"])
    accept(item, day=D(2026, 3, 4))
    assert selectors.accepted_by_mode(center_id=center.pk, **MARCH) == {
        Case.Mode.NORMAL: 1,
        Case.Mode.MISSING: 2,
        Case.Mode.COMMITMENT: 0,
    }


def test_overdue_by_department_item_for_the_bulletin(center, department, month):
    rows = selectors.overdue_by_department_item(center_id=center.pk, **MARCH)
    assert rows == [
        {
            "department_id": department.pk,
            "department": department.name,
            "item_id": month["item"].pk,
            "item": "种畜禽生产经营许可",
            "handled": 4,
            "overdue": 2,
        }
    ]
    limited = selectors.overdue_by_department_item
    assert limited(center_id=center.pk, department_ids=[department.pk], **MARCH) == rows
    assert limited(center_id=center.pk, department_ids=[], **MARCH) == []


def test_zero_case_departments(center, department, month):
    names = [d.name for d in selectors.zero_case_departments(center_id=center.pk, **MARCH)]
    assert names == ["市农业农村局空"]


def test_overdue_cases_on_a_day(center, month):
    assert list(selectors.overdue_cases(center_id=center.pk, on=D(2026, 3, 31))) == [month["open"]]
    assert list(selectors.overdue_cases(center_id=center.pk, on=D(2026, 3, 27))) == []


def test_staff_and_item_groupings(center, department, month, make_user):
    clerk = make_user(Role.WINDOW_STAFF, department=department)
    by_item = selectors.case_figures(center_id=center.pk, by="item", **MARCH)
    assert by_item[month["item"].pk]["accepted"] == 4
    case = accept(month["item"], actor=clerk, day=D(2026, 3, 10))
    staff = selectors.staff_figures(center_id=center.pk, **MARCH)
    assert staff[clerk.staff_profile.pk]["accepted"] == 1
    assert case.accepted_by == clerk


def test_light_counts(center, department, month):
    rows = selectors.light_counts_by_department(
        Case.objects.filter(center=center), today=D(2026, 3, 31)
    )
    assert rows[0]["red"] == 1 and rows[0]["department_id"] == department.pk


def test_while_the_period_runs_an_open_case_is_overdue_only_once_its_due_date_has_passed(
    center, month
):
    """The case open on 03-31 is due 03-27. Asked on 03-25, March is still running: the case
    has days to go and is not overdue yet, in the figures or the bulletin's list; asked on
    03-28, it is."""
    for today, overdue in ((D(2026, 3, 25), 1), (D(2026, 3, 27), 1), (D(2026, 3, 28), 2)):
        with on(today):
            figures = selectors.center_figures(center_id=center.pk, **MARCH)
            rows = selectors.overdue_by_department_item(center_id=center.pk, **MARCH)
        assert figures["overdue"] == overdue
        assert sum(r["overdue"] for r in rows) == overdue
