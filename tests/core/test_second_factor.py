"""A second factor for administrators (等保 2.0 8.1.4.1, django-otp TOTP): enrolment with a QR
code on first login, a code at every login, the admin site behind it."""

from base64 import b32encode

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from govhall.core.models import SecurityEvent
from govhall.core.roles import Role
from govhall.core.views import PENDING_TOTP_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _second_factor_on(settings):
    settings.GOVHALL_ADMIN_OTP = True


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_an_administrator_enrols_then_reaches_the_admin_site(client, admin_user):
    client.force_login(admin_user)
    refused = client.get(reverse("admin:index"))
    assert refused.status_code == 302
    assert refused["Location"].startswith(reverse("second_factor"))
    page = client.get(refused["Location"])
    assert page.status_code == 200 and "<svg" in page.content.decode()
    secret = b32encode(bytes.fromhex(client.session[PENDING_TOTP_KEY])).decode()
    assert secret in page.content.decode()
    assert secret in client.get(refused["Location"]).content.decode()  # the same one again
    assert not TOTPDevice.objects.exists()  # showing it wrote nothing
    wrong = client.post(reverse("second_factor"), {"token": "000000", "next": "/admin/"})
    assert wrong.status_code == 400
    device = TOTPDevice.objects.get(user=admin_user, confirmed=False)
    assert b32encode(device.bin_key).decode() == secret
    assert client.get(reverse("admin:index")).status_code == 302
    # Guessing is slowed down: right after a wrong code even the right one is refused.
    early = client.post(reverse("second_factor"), {"token": _code(device), "next": "/admin/"})
    assert early.status_code == 400
    device.refresh_from_db()
    device.throttle_reset()  # the wait is over
    right = client.post(reverse("second_factor"), {"token": _code(device), "next": "/admin/"})
    assert right.status_code == 302 and right["Location"] == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    kinds = set(SecurityEvent.objects.filter(actor=admin_user).values_list("kind", flat=True))
    assert {"otp_failed", "otp_enrolled"} <= kinds


def test_an_enrolled_administrator_gives_a_code_at_each_login(client, admin_user):
    device = TOTPDevice.objects.create(user=admin_user, name="phone", confirmed=True)
    client.force_login(admin_user)
    page = client.get(reverse("second_factor"))
    assert "<svg" not in page.content.decode()  # the secret is shown once, at enrolment
    assert PENDING_TOTP_KEY not in client.session  # and no secret waits for one enrolled
    api = client.get("/api/queueing/monitor/")
    assert api.status_code == 403 and api.json()["code"] == "second_factor_required"
    client.post(reverse("second_factor"), {"token": _code(device)})
    assert client.get("/api/queueing/monitor/").status_code == 200


def test_a_superuser_without_a_role_needs_it_too(client, make_user):
    superuser = make_user(is_superuser=True, is_staff=True, user_center=None)
    client.force_login(superuser)
    assert client.get(reverse("admin:index")).status_code == 302


def test_window_staff_log_in_with_a_password_alone(client, make_user, department):
    clerk = make_user(Role.WINDOW_STAFF, department=department)
    client.force_login(clerk)
    assert client.get(reverse("home")).status_code == 200


def test_the_next_address_after_verification_stays_on_this_site(client, admin_user):
    device = TOTPDevice.objects.create(user=admin_user, name="phone", confirmed=True)
    client.force_login(admin_user)
    response = client.post(
        reverse("second_factor"), {"token": _code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
