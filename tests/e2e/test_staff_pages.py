"""Staff pages as a person meets them (issue 18, items 10-14): labels, percentages and sentences
instead of raw data, a menu that follows the role, acceptance that asks for the required
materials, a searchable item list, success messages, the centre's name on the login page, each
language in its own name, and the lobby screen at 1920×1080. Screenshots: var/test/screens/."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from govhall.cases.models import Case
from govhall.core.roles import Role
from govhall.feedback.models import AssistRecord
from govhall.feedback.services import record_assist
from govhall.performance import services as performance_services
from govhall.queueing.models import Ticket
from govhall.queueing.services import issue_ticket
from tests.cases.factories import accept
from tests.factories import (
    DepartmentFactory,
    MaterialFactory,
    ServiceItemFactory,
    StaffProfileFactory,
    UserFactory,
    WindowFactory,
    make_id_number,
)
from tests.queueing.factories import QueueCategoryFactory, open_hall

pytestmark = pytest.mark.django_db(transaction=True)

SCREENS = Path(settings.VAR_DIR) / "screens"
RAW = re.compile(r"\[\s*'|\{\s*'|\b0\.\d{3,}|\b(approved|normal|missing|competence|democratic)\b")


def shot(page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"staff-{name}.png"), full_page=True)


def assert_reads_as_text(page) -> None:
    text = page.inner_text("main")
    assert not RAW.search(text), RAW.search(text).group(0)
    assert "No data" not in page.content()


@pytest.fixture
def unit(center):
    department = DepartmentFactory(center=center, name="市场监督管理局")
    item = ServiceItemFactory(
        center=center, department=department, name="食品经营许可", promised_limit_days=5
    )
    for name in ("食品经营许可申请书", "营业执照", "法定代表人身份证"):
        MaterialFactory(item=item, name=name)
    MaterialFactory(item=item, name="委托书", required=False)
    window = WindowFactory(center=center, number="12", departments=[department])
    clerk = UserFactory(center=center, roles=[Role.WINDOW_STAFF], full_name="周窗口")
    StaffProfileFactory(center=center, user=clerk, department=department, windows=[window])
    return department, item, clerk


def test_timeline_department_page_and_ranking_read_as_text(page, login, live_server, unit):
    department, item, clerk = unit
    center = department.center
    case = accept(item, actor=clerk, materials_received=["食品经营许可申请书", "营业执照",
                                                        "法定代表人身份证"])  # fmt: skip
    record_assist(
        center=center, department=department, kind=AssistRecord.Kind.HOME_VISIT,
        date=timezone.localdate(),
    )  # fmt: skip
    performance_services.ensure_default_rubric(center=center)
    admin = UserFactory(center=center, roles=[Role.CENTER_ADMIN], is_staff=True)
    login(admin)

    page.goto(f"{live_server.url}/cases/{case.number}/")
    timeline = page.locator(".event-details").first.inner_text()
    assert "受理方式:一般受理" in timeline
    assert "已收材料:食品经营许可申请书、营业执照、法定代表人身份证" in timeline
    assert_reads_as_text(page)
    shot(page, "case-timeline")

    period = timezone.localdate().strftime("%Y-%m")
    page.goto(f"{live_server.url}/performance/departments/{department.pk}/?period={period}")
    assert page.locator("[data-figure=home_visit] dt").inner_text() == "上门服务"
    assert page.locator("[data-figure=home_visit] dd").inner_text() == "1"
    assert page.locator("[data-figure=accepted] dd").inner_text() == "1"
    assert_reads_as_text(page)
    shot(page, "department")

    page.goto(f"{live_server.url}/performance/?period={period}")
    page.click("text=计算(生成新版本)")
    page.wait_for_url("**/performance/runs/*/")
    assert "已计算" in page.inner_text(".messages")
    assert "未录入评分的维度:履职能力、民主测评" in page.inner_text("table")
    assert_reads_as_text(page)
    shot(page, "ranking")

    page.goto(f"{live_server.url}/performance/?period={period}")
    assert_reads_as_text(page)
    assert "暂无数据" in page.content() or page.locator(".chart svg").count() > 0
    shot(page, "dashboard")


def test_menus_follow_the_role_and_the_superuser_is_not_refused(page, login, live_server, unit):
    _department, _item, clerk = unit
    login(clerk)
    page.goto(live_server.url + "/")
    menu = page.inner_text(".mainnav")
    assert "窗口终端" in menu and "效能看板" not in menu and "数据归集" not in menu
    shot(page, "menu-window-staff")

    page.context.clear_cookies()
    root = UserFactory(center=None, is_superuser=True, is_staff=True)
    login(root)
    for link in ("大厅监控", "效能看板", "数据归集"):
        page.goto(live_server.url + "/")
        page.click(f".mainnav >> text={link}")
        assert "无法完成操作" not in page.inner_text("main"), link
    shot(page, "superuser-exchange")

    page.context.clear_cookies()
    login(UserFactory(center=None, roles=[Role.CENTER_ADMIN]))
    response = page.goto(live_server.url + "/queue/monitor/")
    assert response.status == 403
    assert page.inner_text("main .error") == "您的账号未关联政务服务中心。"


def test_acceptance_asks_for_the_required_materials(page, login, live_server, unit, center):
    cache.clear()
    _department, item, clerk = unit
    for n in range(30):
        ServiceItemFactory(center=center, department=item.department, name=f"其他事项{n:02d}")
    login(clerk)
    page.goto(live_server.url + "/cases/accept/")
    page.fill("input.select-search", "食品经营")
    assert page.locator("select[name=item] option:not([hidden])").count() == 1
    assert "找到 1 项" in page.inner_text(".select-count")
    page.get_by_role("button", name="选择事项").click()
    page.fill("input[name=applicant_name]", "王小明")
    page.fill("input[name=identifier]", make_id_number(3))
    page.fill("input[name=phone]", "13912345678")
    page.get_by_label("已收 食品经营许可申请书").check()
    page.get_by_role("button", name="受理并打印回执").click()
    error = page.inner_text(".errorlist")
    assert "一般受理须收齐全部必要材料,尚未收取:营业执照、法定代表人身份证" in error
    assert "容缺受理" in error and "补正" in error
    assert not Case.objects.exists()
    shot(page, "accept-refused")

    page.get_by_label("已收 营业执照").check()
    page.get_by_label("容缺 法定代表人身份证").check()
    page.select_option("select[name=mode]", "missing")
    page.fill("input[name=supply_by]", (timezone.localdate() + dt.timedelta(days=7)).isoformat())
    page.get_by_role("button", name="受理并打印回执").click()
    number = page.get_by_test_id("case-number").inner_text().strip()
    assert f"已受理,办件编号 {number}" in page.inner_text(".messages")
    assert Case.objects.get(number=number).materials_missing == ["法定代表人身份证"]
    shot(page, "accept-receipt")


def test_login_page_and_language_menu(page, live_server, center):
    page.goto(live_server.url + "/accounts/login/")
    assert page.inner_text(".brand") == center.name
    assert center.name in page.title()
    options = page.locator("select[name=language] option").all_inner_texts()
    assert options == ["简体中文", "English"]
    shot(page, "login")
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert page.locator("select[name=language] option").all_inner_texts() == options
    assert page.inner_text("h1") == "Log in"


def test_lobby_screen_fills_1920x1080_and_refreshes(browser, live_server, unit):
    department, item, clerk = unit
    center = department.center
    accept(item, actor=clerk, materials_received=["食品经营许可申请书", "营业执照",
                                                 "法定代表人身份证"])  # fmt: skip
    category = QueueCategoryFactory(center=center)
    open_hall(center)
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/performance/lobby/?center={center.region_code}")
    page.wait_for_function("() => document.querySelectorAll('.lobby-canvas canvas').length === 3")
    assert page.evaluate("document.documentElement.scrollHeight") <= 1080
    assert page.locator("[data-lobby='cases.accepted']").inner_text() == "1"
    assert page.locator("[data-lobby='waiting']").inner_text() == "0"
    assert page.locator(".topbar").count() == 0
    assert not [
        url
        for url in page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
        if not url.startswith(live_server.url)
    ]
    shot(page, "lobby")

    issue_ticket(category=category, channel=Ticket.Channel.KIOSK)
    page.wait_for_function(
        "() => document.querySelector(\"[data-lobby='waiting']\").textContent === '1'",
        timeout=25_000,
    )
    assert page.locator("[data-lobby='tickets.tickets_issued']").inner_text() == "1"
    context.close()
