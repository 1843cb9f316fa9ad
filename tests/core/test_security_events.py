"""The security audit trail (等保 2.0 8.1.4.3): logins, failures, lockouts, logouts and
permission changes are recorded; nobody can change or delete a row; rows are kept at least six
months."""

import datetime as dt
import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from govhall.core.models import SecurityEvent
from govhall.core.roles import Role
from govhall.core.services import record_security_event

pytestmark = pytest.mark.django_db
PASSWORD = "govhall-test-pw"


def _kinds() -> list[str]:
    return list(SecurityEvent.objects.order_by("id").values_list("kind", flat=True))


def test_login_failure_success_and_logout_are_recorded_with_the_address(client, make_user):
    user = make_user(Role.WINDOW_STAFF)
    login = reverse("login")
    client.post(login, {"username": user.username, "password": "wrong"}, REMOTE_ADDR="10.9.8.7")
    client.post(login, {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="10.9.8.7")
    client.post(reverse("logout"), REMOTE_ADDR="10.9.8.7")
    assert _kinds() == ["login_failed", "login", "logout"]
    failed, ok, _out = SecurityEvent.objects.order_by("id")
    assert failed.username == user.username and failed.actor is None
    assert ok.actor == user and ok.center_id == user.center_id
    assert {failed.address, ok.address} == {"10.9.8.7"}


def test_a_lockout_is_recorded(client, make_user, settings):
    user = make_user()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": user.username, "password": "wrong"})
    assert "locked_out" in _kinds()


def test_a_role_change_in_the_admin_is_recorded_with_before_and_after(
    client, admin_user, make_user
):
    clerk = make_user(Role.WINDOW_STAFF)
    client.force_login(admin_user)
    page = client.get(reverse("admin:core_user_change", args=[clerk.pk]))
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(
        username=clerk.username,
        groups=[Group.objects.get(name=Role.UNIT_LEAD.value).pk],
        date_joined_0=clerk.date_joined.date().isoformat(),
        date_joined_1="09:00:00",
        is_active="on",
        center=clerk.center_id,
    )
    data.pop("user_permissions", None)
    data.pop("last_login", None)
    response = client.post(reverse("admin:core_user_change", args=[clerk.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = SecurityEvent.objects.get(kind="permission_changed")
    assert event.actor == admin_user
    assert event.target.startswith(f"user:{clerk.pk}")
    assert event.detail["groups"] == {
        "before": [Role.WINDOW_STAFF.value],
        "after": [Role.UNIT_LEAD.value],
    }


def test_nobody_can_add_change_or_delete_an_event_in_the_admin(client, admin_user, make_user):
    superuser = make_user(is_staff=True, is_superuser=True, user_center=None)
    event = record_security_event(kind=SecurityEvent.Kind.LOGIN, actor=admin_user)
    for user in (admin_user, superuser):
        client.force_login(user)
        listing = client.get(reverse("admin:core_securityevent_changelist"))
        assert listing.status_code == 200
        assert client.get(reverse("admin:core_securityevent_add")).status_code == 403
        delete = reverse("admin:core_securityevent_delete", args=[event.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        change = reverse("admin:core_securityevent_change", args=[event.pk])
        client.post(change, {"kind": "logout", "username": "someone-else"})
    event.refresh_from_db()
    assert (event.kind, event.username) == ("login", admin_user.username)


def _event_aged(days: int) -> SecurityEvent:
    return SecurityEvent.objects.create(
        kind=SecurityEvent.Kind.LOGIN, created_at=timezone.now() - dt.timedelta(days=days)
    )


def test_the_purge_keeps_every_row_younger_than_the_retention(settings):
    settings.GOVHALL_SECURITY_EVENT_RETENTION_DAYS = 200
    young, edge, old = _event_aged(150), _event_aged(199), _event_aged(201)
    out = io.StringIO()
    call_command("security_events_purge", stdout=out)
    left = set(SecurityEvent.objects.values_list("pk", flat=True))
    assert {young.pk, edge.pk} <= left and old.pk not in left
    assert "1" in out.getvalue()


def test_the_purge_refuses_a_retention_under_six_months(settings):
    settings.GOVHALL_SECURITY_EVENT_RETENTION_DAYS = 90
    row = _event_aged(120)
    with pytest.raises(CommandError, match="至少保存"):
        call_command("security_events_purge", stdout=io.StringIO())
    assert SecurityEvent.objects.filter(pk=row.pk).exists()
