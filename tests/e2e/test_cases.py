"""A case in a real browser: accepted at the window form (materials checklist, receipt with QR
code), completed in the back office, then looked up by the citizen without logging in."""

import pytest
from django.core.cache import cache

from govhall.cases.models import Case
from govhall.core.roles import Role
from tests.factories import (
    DepartmentFactory,
    MaterialFactory,
    ServiceItemFactory,
    StaffProfileFactory,
    UserFactory,
    WindowFactory,
    make_id_number,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_accept_complete_and_look_up(browser, page, login, live_server, center):
    cache.clear()
    department = DepartmentFactory(center=center, name="市场监督管理局")
    item = ServiceItemFactory(
        center=center, department=department, name="食品经营许可", promised_limit_days=5
    )
    MaterialFactory(item=item, name="食品经营许可申请书")
    MaterialFactory(item=item, name="营业执照复印件", required=False)
    window = WindowFactory(center=center, number="12", departments=[department])
    clerk = UserFactory(center=center, roles=[Role.WINDOW_STAFF])
    StaffProfileFactory(center=center, user=clerk, department=department, windows=[window])
    approver = UserFactory(center=center, roles=[Role.APPROVER])
    StaffProfileFactory(center=center, user=approver, department=department)

    # The window accepts the application with one material missing (容缺) and prints a receipt.
    login(clerk)
    page.goto(live_server.url + "/cases/accept/")
    page.select_option("select[name=item]", str(item.pk))
    page.get_by_role("button", name="选择事项").click()
    page.fill("input[name=applicant_name]", "王小明")
    page.fill("input[name=identifier]", make_id_number(3))
    page.fill("input[name=phone]", "13912345678")
    page.select_option("select[name=mode]", "missing")
    page.get_by_label("已收 食品经营许可申请书").check()
    page.get_by_label("容缺 营业执照复印件").check()
    page.get_by_role("button", name="受理并打印回执").click()
    number = page.get_by_test_id("case-number").inner_text().strip()
    # Two codes on the receipt: the progress look-up and the rating of the service.
    assert page.locator(".qr:not([data-testid=rating-qr]) svg").count() == 1
    assert page.get_by_test_id("rating-qr").locator("svg").count() == 1
    assert "年" in page.get_by_test_id("due-date").inner_text()
    case = Case.objects.get(number=number)
    assert case.mode == "missing" and case.accepted_by == clerk

    # The missing material arrives at the window.
    page.goto(live_server.url + f"/cases/{number}/")
    page.locator("form[data-action=supply] button").click()
    page.wait_for_selector("form[data-action=withdraw]")

    # The back office reviews and approves it.
    page.context.clear_cookies()
    login(approver)
    page.goto(live_server.url + "/cases/backoffice/")
    page.get_by_role("link", name=number).click()
    page.locator("form[data-action=review] button").click()
    page.locator("form[data-action=complete] input[value='1']").check()
    page.locator("form[data-action=complete] button").click()
    assert "已办结" in page.get_by_test_id("case-state").inner_text()

    # The citizen looks it up without logging in.
    page.context.clear_cookies()
    page.goto(live_server.url + f"/cases/lookup/?number={number}")
    page.fill("input[name=phone_last4]", "5678")
    page.get_by_role("button", name="查询").click()
    assert page.get_by_test_id("lookup-state").inner_text() == "已办结"
    progress = page.get_by_test_id("progress").inner_text()
    assert "受理" in progress and "办结" in progress
    assert "王小明" not in progress
    cache.clear()
