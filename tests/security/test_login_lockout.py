"""Login lockout (django-axes) through the real login view."""

import io

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
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


def test_failures_on_one_account_do_not_lock_other_accounts_at_the_same_address(
    client, admin_user, make_user
):
    """Behind nginx every request came from 127.0.0.1, and five failures locked everyone."""
    other = make_user()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, admin_user.username, "wrong-password", ip="10.0.0.9")
    assert _login(client, other.username, PASSWORD, ip="10.0.0.9").status_code == 302
    assert _logged_in(client)


def test_the_account_is_locked_everywhere_after_the_account_limit(client, admin_user, settings):
    """Per account (等保 2.0): failures spread over addresses lock the account everywhere."""
    settings.GOVHALL_ACCOUNT_FAILURE_LIMIT = 2 * settings.AXES_FAILURE_LIMIT - 1
    addresses = ["10.0.1.1", "10.0.1.2", "10.0.1.3"]
    for n in range(settings.GOVHALL_ACCOUNT_FAILURE_LIMIT):
        _login(client, admin_user.username, "wrong-password", ip=addresses[n % len(addresses)])
    response = _login(client, admin_user.username, PASSWORD, ip="10.0.1.99")
    assert response.status_code == 429
    assert not _logged_in(client)


def test_the_lockout_page_is_in_chinese_and_says_how_to_get_unlocked(client, admin_user):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = _login(client, admin_user.username, "wrong-password")
    assert response.status_code == 429
    text = response.content.decode()
    assert "账号已锁定" in text
    assert "联系中心管理员" in text
    assert "Account locked" not in text


def test_axes_reset_username_unlocks_the_account(client, admin_user):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, admin_user.username, "wrong-password")
    assert _login(client, admin_user.username, PASSWORD).status_code == 429
    call_command("axes_reset_username", admin_user.username, stdout=io.StringIO())
    assert _login(client, admin_user.username, PASSWORD).status_code == 302


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
