"""The kiosk as a person meets it on a 1080×1920 touch screen: no site menu, big targets, an
optional ID number, a ticket printed on receipt paper, and the start screen again for the next."""

import re

import pytest
from playwright.sync_api import expect

from govhall.queueing.models import Ticket
from tests.e2e.screens import KIOSK, overflows_horizontally, shot
from tests.factories import make_id_number
from tests.queueing.factories import QueueCategoryFactory, open_hall

pytestmark = pytest.mark.django_db(transaction=True)

MM = 72 / 25.4  # PDF points per millimetre


@pytest.fixture
def kiosk(browser):
    ctx = browser.new_context(locale="zh-CN", viewport=KIOSK, has_touch=True)
    ctx.set_default_timeout(10_000)
    # The receipt printer's dialog: counted instead of opened (a kiosk runs chromium with
    # --kiosk-printing, which prints without one).
    ctx.add_init_script(
        "window.print = function () { window.printCalls = (window.printCalls || 0) + 1; };"
    )
    yield ctx.new_page()
    ctx.close()


def test_kiosk_issues_prints_and_returns_to_the_start(kiosk, live_server, center):
    open_hall(center)
    QueueCategoryFactory(center=center, prefix="A", name="不动产登记")
    QueueCategoryFactory(center=center, prefix="B", name="社保医保")
    start = f"{live_server.url}/queue/?center={center.region_code}&paper=58&back=6"

    kiosk.goto(start)
    # A kiosk, not a web page: no menu, no login, nothing for staff; every target finger-sized.
    assert kiosk.locator(".topbar, nav, a[href*='login'], a[href*='admin']").count() == 0
    tiles = kiosk.locator(".category-tile")
    expect(tiles).to_have_count(2)
    for box in [tiles.nth(i).bounding_box() for i in range(2)]:
        assert box["height"] >= 64 and box["width"] >= 400
    for field in kiosk.locator(
        ".kiosk-screen input, .kiosk-screen select, .kiosk-screen button"
    ).all():
        if field.is_visible():
            assert field.bounding_box()["height"] >= 60
    assert not overflows_horizontally(kiosk)
    shot(kiosk, "kiosk-start")

    # A wrong ID number is refused under its own field; nothing is issued.
    kiosk.fill("input[name=id_number]", "110101199003070000")
    tiles.filter(has_text="不动产登记").click()
    error = kiosk.locator("input[name=id_number] + .errorlist")
    expect(error).to_contain_text("身份证号码无效")
    assert not Ticket.objects.exists()
    shot(kiosk, "kiosk-id-error")

    number = make_id_number(4)
    kiosk.fill("input[name=id_number]", number)
    kiosk.locator(".category-tile", has_text="不动产登记").click()
    expect(kiosk.get_by_test_id("ticket-number")).to_have_text("A001")
    ticket = Ticket.objects.get()
    assert ticket.id_number == number  # stored whole
    body = kiosk.locator("body").inner_text()
    assert number not in body and ticket.masked_id_number in body  # shown masked
    assert "放弃排队" not in body
    expect(kiosk.locator(".print-ticket .qr svg")).to_be_visible()
    kiosk.wait_for_function("() => window.printCalls === 1")  # printed at once
    shot(kiosk, "kiosk-ticket")

    # As printed: one 58 mm receipt page with the number and the QR code of the ticket page.
    kiosk.emulate_media(media="print")
    shot(kiosk, "kiosk-ticket-print")
    assert kiosk.locator(".kiosk-actions").is_hidden()
    pdf = kiosk.pdf(prefer_css_page_size=True)
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    assert len(boxes) == 1  # one page
    assert abs(float(boxes[0][0]) - 58 * MM) < 1
    kiosk.emulate_media(media="screen")

    # Back at the start by itself: the next person never meets this ticket.
    # (the ticket was the POST's answer at the start URL itself: wait for the start screen)
    expect(kiosk.locator(".category-tile")).to_have_count(2, timeout=15_000)
    assert kiosk.url == start
    assert "A001" not in kiosk.locator("body").inner_text()
