"""An administrator finds a dead letter on the reconciliation page and re-drives it; a leader
of a province reads the ranking of the centres that push to it."""

import pytest

from govhall.core.models import Center, OutboxEvent
from govhall.core.roles import Role, sync_roles
from tests.exchange.factories import RemoteCenterFactory, emit_case
from tests.factories import CenterFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def roles():
    sync_roles()  # a transactional test database is flushed: the groups come back here


def test_an_administrator_redrives_a_dead_letter(page, login, live_server):
    center = CenterFactory()
    admin = UserFactory(center=center, roles=[Role.CENTER_ADMIN])
    dead, _pending = emit_case(center, "411700-0042", ("accepted", "completed"))
    OutboxEvent.objects.filter(pk=dead.pk).update(
        status=OutboxEvent.Status.DEAD, attempts=10, last_error="HTTP 503: upstream down"
    )
    login(admin)
    page.goto(f"{live_server.url}/exchange/")
    assert page.locator("#dead-total").inner_text() == "1"
    assert page.locator("#unacked-total").inner_text() == "2"
    assert "HTTP 503" in page.locator("#unacked").inner_text()
    page.get_by_label(f"选择 {dead.pk}").check()
    page.get_by_role("button", name="重新推送所选死信").click()
    page.wait_for_url(f"{live_server.url}/exchange/")
    assert "已重新排队 1 条死信" in page.locator(".messages").inner_text()
    assert page.locator("#dead-total").inner_text() == "0"
    assert OutboxEvent.objects.get(pk=dead.pk).status == OutboxEvent.Status.PENDING


def test_a_province_leader_reads_the_ranking(page, login, live_server):
    province = CenterFactory(level=Center.Level.PROVINCE, region_code="410000")
    leader = UserFactory(center=province, roles=[Role.LEADER])
    RemoteCenterFactory(center=province, name="驻马店市民中心", region_code="411700")
    RemoteCenterFactory(center=province, name="信阳市民之家", region_code="411500")
    login(leader)
    page.goto(f"{live_server.url}/exchange/province/")
    rows = page.locator("#ranking tbody tr")
    assert rows.count() == 2
    page.select_option("select[name=order_by]", "overdue")
    page.get_by_role("button", name="查询").click()
    assert "order_by=overdue" in page.url
    assert "驻马店市民中心" in page.locator("#ranking").inner_text()
