"""The pages: reconciliation with dead letters and re-drive, and the province ranking."""

import pytest
from django.urls import reverse

from govhall.core.models import OutboxEvent
from govhall.core.roles import Role
from tests.exchange.factories import RemoteCenterFactory, emit_case

pytestmark = pytest.mark.django_db
Status = OutboxEvent.Status


@pytest.fixture
def rows(center):
    rows = emit_case(center, "C1", ("accepted", "completed")) + emit_case(
        center, "C2", ("accepted",)
    )
    OutboxEvent.objects.filter(pk=rows[0].pk).update(status=Status.DEAD, last_error="rejected: x")
    OutboxEvent.objects.filter(pk=rows[2].pk).update(status=Status.SENT)
    return rows


def test_the_status_page_shows_counts_lag_and_dead_letters(client, admin_user, rows):
    client.force_login(admin_user)
    page = client.get(reverse("exchange:status")).content.decode()
    assert 'id="unacked-total">2<' in page
    assert 'id="dead-total">1<' in page
    assert "case:C1" in page and "rejected: x" in page
    assert f'name="ids" value="{rows[0].pk}"' in page
    assert "重新推送全部死信" in page


def test_the_status_page_raises_the_lag_alert(client, admin_user, rows, center):
    from govhall.exchange.models import ExchangeSettings

    ExchangeSettings.objects.filter(center=center).update(lag_alert_seconds=1)
    OutboxEvent.objects.update(created_at="2026-01-01T00:00:00+08:00")
    client.force_login(admin_user)
    page = client.get(reverse("exchange:status")).content.decode()
    assert 'role="alert"' in page


def test_a_leader_reads_the_page_without_the_redrive_buttons(client, make_user, rows):
    client.force_login(make_user(Role.LEADER))
    page = client.get(reverse("exchange:status")).content.decode()
    assert 'id="dead-total">1<' in page
    assert 'name="ids"' not in page


def test_a_bad_period_keeps_the_page_with_the_error(client, admin_user, rows):
    client.force_login(admin_user)
    response = client.get(reverse("exchange:status"), {"start": "2026-05-10", "end": "2026-05-01"})
    assert response.status_code == 200
    assert "开始日期不能晚于结束日期" in response.content.decode()


@pytest.mark.parametrize("role", [Role.WINDOW_STAFF, Role.UNIT_LEAD])
def test_unit_roles_may_not_open_the_pages(client, make_user, department, role):
    client.force_login(make_user(role, department=department))
    assert client.get(reverse("exchange:status")).status_code == 403
    assert client.get(reverse("exchange:province")).status_code == 403


def test_anonymous_is_sent_to_the_login(client):
    response = client.get(reverse("exchange:status"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_page_redrives_the_chosen_dead_letters(client, admin_user, rows):
    client.force_login(admin_user)
    response = client.post(reverse("exchange:redrive"), {"ids": [rows[0].pk]}, follow=True)
    assert "已重新排队 1 条死信" in response.content.decode()
    assert OutboxEvent.objects.get(pk=rows[0].pk).status == Status.PENDING


def test_redrive_with_nothing_chosen_changes_nothing(client, admin_user, rows):
    client.force_login(admin_user)
    response = client.post(reverse("exchange:redrive"), {}, follow=True)
    assert "请选择要重新推送的死信" in response.content.decode()
    assert OutboxEvent.objects.get(pk=rows[0].pk).status == Status.DEAD


def test_a_leader_may_not_redrive(client, make_user, rows):
    client.force_login(make_user(Role.LEADER))
    assert client.post(reverse("exchange:redrive"), {"all": "1"}).status_code == 403
    assert OutboxEvent.objects.get(pk=rows[0].pk).status == Status.DEAD


def test_the_province_page_ranks_the_remote_centres(client, make_user, center):
    RemoteCenterFactory(center=center, name="驻马店市民中心", region_code="411700")
    client.force_login(make_user(Role.LEADER))
    page = client.get(reverse("exchange:province"), {"order_by": "overdue"}).content.decode()
    assert "驻马店市民中心" in page
    assert '<option value="overdue" selected>' in page


def test_the_admin_redrives_dead_letters(client, rows, make_user):
    user = make_user(Role.CENTER_ADMIN, is_staff=True)
    client.force_login(user)
    listing = client.get(reverse("admin:exchange_deadletter_changelist")).content.decode()
    assert "case:C1" in listing and "case:C2" not in listing
    client.post(
        reverse("admin:exchange_deadletter_changelist"),
        {"action": "redrive", "_selected_action": [rows[0].pk]},
    )
    assert OutboxEvent.objects.get(pk=rows[0].pk).status == Status.PENDING
