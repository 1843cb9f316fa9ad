"""The public guide pages in a real browser: Chinese text renders, and a search finds an item."""

import pytest
from django.urls import reverse

from tests.e2e.screens import shot
from tests.factories import DepartmentFactory, MaterialFactory, ServiceItemFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def catalogue(center):
    market = DepartmentFactory(center=center, name="市场监督管理局", short_name="市场监管")
    estate = DepartmentFactory(center=center, name="不动产登记服务中心", short_name="不动产")
    company = ServiceItemFactory(
        center=center,
        department=market,
        name="企业设立登记",
        conditions="名称、住所、经营范围等登记事项符合规定",
        promised_limit_days=1,
    )
    MaterialFactory(item=company, name="公司章程", originals=1, copies=0)
    MaterialFactory(item=company, name="法定代表人居民身份证", originals=0, copies=1)
    transfer = ServiceItemFactory(center=center, department=estate, name="不动产转移登记")
    MaterialFactory(item=transfer, name="不动产权证书")
    return {"company": company, "transfer": transfer}


def test_guide_list_search_and_guide_page(live_server, page, catalogue):
    page.goto(live_server.url + reverse("catalog:guide_list"))
    assert page.locator("h1").inner_text().endswith("办事指南")
    assert page.get_by_role("link", name="企业设立登记").is_visible()
    assert page.get_by_role("link", name="不动产转移登记").is_visible()

    page.get_by_role("searchbox").fill("章程")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url("**q=%E7%AB%A0%E7%A8%8B**")
    page.get_by_text("共找到 1 个事项").wait_for()
    assert page.get_by_role("link", name="不动产转移登记").count() == 0

    page.get_by_role("link", name="企业设立登记").click()
    page.wait_for_url(f"**{reverse('catalog:guide_detail', args=[catalogue['company'].pk])}")
    assert page.locator("h1").inner_text() == "企业设立登记"
    materials = page.locator("table.materials")
    assert "公司章程" in materials.inner_text()
    assert "法定代表人居民身份证" in materials.inner_text()
    assert page.get_by_role("heading", name="受理条件").is_visible()
    assert page.get_by_text("名称、住所、经营范围等登记事项符合规定").is_visible()
    page.screenshot(path="/tmp/govhall-catalog-guide.png", full_page=True)

    # CJK glyphs are drawn with a real font: a heading in Chinese has a sensible width
    box = page.locator("h1").bounding_box()
    assert box is not None and box["width"] > 100


def test_guide_list_on_a_phone(live_server, browser, catalogue):
    context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto(live_server.url + reverse("catalog:guide_list"))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    page.screenshot(path="/tmp/govhall-catalog-phone.png", full_page=True)
    context.close()


def test_typing_a_common_name_finds_the_item_first(live_server, page, center):
    """What people call an item finds it, the best match on top, as the visitor types."""
    civil = DepartmentFactory(center=center, name="民政局", short_name="民政")
    police = DepartmentFactory(center=center, name="公安局", short_name="公安", sort_order=0)
    birth = ServiceItemFactory(center=center, department=police, name="出生登记")
    MaterialFactory(item=birth, name="结婚证")
    ServiceItemFactory(center=center, department=civil, name="结婚登记", keywords="结婚、领证")
    market = DepartmentFactory(center=center, name="市场监督管理局", short_name="市场监管")
    ServiceItemFactory(
        center=center, department=market, name="企业设立登记", keywords="营业执照、开公司"
    )
    page.goto(live_server.url + reverse("catalog:guide_list"))
    first = page.locator(".guide-items .guide-name").first

    page.get_by_role("searchbox").press_sequentially("结婚", delay=50)  # no button: live search
    page.get_by_text("共找到 2 个事项").wait_for()
    assert first.inner_text() == "结婚登记"

    page.get_by_role("searchbox").fill("")
    page.get_by_role("searchbox").press_sequentially("开公司", delay=50)
    page.get_by_text("共找到 1 个事项").wait_for()
    assert first.inner_text() == "企业设立登记"
    shot(page, "guide-search-first-result")
