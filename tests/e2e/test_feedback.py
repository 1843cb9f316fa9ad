"""好差评 in a real browser. The window's rating pad: paired by code, shows five buttons for the
service its window just finished, one tap records the rating; the bad rating shows up for
rectification. The citizen's phone: the finished ticket's page leads to the rating."""

import re

import pytest
from playwright.sync_api import expect

from govhall.core.roles import Role
from govhall.feedback.models import Evaluation, Rectification
from govhall.queueing import services as queue
from govhall.queueing.models import Ticket
from tests.e2e.screens import PHONE, overflows_horizontally, shot
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

    # A service finished before the pad is paired is never offered on it.
    queue.issue_ticket(category=category, channel=Ticket.Channel.KIOSK)
    earlier = queue.call_next(window=window, staff=staff)
    queue.finish_ticket(ticket=earlier, window=window, staff=staff)

    # The window staff member pairs the pad: a code on their page, typed on the device.
    login(staff.user)
    page.goto(live_server.url + "/feedback/pad/code/")
    page.select_option("select[name=window]", str(window.pk))
    page.click("main button.primary")
    code = page.get_by_test_id("pairing-code").inner_text().strip()

    assert len(code) == 8
    pad_context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    pad_context.set_default_timeout(10_000)
    pad = pad_context.new_page()
    pad.goto(live_server.url + "/feedback/pad/")
    pad.fill("input[name=code]", code)
    pad.click("button[type=submit]")
    pad.wait_for_selector(".pad-idle")
    pad.wait_for_timeout(1_500)  # a poll or two: still idle, the earlier service is not offered
    expect(pad.locator(".pad-button")).to_have_count(0)

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
    ticket = Ticket.objects.exclude(pk=earlier.pk).get()
    assert ticket.state == Ticket.State.DONE

    # The pad shows the five levels; one tap records the rating and it returns to idle.
    buttons = pad.locator(".pad-button")
    buttons.first.wait_for()
    assert buttons.count() == 5
    assert buttons.all_inner_texts() == ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
    expect(pad.locator(".pad-service")).to_contain_text(ticket.number)
    shot(pad, "pad-prompt")
    pad.click("button.pad-button.level-1")
    pad.wait_for_selector(".pad-thanks")
    pad.wait_for_selector(".pad-idle")
    evaluation = Evaluation.objects.get()
    assert (evaluation.level, evaluation.channel, evaluation.ticket_id) == (1, "pad", ticket.pk)
    assert evaluation.staff == staff and evaluation.window == window

    # The next service: offered, then gone the moment the window calls someone else, so the
    # next person cannot rate it.
    for _n in range(2):
        queue.issue_ticket(category=category, channel=Ticket.Channel.KIOSK)
    following = queue.call_next(window=window, staff=staff)
    queue.finish_ticket(ticket=following, window=window, staff=staff)
    expect(pad.locator(".pad-service")).to_contain_text(following.number, timeout=3_000)
    queue.call_next(window=window, staff=staff)
    expect(pad.locator(".pad-idle")).to_be_visible(timeout=3_000)
    assert Evaluation.objects.count() == 1
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


def test_citizen_meets_the_rating_on_their_ticket_page_at_390_px(browser, live_server, center):
    department = DepartmentFactory(center=center, name="市场监督管理局")
    open_hall(center)
    category = QueueCategoryFactory(
        center=center, prefix="A", departments=[department], name="企业开办"
    )
    window, staff = staffed_window(center, department, number="5", categories=[category])

    phone = browser.new_context(locale="zh-CN", viewport=PHONE, has_touch=True).new_page()
    phone.goto(f"{live_server.url}/queue/take/?center={center.region_code}")
    phone.get_by_role("button", name=re.compile("企业开办")).click()
    expect(phone.get_by_test_id("ticket-number")).to_have_text("A001")
    ticket = Ticket.objects.get()

    called = queue.call_next(window=window, staff=staff)
    assert called.pk == ticket.pk
    queue.finish_ticket(ticket=called, window=window, staff=staff)
    # The page refreshes by itself and invites the rating.
    invite = phone.get_by_test_id("rate-invite")
    expect(invite).to_be_visible(timeout=15_000)
    shot(phone, "ticket-done-phone", full_page=True)
    invite.get_by_role("link", name="评价本次服务").click()

    expect(phone.locator("h1")).to_have_text("请您对本次服务进行评价")
    assert not overflows_horizontally(phone)
    submit = phone.get_by_role("button", name="提交评价")
    box = submit.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    shot(phone, "rate-phone", full_page=True)

    # Anonymous and bad: the reason is asked for, under the comment box.
    phone.get_by_label("不满意", exact=True).check()
    submit.click()
    expect(phone.locator("textarea[name=comment] + .errorlist")).to_contain_text("请写明原因")
    assert not Evaluation.objects.exists()
    shot(phone, "rate-phone-error", full_page=True)
    assert not overflows_horizontally(phone)
    phone.fill("textarea[name=comment]", "材料说明不清楚")
    phone.get_by_role("button", name="提交评价").click()
    expect(phone.locator("body")).to_contain_text("感谢您的评价")
    evaluation = Evaluation.objects.get()
    assert (evaluation.level, evaluation.channel, evaluation.ticket_id) == (2, "qr", ticket.pk)

    phone.goto(f"{live_server.url}/queue/t/{ticket.token}/")
    phone.get_by_role("link", name="评价本次服务").click()
    expect(phone.get_by_test_id("rate-message")).to_contain_text("您已评价本次服务")
    phone.context.close()
