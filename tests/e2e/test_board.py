"""The display board on a 1920×1080 screen, as the people waiting see it: only the calls still
calling, the latest one large, a running clock, every line of the waiting table on the screen and
nothing to click. (The voice, once and in order, is tests/e2e/test_queueing.py.)"""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from govhall.queueing import selectors, services
from govhall.queueing.models import Ticket, TicketEvent
from tests.e2e.screens import BOARD, inside_viewport, overflows_horizontally, shot
from tests.queueing.factories import QueueCategoryFactory, open_hall, staffed_window

pytestmark = pytest.mark.django_db(transaction=True)

NAMES = [
    "不动产登记", "社保医保", "税务办理", "公积金", "企业开办", "户籍办理", "出入境",
    "交通车驾管", "婚姻登记", "民政救助", "人才服务", "综合咨询",
]  # fmt: skip


def test_board_fits_the_screen_and_shows_only_current_calls(
    browser, live_server, center, department
):
    open_hall(center)
    categories = [
        QueueCategoryFactory(center=center, prefix=chr(ord("A") + i), name=name)
        for i, name in enumerate(NAMES)
    ]
    morning, morning_staff = staffed_window(center, department, number="7", categories=categories)
    window, staff = staffed_window(center, department, number="8", categories=categories)
    for category in categories:
        for _n in range(3):
            services.issue_ticket(category=category, channel=Ticket.Channel.KIOSK)
    # A call from hours earlier whose person never came: it is not "calling" any more.
    old = services.call_next(window=morning, staff=morning_staff)
    TicketEvent.objects.filter(ticket=old).update(at=selectors.now() - dt.timedelta(hours=3))
    current = services.call_next(window=window, staff=staff)

    board = browser.new_context(locale="zh-CN", viewport=BOARD).new_page()
    board.goto(f"{live_server.url}/queue/board/?center={center.region_code}")

    latest = board.get_by_test_id("board-latest")
    expect(latest).to_contain_text(current.number)
    expect(latest).to_contain_text("8 号窗口")
    calls = board.locator(".board-calls tbody tr")
    expect(calls).to_have_count(1)
    assert old.number not in board.locator(".board-calls").inner_text()

    # Every line of the waiting table is on the screen; nothing scrolls; nothing to click.
    rows = board.locator(".board-waiting tbody tr")
    expect(rows).to_have_count(len(NAMES))
    assert inside_viewport(board, rows.last)
    assert not overflows_horizontally(board)
    assert board.evaluate("document.documentElement.scrollHeight <= window.innerHeight")
    assert board.locator("main button, main a, header button, header a").count() == 0
    number_size = float(
        latest.locator(".latest-number").evaluate("e => getComputedStyle(e).fontSize")[:-2]
    )
    assert number_size >= 96

    # The clock runs.
    clock = board.locator("#board-time")
    first = clock.inner_text()
    assert re.fullmatch(r"\d\d:\d\d:\d\d", first)
    expect(clock).not_to_have_text(first, timeout=3_000)
    shot(board, "board-1920x1080")
    board.context.close()
