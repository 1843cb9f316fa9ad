"""No page loads anything from another host, and no page breaks its Content-Security-Policy
(issue 17, 16): the staff and public pages are walked in the browser, charts included (pygal
loaded its tooltip script from kozea.github.io)."""

from urllib.parse import urlsplit

import pytest

from govhall.core.roles import Role
from tests.factories import DepartmentFactory, ServiceItemFactory

pytestmark = pytest.mark.django_db(transaction=True)

PUBLIC = ["/", "/guide/", "/queue/", "/queue/board/", "/cases/lookup/", "/accounts/login/"]
STAFF = ["/performance/?period=2026-05", "/queue/monitor/", "/admin/", "/api/docs/"]


def test_no_page_loads_anything_off_site_or_breaks_the_csp(
    page, live_server, login, center, make_user
):
    local = urlsplit(live_server.url).hostname
    offsite: list[str] = []
    refused: list[str] = []
    page.on(
        "request",
        lambda r: (
            offsite.append(r.url)
            if urlsplit(r.url).scheme in ("http", "https") and urlsplit(r.url).hostname != local
            else None
        ),
    )
    page.on(
        "console",
        lambda m: (
            refused.append(f"{page.url}: {m.text[:80]}")
            if "Content Security Policy" in m.text
            else None
        ),
    )
    DepartmentFactory(center=center, name="市司法局")
    DepartmentFactory(center=center, name="市税务局")
    ServiceItemFactory(center=center)
    for path in PUBLIC:
        page.goto(live_server.url + path)
    login(make_user(Role.CENTER_ADMIN, is_staff=True))
    for path in STAFF:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/performance/?period=2026-05")
    page.wait_for_load_state("networkidle")
    assert page.locator("svg.pygal-chart").count() >= 1  # charts were drawn on this walk
    assert offsite == []
    assert refused == []
