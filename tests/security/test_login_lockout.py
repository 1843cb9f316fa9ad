"""Login lockout (django-axes) through the real login view."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "govhall-test-pw"


def _login(client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_right_password_logs_in(client, admin_user):
    response = _login(client, admin_user.username, PASSWORD)
    assert response.status_code == 302
    assert _logged_in(client)


def test_repeated_failures_lock_the_account_even_with_the_right_password(client, admin_user):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        response = _login(client, admin_user.username, "wrong-password")
        assert response.status_code == 200  # the form again, with its error
        assert not _logged_in(client)
    # The limit-th failure locks.
    response = _login(client, admin_user.username, "wrong-password")
    assert response.status_code == 429
    response = _login(client, admin_user.username, PASSWORD)
    assert response.status_code == 429
    assert not _logged_in(client)
    attempt = AccessAttempt.objects.get(username=admin_user.username)
    assert attempt.failures_since_start >= limit


def test_lockout_also_stops_guessing_other_accounts_from_the_same_address(
    client, admin_user, make_user
):
    other = make_user()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, admin_user.username, "wrong-password", ip="10.0.0.9")
    response = _login(client, other.username, PASSWORD, ip="10.0.0.9")
    assert response.status_code == 429
    assert not _logged_in(client)


def test_fewer_failures_than_the_limit_then_success_resets_the_count(client, admin_user):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, admin_user.username, "wrong-password")
    assert _login(client, admin_user.username, PASSWORD).status_code == 302
    assert _logged_in(client)
    client.logout()
    # The count started again: limit - 1 new failures do not lock.
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, admin_user.username, "wrong-password")
    assert _login(client, admin_user.username, PASSWORD).status_code == 302


def test_lockout_is_per_address_for_other_users(client, admin_user, make_user):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, admin_user.username, "wrong-password", ip="10.0.0.2")
    other = make_user()
    assert _login(client, other.username, PASSWORD, ip="10.0.0.3").status_code == 302
