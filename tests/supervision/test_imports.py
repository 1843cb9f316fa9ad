"""Problems from the data: guide lint, overdue cases, long waits, zero-case departments.

Each source goes through the owning app's real selector; running an import twice adds nothing.
"""

import datetime as dt

import pytest

from govhall.core.errors import PermissionDenied
from govhall.queueing import services as queue_services
from govhall.supervision import services
from govhall.supervision.models import Problem
from tests.cases.factories import accept
from tests.cases.factories import at as local_moment
from tests.factories import DepartmentFactory, MaterialFactory, ServiceItemFactory
from tests.queueing.factories import QueueCategoryFactory, open_hall

pytestmark = pytest.mark.django_db


def test_lint_finding_becomes_a_problem_carrying_item_and_finding(
    inspector, center, department, campaign, unit
):
    item = ServiceItemFactory(center=center, department=department, consult_phone="")
    MaterialFactory(item=item, name="根据有关法律法规规定应提交的其他材料")
    result = services.import_lint_findings(actor=inspector, campaign=campaign)
    rules = {p.source_ref["rule"]: p for p in result.created}
    assert {"catch_all_material", "missing_consult_phone"} <= set(rules)
    problem = rules["catch_all_material"]
    assert problem.unit == unit and problem.item == item
    assert problem.found_by == Problem.Source.GUIDE_LINT
    assert problem.category.key == "unclear_requirements"
    assert problem.source_ref["item_code"] == item.code
    assert problem.source_ref["severity"] == "error"
    assert problem.source_ref["message"] and problem.source_ref["message"] in problem.description
    assert item.name in problem.description
    assert problem.deadline == dt.date(2018, 5, 20)  # found during self-check
    assert problem.events.get().details["source_key"] == problem.source_key

    again = services.import_lint_findings(actor=inspector, campaign=campaign)
    assert again.created == [] and again.already_listed == len(result.created)
    assert Problem.objects.count() == len(result.created)


def test_lint_finding_stays_unique_even_after_it_is_fixed(
    inspector, lead, center, department, campaign
):
    ServiceItemFactory(center=center, department=department, consult_phone="")
    created = services.import_lint_findings(actor=inspector, campaign=campaign).created
    problem = next(p for p in created if p.source_ref["rule"] == "missing_consult_phone")
    services.mark_fixed(actor=lead, problem=problem, fix_note="已公布电话", measure="公布电话")
    assert services.import_lint_findings(actor=inspector, campaign=campaign).created == []


def test_findings_of_departments_outside_the_campaign_are_reported(inspector, center, campaign):
    outsider = DepartmentFactory(center=center)
    item = ServiceItemFactory(center=center, department=outsider, consult_phone="")
    result = services.import_lint_findings(actor=inspector, campaign=campaign)
    assert result.created == []
    assert f"guide_lint:{item.pk}:missing_consult_phone" in result.outside_scope
    assert not Problem.objects.exists()


@pytest.mark.parametrize(
    "importer",
    [
        services.import_lint_findings,
        services.import_overdue_cases,
        services.import_wait_alerts,
        services.import_zero_case_departments,
    ],
)
def test_only_the_centre_imports(lead, campaign, importer):
    with pytest.raises(PermissionDenied):
        importer(actor=lead, campaign=campaign)
    assert not Problem.objects.exists()


def test_overdue_cases_grouped_by_item_and_listed_once(
    clock, inspector, center, department, campaign, unit
):
    item = ServiceItemFactory(center=center, department=department, promised_limit_days=3)
    first = accept(item, day=dt.date(2018, 4, 2))
    second = accept(item, day=dt.date(2018, 4, 3))
    accept(item, day=dt.date(2018, 5, 10))  # not yet due
    result = services.import_overdue_cases(actor=inspector, campaign=campaign)
    (problem,) = result.created
    assert problem.unit == unit and problem.item == item
    assert problem.source_ref["case_numbers"] == sorted([first.number, second.number])
    assert first.number in problem.description and problem.category.key == "other"

    clock(dt.date(2018, 5, 25))  # the third case is overdue now; the first two stay listed
    again = services.import_overdue_cases(actor=inspector, campaign=campaign)
    (newer,) = again.created
    assert len(newer.source_ref["case_numbers"]) == 1
    assert newer.deadline == dt.date(2018, 6, 20)
    assert services.import_overdue_cases(actor=inspector, campaign=campaign).created == []


def test_wait_alerts_make_one_problem_per_department_and_day(
    clock, inspector, center, department, campaign, unit
):
    open_hall(center, wait_alert_minutes=30)
    category = QueueCategoryFactory(center=center, departments=[department], name="不动产登记")
    queue_services.issue_ticket(
        category=category, channel="kiosk", at=local_moment(dt.date(2018, 5, 12), 9)
    )
    (problem,) = services.import_wait_alerts(actor=inspector, campaign=campaign).created
    assert problem.unit == unit and problem.category.key == "long_waits"
    assert problem.source_ref["category_id"] == category.pk
    assert "不动产登记" in problem.description
    assert services.import_wait_alerts(actor=inspector, campaign=campaign).created == []


def test_zero_case_departments(
    inspector, center, department, other_department, campaign, other_unit
):
    item = ServiceItemFactory(center=center, department=department)
    accept(item, day=dt.date(2018, 4, 10))
    result = services.import_zero_case_departments(actor=inspector, campaign=campaign)
    (problem,) = result.created
    assert problem.unit == other_unit and problem.category.key == "not_centralised"
    assert problem.source_ref["start"] == "2018-04-01" and problem.source_ref["end"] == "2018-04-30"
    assert services.import_zero_case_departments(actor=inspector, campaign=campaign).created == []
    other_period = services.import_zero_case_departments(
        actor=inspector, campaign=campaign, start=dt.date(2018, 3, 1), end=dt.date(2018, 3, 31)
    )
    assert {p.unit for p in other_period.created} == {
        other_unit,
        campaign.units.get(department=department),
    }


def test_no_imports_once_the_campaign_has_ended(clock, inspector, center, department, campaign):
    from govhall.core.errors import InvalidTransition

    ServiceItemFactory(center=center, department=department, consult_phone="")
    clock(dt.date(2018, 7, 21))
    with pytest.raises(InvalidTransition):
        services.import_lint_findings(actor=inspector, campaign=campaign)
    assert not Problem.objects.exists()


def test_overdue_cases_on_a_day_still_to_come_are_refused(
    inspector, center, department, campaign, unit
):
    """Cases due after today are not overdue yet: an `on` in the future would list them as
    超过承诺时限未办结 (and, listed once per campaign, never again once they really are)."""
    from govhall.core.errors import ValidationFailed

    item = ServiceItemFactory(center=center, department=department, promised_limit_days=3)
    accept(item, day=dt.date(2018, 5, 10))  # due 2018-05-15, after today (2018-05-12)
    with pytest.raises(ValidationFailed) as refused:
        services.import_overdue_cases(actor=inspector, campaign=campaign, on=dt.date(2018, 6, 1))
    assert refused.value.code == "time_in_future"
    assert not Problem.objects.exists()


@pytest.mark.parametrize(
    "period",
    [
        {"start": dt.date(2018, 5, 1), "end": dt.date(2018, 5, 31)},  # the month is not over
        {"start": dt.date(2018, 4, 1)},  # only one end of the period
        {"end": dt.date(2018, 4, 30)},
    ],
)
def test_zero_case_period_must_be_given_whole_and_past(
    inspector, center, department, other_department, campaign, period
):
    """A department is 零办件 only over a period that has ended; a period given by one end only
    is refused rather than silently replaced by last month."""
    from govhall.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        services.import_zero_case_departments(actor=inspector, campaign=campaign, **period)
    assert not Problem.objects.exists()
