import datetime as dt

import pytest

from govhall.core.roles import Role
from govhall.performance import services
from tests.cases.factories import accept
from tests.factories import DepartmentFactory, ServiceItemFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_compute_publish_and_download_from_the_dashboard(
    page, live_server, login, center, make_user
):
    justice = DepartmentFactory(center=center, name="市司法局")
    DepartmentFactory(center=center, name="市税务局")
    accept(ServiceItemFactory(center=center, department=justice), day=dt.date(2026, 5, 11))
    services.ensure_default_rubric(center=center)
    login(make_user(Role.CENTER_ADMIN))
    page.goto(f"{live_server.url}/performance/?period=2026-05")
    assert "效能看板" in page.inner_text("h1")
    page.click("text=计算(生成新版本)")
    page.wait_for_url("**/performance/runs/*/")
    assert "草稿" in page.inner_text("h1")
    assert "服务效能评价排名" in page.content()
    assert "进驻窗口单位服务效能评价情况通报" in page.inner_text(".bulletin")
    # The tax bureau had no case: listed apart, not ranked.
    assert "未参加排名的单位" in page.content()
    page.fill("#narrative_work", "部门重视主动作为。市司法局领导到窗口现场办公。")
    page.click("button:has-text('保存段落')")
    page.wait_for_load_state()
    assert "市司法局领导到窗口现场办公" in page.inner_text(".bulletin")
    page.click("button:has-text('发布')")
    page.wait_for_load_state()
    assert "已发布" in page.inner_text("h1")
    with page.expect_download() as download:
        page.click("text=下载通报(.docx)")
    assert download.value.suggested_filename.endswith("-bulletin.docx")
