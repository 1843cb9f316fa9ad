"""The window's rating pad in a real browser: paired by code, shows five buttons when the window
finishes a ticket, one tap records the rating; the bad rating shows up for rectification."""

import pytest
from playwright.sync_api import expect

from govhall.core.roles import Role
from govhall.feedback.models import Evaluation, Rectification
from govhall.queueing import services as queue
from govhall.queueing.models import Ticket
from tests.factories import DepartmentFactory, StaffProfileFactory, UserFactory
from tests.queueing.factories import QueueCategoryFactory, open_hall, staffed_window

pytestmark = pytest.mark.django_db(transaction=True)


def test_pad_rates_the_finished_ticket_and_the_bad_rating_is_rectified(
    browser, page, login, live_server, center
):
    department = DepartmentFactory(center=center, name="市场监督管理局")
    open_hall(center)
    category = QueueCategoryFactory(center=center, departments=[department])
    window, staff = staffed_window(center, department, number="12", categories=[category])

    # The window staff member pairs the pad: a code on their page, typed on the device.
    login(staff.user)
    page.goto(live_server.url + "/feedback/pad/code/")
    page.select_option("select[name=window]", str(window.pk))
    page.click("main button.primary")
    code = page.get_by_test_id("pairing-code").inner_text().strip()

    pad_context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    pad_context.set_default_timeout(10_000)
    pad = pad_context.new_page()
    pad.goto(live_server.url + "/feedback/pad/")
    pad.fill("input[name=code]", code)
    pad.click("button[type=submit]")
    pad.wait_for_selector(".pad-idle")

    # The window calls, serves and finishes a ticket on its terminal.
    queue.issue_ticket(category=category, channel=Ticket.Channel.KIOSK)
    page.goto(f"{live_server.url}/queue/terminal/{window.pk}/")

    def button(label):
        return page.locator("#panel button", has_text=label)

    button("叫号").click()
    expect(button("开始办理")).to_be_enabled()  # CALLED
    button("开始办理").click()
    expect(button("开始办理")).to_be_disabled()  # SERVING
    button("办结").click()
    expect(button("办结")).to_be_disabled()  # DONE, the window is free
    ticket = Ticket.objects.get()
    assert ticket.state == Ticket.State.DONE

    # The pad shows the five levels; one tap records the rating and it returns to idle.
    buttons = pad.locator(".pad-button")
    buttons.first.wait_for()
    assert buttons.count() == 5
    assert buttons.all_inner_texts() == ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
    pad.click("button.pad-button.level-1")
    pad.wait_for_selector(".pad-thanks")
    pad.wait_for_selector(".pad-idle")
    evaluation = Evaluation.objects.get()
    assert (evaluation.level, evaluation.channel, evaluation.ticket_id) == (1, "pad", ticket.pk)
    assert evaluation.staff == staff and evaluation.window == window
    pad_context.close()

    # The bad rating is in the unit lead's rectification list.
    lead = UserFactory(center=center, roles=[Role.UNIT_LEAD])
    StaffProfileFactory(center=center, user=lead, department=department)
    login(lead)
    page.goto(live_server.url + "/feedback/rectifications/")
    row = page.locator("#rectifications tbody tr").first
    assert "市场监督管理局" in row.inner_text()
    assert "非常不满意" in row.inner_text()
    assert "待核实" in row.inner_text()
    row.locator("a").click()
    page.check("input[name=valid][value='1']")
    page.fill("textarea[name=reason]", "窗口人员解释不清,属实")
    page.click("form.step button[type=submit]")
    page.wait_for_selector("text=已保存")
    assert Rectification.objects.get().status == Rectification.Status.VERIFIED
