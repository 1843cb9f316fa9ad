"""The hall in a browser: a kiosk ticket is called at a terminal and appears on the board."""

import re

import pytest
from playwright.sync_api import expect

from govhall.queueing import services
from govhall.queueing.models import Ticket, WindowSession
from tests.e2e.screens import PHONE, overflows_horizontally, shot
from tests.queueing.factories import QueueCategoryFactory, open_hall, staffed_window


@pytest.mark.django_db(transaction=True)
def test_kiosk_ticket_is_called_at_terminal_and_shown_on_board(
    live_server, context, page, login, center, department
):
    open_hall(center)
    category = QueueCategoryFactory(center=center, prefix="A", name="不动产登记")
    _window, staff = staffed_window(center, department, number="3", categories=[category])
    query = f"?center={center.region_code}"

    board = context.new_page()
    board.goto(f"{live_server.url}/queue/board/{query}")
    expect(board.locator("#board-feed")).to_contain_text("暂无叫号")

    page.goto(f"{live_server.url}/queue/{query}")
    page.get_by_role("button", name=re.compile("不动产登记")).click()
    expect(page.get_by_test_id("ticket-number")).to_have_text("A001")
    expect(page.locator(".qr svg")).to_be_visible()

    login(staff.user)
    terminal = context.new_page()
    terminal.goto(f"{live_server.url}/queue/terminal/")
    expect(terminal.locator("#panel")).to_contain_text("等候 1 人")
    terminal.keyboard.press("n")  # the shortcut for 叫号
    expect(terminal.get_by_test_id("current-number")).to_have_text("A001")

    expect(board.locator(".call-number").first).to_have_text("A001", timeout=2_000)
    expect(board.locator("#board-feed")).to_contain_text("3 号窗口")
    board.wait_for_function("() => window.govhallBoard.announced.length === 1")
    assert board.evaluate("window.govhallBoard.announced") == ["请A001号到3号窗口办理"]

    page.goto(f"{live_server.url}/queue/t/{Ticket.objects.get().token}/")
    expect(page.locator("#status")).to_contain_text("请到 3 号窗口办理")

    assert WindowSession.objects.filter(staff=staff, closed_at__isnull=True).count() == 1
    terminal.get_by_role(
        "button", name="退出", exact=True
    ).click()  # the site's logout also leaves the window
    terminal.wait_for_url(re.compile("/accounts/login/"))
    assert not WindowSession.objects.filter(staff=staff, closed_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_a_transferred_citizen_sees_the_new_line_and_place(
    browser, live_server, center, department
):
    open_hall(center)
    first = QueueCategoryFactory(center=center, prefix="A", name="不动产登记")
    second = QueueCategoryFactory(center=center, prefix="B", name="税务办理")
    window, staff = staffed_window(center, department, number="3", categories=[first])
    services.issue_ticket(category=second, channel=Ticket.Channel.KIOSK)  # already in line B
    ticket = services.issue_ticket(category=first, channel=Ticket.Channel.PHONE)

    phone = browser.new_context(locale="zh-CN", viewport=PHONE).new_page()
    phone.goto(f"{live_server.url}/queue/t/{ticket.token}/")
    expect(phone.get_by_test_id("ticket-progress")).to_contain_text("前面还有 0 人")

    services.call_next(window=window, staff=staff)
    services.transfer_ticket(ticket=ticket, to_category=second, window=window, staff=staff)
    # The page polls every 5 s: the person sees where they are now without reloading.
    expect(phone.get_by_test_id("transfer-note")).to_contain_text("已转至“税务办理”", timeout=8_000)
    expect(phone.get_by_test_id("ticket-state")).to_contain_text("等待中")
    expect(phone.get_by_test_id("ticket-progress")).to_contain_text("前面还有 1 人")
    assert not overflows_horizontally(phone)
    shot(phone, "ticket-transferred-phone", full_page=True)
    phone.context.close()
