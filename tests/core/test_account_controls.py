"""The account controls of 等保 2.0 (GB/T 22239-2019 8.1.4.1): password complexity and expiry,
idle session timeout."""

import datetime as dt
import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from govhall.core.middleware import IDLE_KEY
from govhall.core.models import SecurityEvent
from govhall.core.passwords import CharacterClassValidator
from govhall.core.roles import Role


@pytest.mark.parametrize(
    "password",
    ["abcdefgh", "abcd1234", "abcd!@#$", "1234!@#$", "Ab1!", "ab1!ab1", "ａｂｃ１２３!x"],
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize("password", ["Hall#2026x", "k9!mQ4-zz", "政务Gov@2026"])
def test_letters_digits_and_symbols_of_length_eight_pass(password):
    validate_password(password)


def test_the_required_classes_are_configurable():
    CharacterClassValidator(required=("letter", "digit")).validate("abc12345")
    with pytest.raises(ValueError):
        CharacterClassValidator(required=("emoji",))


@pytest.mark.django_db
def test_setting_a_password_stamps_its_age(make_user):
    user = make_user()
    assert timezone.now() - user.password_changed_at < dt.timedelta(minutes=1)


@pytest.mark.django_db
def test_an_expired_password_must_be_changed_before_anything_else(client, make_user, settings):
    settings.GOVHALL_PASSWORD_MAX_AGE_DAYS = 90
    user = make_user(Role.WINDOW_STAFF)
    user.password_changed_at = timezone.now() - dt.timedelta(days=91)
    user.save(update_fields=["password_changed_at"])
    client.force_login(user)
    page = client.get(reverse("home"))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("password_change"))
    api = client.get("/api/queueing/monitor/")
    assert api.status_code == 403 and api.json()["code"] == "password_expired"
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "govhall-test-pw",
            "new_password1": "Hall#2026-new",
            "new_password2": "Hall#2026-new",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert SecurityEvent.objects.filter(kind="password_changed", actor=user).exists()


@pytest.mark.django_db
def test_a_password_never_changed_counts_from_the_day_the_account_was_made(
    client, make_user, settings
):
    settings.GOVHALL_PASSWORD_MAX_AGE_DAYS = 90
    user = make_user()
    user.password_changed_at = None
    user.date_joined = timezone.now() - dt.timedelta(days=200)
    user.save(update_fields=["password_changed_at", "date_joined"])
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_a_weak_new_password_is_refused_on_the_change_page(client, make_user):
    user = make_user()
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "govhall-test-pw",
            "new_password1": "abcd1234",
            "new_password2": "abcd1234",
        },
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["new_password2"])
    assert "密码须同时包含字母、数字、符号" in errors


def _age_session(client, seconds: int) -> None:
    session = client.session
    session[IDLE_KEY] = int(time.time()) - seconds
    session.save()


@pytest.mark.django_db
def test_an_idle_session_ends(client, make_user, settings):
    settings.GOVHALL_SESSION_IDLE_MINUTES = 30
    user = make_user(Role.WINDOW_STAFF)
    client.force_login(user)
    assert client.get(reverse("home")).wsgi_request.user.is_authenticated
    _age_session(client, 31 * 60)
    response = client.get(reverse("home"))
    assert not response.wsgi_request.user.is_authenticated
    assert "_auth_user_id" not in client.session
    event = SecurityEvent.objects.get(kind="session_expired")
    assert event.actor == user and event.detail["idle_seconds"] >= 31 * 60


@pytest.mark.django_db
def test_a_click_keeps_the_session_an_automatic_refresh_does_not(client, make_user, settings):
    settings.GOVHALL_SESSION_IDLE_MINUTES = 30
    client.force_login(make_user())
    _age_session(client, 29 * 60)
    client.get(reverse("home"), HTTP_HX_REQUEST="true")  # a poll: not activity
    assert time.time() - client.session[IDLE_KEY] >= 29 * 60
    client.get(reverse("home"))  # a click
    assert time.time() - client.session[IDLE_KEY] < 60
    assert settings.SESSION_COOKIE_AGE == 30 * 60
