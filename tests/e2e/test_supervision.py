"""A unit lead keeps the unit's list in the browser; the inspector confirms; the census form
files a zero report and the centre's missing list shrinks."""

import datetime as dt

import pytest

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
