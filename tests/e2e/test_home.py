import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_renders_in_chinese_and_switches_to_english(page, live_server):
    page.goto(live_server.url + "/")
    assert "政务服务大厅一体化管理平台" in page.inner_text("footer")
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Government service hall" in page.inner_text("footer")
