"""A unit lead keeps the unit's list in the browser; the inspector confirms; the census form
files a zero report and the centre's missing list shrinks."""

import datetime as dt

import pytest
from django.utils import timezone

from govhall.core.roles import Role, sync_roles
from govhall.supervision import services
from govhall.supervision.models import CensusReport, Problem
from tests.factories import CenterFactory, DepartmentFactory, StaffProfileFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def setting(settings):
    sync_roles()  # a transactional test database is flushed: the groups come back here
    center = CenterFactory()
    department = DepartmentFactory(center=center, name="市市场监督管理局")
    admin = UserFactory(center=center, roles=[Role.CENTER_ADMIN])
    inspector = UserFactory(center=center, roles=[Role.INSPECTOR])
    lead = UserFactory(center=center, roles=[Role.UNIT_LEAD])
    StaffProfileFactory(center=center, user=lead, department=department)
    today = dt.date.today()
    campaign = services.create_campaign(
        actor=admin,
        center_id=center.pk,
        title="窗口服务突出问题排查整改",
        phase_ends={
            "self_check": today + dt.timedelta(days=10),
            "inspection": today + dt.timedelta(days=40),
            "consolidation": today + dt.timedelta(days=70),
        },
        department_ids=[department.pk],
        towns=["李庄镇"],
    )
    return campaign, admin, inspector, lead


def test_unit_list_fix_and_confirm(page, live_server, login, setting):
    campaign, _admin, inspector, lead = setting
    login(lead)
    page.goto(f"{live_server.url}/supervision/{campaign.pk}/problems/")
    form = page.locator("form[action$='/problems/new/']")
    form.locator("select[name=unit]").select_option(label="市市场监督管理局")
    form.locator("select[name=category]").select_option(label="便民服务设施少")
    form.locator("textarea[name=description]").fill("大厅不提供复印服务")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "大厅不提供复印服务" in page.inner_text("#problem-table")
    problem = Problem.objects.get()

    page.goto(f"{live_server.url}/supervision/problems/{problem.pk}/")
    fix = page.locator("form[action$='/fix/']")
    fix.locator("textarea[name=measure]").fill("设置免费复印点")
    fix.locator("textarea[name=fix_note]").fill("已在大厅东侧设置复印点")
    with page.expect_navigation():
        fix.locator("button[type=submit]").click()
    assert "已整改" in page.inner_text("h1")

    login(inspector)
    page.goto(f"{live_server.url}/supervision/problems/{problem.pk}/")
    with page.expect_navigation():
        page.locator("form[action$='/confirm/'] button[type=submit]").click()
    assert "已确认" in page.inner_text("h1")
    assert "督查确认" in page.inner_text(".timeline")


def test_zero_report_leaves_the_missing_list(page, live_server, login, setting):
    campaign, admin, _inspector, lead = setting
    login(lead)
    page.goto(f"{live_server.url}/supervision/{campaign.pk}/census/")
    form = page.locator("form[action$='/census/file/']")
    form.locator("input[type=checkbox]").check()
    form.locator("input[name$='signed_by_name']").fill("王局长")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert CensusReport.objects.get().zero_report
    login(admin)
    page.goto(f"{live_server.url}/supervision/{campaign.pk}/census/")
    missing = page.inner_text("#missing-census")
    assert "李庄镇" in missing and "市市场监督管理局" not in missing


def test_progress_and_campaign_pages_of_a_past_day(page, live_server, login, setting):
    """A problem found ten days ago, due eight days ago and fixed (late) two days ago: the pages
    dated five days ago show it open and overdue, today's show it fixed late; only today's
    progress table offers the signature."""
    campaign, _admin, _inspector, lead = setting
    unit = campaign.units.get(kind="department")
    now = timezone.now()
    problem = services.create_problem(
        actor=lead, unit=unit, category=campaign.categories.first(), description="咨询电话不通",
        measure="增设专线", deadline=timezone.localdate() - dt.timedelta(days=8),
        at=now - dt.timedelta(days=10),
    )  # fmt: skip
    services.mark_fixed(
        actor=lead, problem=problem, fix_note="已开通", at=now - dt.timedelta(days=2)
    )
    past = (timezone.localdate() - dt.timedelta(days=5)).isoformat()
    login(lead)

    page.goto(f"{live_server.url}/supervision/{campaign.pk}/progress/")
    row = page.locator("#progress-table tbody tr").first
    assert row.locator("td").nth(3).inner_text() == "1"  # 逾期整改
    assert row.locator("input[name=signer_name]").count() == 1
    date = page.locator("input[name=on]")
    assert date.get_attribute("max") == timezone.localdate().isoformat()
    date.fill(past)
    with page.expect_navigation():
        page.locator("form:has(input[name=on]) button[type=submit]").click()
    row = page.locator("#progress-table tbody tr").first
    cells = [row.locator("td").nth(i).inner_text() for i in range(1, 6)]
    assert cells == ["1", "0", "0", "1", "1"]  # found, on time, late, open, overdue
    assert row.locator("input[name=signer_name]").count() == 0
    assert "未签字" in row.inner_text()

    page.goto(f"{live_server.url}/supervision/{campaign.pk}/?on={past}")
    assert "咨询电话不通" in page.inner_text("#overdue-problems")
    assert "待整改" in page.inner_text("#overdue-problems")
    page.goto(f"{live_server.url}/supervision/{campaign.pk}/")
    assert "咨询电话不通" not in page.inner_text("#overdue-problems")
