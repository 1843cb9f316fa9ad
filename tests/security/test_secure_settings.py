"""Production settings: secure cookies and security headers whenever DEBUG is off."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]

READ_SETTINGS = """
import json
from django.conf import settings
names = %s
print(json.dumps({n: getattr(settings, n, None) for n in names}))
"""
SECURITY_SETTINGS = """["DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_CONTENT_TYPE_NOSNIFF", "X_FRAME_OPTIONS", "SECURE_REFERRER_POLICY",
    "SECURE_PROXY_SSL_HEADER", "AXES_ENABLED"]"""


def read_settings(tmp_path: Path, names: str = SECURITY_SETTINGS, **env: str) -> dict:
    """The settings `names` (a Python list literal) as a fresh process reads them under `env`."""
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("GOVHALL_") and k != "DJANGO_SETTINGS_MODULE"
    }
    base.update(
        PYTHONPATH=str(ROOT / "src"),
        DJANGO_SETTINGS_MODULE="govhall.settings",
        GOVHALL_VAR_DIR=str(tmp_path),
        **env,
    )
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + READ_SETTINGS % names],
        env=base,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_production_defaults_are_secure(tmp_path):
    s = read_settings(tmp_path, GOVHALL_DEBUG="0")
    assert s["DEBUG"] is False
    assert s["SESSION_COOKIE_SECURE"] is True
    assert s["CSRF_COOKIE_SECURE"] is True
    assert s["SESSION_COOKIE_HTTPONLY"] is True
    assert s["SECURE_HSTS_SECONDS"] >= 31536000
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert s["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert s["X_FRAME_OPTIONS"] == "DENY"
    assert s["SECURE_REFERRER_POLICY"] == "same-origin"
    assert s["AXES_ENABLED"] is True


def test_behind_a_tls_proxy_the_forwarded_scheme_is_trusted(tmp_path):
    s = read_settings(tmp_path, GOVHALL_DEBUG="0", GOVHALL_SECURE_PROXY="1")
    assert s["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_debug_mode_does_not_require_https_cookies(tmp_path):
    s = read_settings(tmp_path, GOVHALL_DEBUG="1")
    assert s["DEBUG"] is True
    assert s["SESSION_COOKIE_SECURE"] is False


@pytest.mark.django_db
def test_responses_carry_the_security_headers(client):
    response = client.get(reverse("home"), secure=True)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_hsts_on_https_responses(client):
    response = client.get(reverse("home"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.django_db
@override_settings(SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True)
def test_session_and_csrf_cookies_are_secure_and_session_httponly(client, admin_user):
    page = client.get(reverse("login"), secure=True)
    csrf_cookie = page.cookies["csrftoken"]
    assert csrf_cookie["secure"]
    response = client.post(
        reverse("login"),
        {"username": admin_user.username, "password": "govhall-test-pw"},
        secure=True,
    )
    assert response.status_code == 302
    session_cookie = response.cookies["sessionid"]
    assert session_cookie["secure"]
    assert session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"
