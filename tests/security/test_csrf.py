"""CSRF is enforced on every page form and on every session-authenticated API write."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authentication import SessionAuthentication

from tests.security.urlwalk import UNSAFE, Route, all_routes

pytestmark = pytest.mark.django_db


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def test_login_form_without_token_is_refused(csrf_client, admin_user):
    response = csrf_client.post(
        reverse("login"), {"username": admin_user.username, "password": "govhall-test-pw"}
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in csrf_client.session


def test_login_form_with_token_works(csrf_client, admin_user):
    csrf_client.get(reverse("login"))
    token = csrf_client.cookies["csrftoken"].value
    response = csrf_client.post(
        reverse("login"),
        {"username": admin_user.username, "password": "govhall-test-pw"},
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 302


def test_logout_without_token_keeps_the_session(csrf_client, admin_user):
    csrf_client.force_login(admin_user)
    response = csrf_client.post(reverse("logout"))
    assert response.status_code == 403
    assert "_auth_user_id" in csrf_client.session


def _session_api_writes() -> list[tuple[Route, str]]:
    """Every API operation that changes something and accepts a session cookie."""
    cases = []
    for route in all_routes():
        cls = route.view_class
        if not route.is_api or cls is None:
            continue
        auth = getattr(cls, "authentication_classes", ())
        if not any(issubclass(a, SessionAuthentication) for a in auth):
            continue
        cases.extend((route, m) for m in route.methods() if m in UNSAFE)
    return cases


SESSION_WRITES = _session_api_writes()


@pytest.mark.parametrize(
    ("route", "method"), SESSION_WRITES, ids=[f"{m} {r.key}" for r, m in SESSION_WRITES]
)
def test_session_api_write_without_token_is_refused_as_json(csrf_client, admin_user, route, method):
    csrf_client.force_login(admin_user)
    response = getattr(csrf_client, method)(route.url({}), data={}, content_type="application/json")
    assert response.status_code == 403, response.content[:300]
    body = response.json()
    assert body["code"] == "permission_denied" or "CSRF" in str(body.get("message", "")) + str(
        body.get("detail", "")
    )
