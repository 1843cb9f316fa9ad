"""The exchange API: reconciliation, pending events, dead letters and re-drive, the ranking;
each refused to the roles that may not use it, with nothing changed."""

import pytest

from govhall.core.models import OutboxEvent
from govhall.core.roles import Role
from tests.exchange.factories import RemoteCenterFactory, emit_case

pytestmark = pytest.mark.django_db
Status = OutboxEvent.Status


@pytest.fixture
def dead(center):
    rows = emit_case(center, "C1", ("accepted", "completed"))
    OutboxEvent.objects.filter(pk=rows[0].pk).update(status=Status.DEAD, attempts=10)
    return rows


@pytest.fixture
def as_role(client, make_user, department):
    def login(role):
        if role is not None:
            unit_role = role in (Role.WINDOW_STAFF, Role.UNIT_LEAD, Role.APPROVER)
            client.force_login(make_user(role, department=department if unit_role else None))
        return client

    return login


READERS = [Role.CENTER_ADMIN, Role.LEADER, Role.INSPECTOR]
OTHERS = [None, Role.WINDOW_STAFF, Role.UNIT_LEAD, Role.APPROVER]


@pytest.mark.parametrize("role", READERS + OTHERS, ids=lambda r: str(r))
def test_only_centre_wide_roles_read_the_reconciliation(as_role, role, dead):
    client = as_role(role)
    for url in ("/api/exchange/status/", "/api/exchange/pending/", "/api/exchange/dead-letters/"):
        response = client.get(url)
        assert response.status_code == (200 if role in READERS else 403), url
        if role not in READERS:
            assert set(response.json()) == {"code", "message", "detail"}


def test_status_reports_the_period_and_the_lag(as_role, dead):
    body = as_role(Role.CENTER_ADMIN).get("/api/exchange/status/").json()
    assert body["total"]["local"] == 2 and body["total"]["unacked"] == 2
    assert body["unacked_total"] == 2 and body["dead_total"] == 1
    assert body["threshold_seconds"] == 900 and body["alert"] is False


@pytest.mark.parametrize(
    "query",
    ["start=2026-13-01", "start=2026-05-10&end=2026-05-01", "start=2024-01-01&end=2026-01-01"],
)
def test_a_bad_period_is_a_400(as_role, query):
    response = as_role(Role.CENTER_ADMIN).get(f"/api/exchange/status/?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == "validation_failed"


def test_pending_lists_unacknowledged_events_oldest_first_with_their_age(as_role, dead):
    body = as_role(Role.LEADER).get("/api/exchange/pending/").json()
    assert [e["id"] for e in body["results"]] == [r.pk for r in dead]
    assert [e["status"] for e in body["results"]] == ["dead", "pending"]
    assert all(e["age_seconds"] >= 0 for e in body["results"])
    dead_only = as_role(Role.LEADER).get("/api/exchange/dead-letters/").json()
    assert [e["id"] for e in dead_only["results"]] == [dead[0].pk]


def test_a_user_sees_only_the_outbox_of_their_centre(client, make_user, dead, other_center):
    from tests.factories import UserFactory

    stranger = UserFactory(center=other_center, roles=[Role.CENTER_ADMIN])
    client.force_login(stranger)
    assert client.get("/api/exchange/pending/").json()["results"] == []
    response = client.post(
        "/api/exchange/dead-letters/redrive/",
        {"ids": [dead[0].pk]},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert OutboxEvent.objects.get(pk=dead[0].pk).status == Status.DEAD


@pytest.mark.parametrize("role", [None, Role.LEADER, Role.INSPECTOR, Role.WINDOW_STAFF])
def test_redrive_is_refused_without_the_permission_and_changes_nothing(as_role, role, dead):
    response = as_role(role).post(
        "/api/exchange/dead-letters/redrive/", {"all": True}, content_type="application/json"
    )
    assert response.status_code == 403
    assert OutboxEvent.objects.get(pk=dead[0].pk).status == Status.DEAD


def test_an_administrator_redrives_dead_letters(as_role, dead):
    client = as_role(Role.CENTER_ADMIN)
    response = client.post(
        "/api/exchange/dead-letters/redrive/",
        {"ids": [dead[0].pk]},
        content_type="application/json",
    )
    assert response.json() == {"redriven": 1}
    row = OutboxEvent.objects.get(pk=dead[0].pk)
    assert (row.status, row.attempts, row.next_attempt_at) == (Status.PENDING, 0, None)


@pytest.mark.parametrize(
    "payload", [{}, {"ids": []}, {"ids": ["x"]}, {"ids": [10**25]}, {"all": "maybe"}]
)
def test_a_bad_redrive_request_is_a_400(as_role, dead, payload):
    response = as_role(Role.CENTER_ADMIN).post(
        "/api/exchange/dead-letters/redrive/", payload, content_type="application/json"
    )
    assert response.status_code == 400
    assert OutboxEvent.objects.get(pk=dead[0].pk).status == Status.DEAD


@pytest.mark.parametrize("role", READERS + OTHERS, ids=lambda r: str(r))
def test_the_ranking_is_for_centre_wide_roles(client, make_user, center, role):
    RemoteCenterFactory(center=center, region_code="411799")
    if role is not None:
        client.force_login(make_user(role))
    response = client.get("/api/exchange/province/ranking/?order_by=overdue")
    assert response.status_code == (200 if role in READERS else 403)
    if role in READERS:
        (row,) = response.json()
        assert row["rank"] == 1 and row["remote"]["region_code"] == "411799"
        assert row["figures"]["overdue"] == 0


def test_the_ranking_refuses_an_unknown_figure(as_role):
    response = as_role(Role.CENTER_ADMIN).get("/api/exchange/province/ranking/?order_by=x")
    assert response.status_code == 400


def test_the_schema_documents_the_exchange(client):
    schema = client.get("/api/schema/?format=json").json()
    assert "/api/exchange/inbound/" in schema["paths"]
    assert "/api/exchange/province/ranking/" in schema["paths"]
