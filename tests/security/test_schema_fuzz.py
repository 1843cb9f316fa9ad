"""Fuzz the whole REST API from its OpenAPI schema (schemathesis), as a centre administrator.

Every operation gets a bounded number of generated requests; none may answer 5xx, and every
error must be the project's JSON error body (``{"code", "message", "detail"}``, or DRF's
``{"detail"}`` for the few framework answers before the handler). Failures are reported, not
marked xfail: they are bugs of the endpoint named in the failure.
"""

import json

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token

from govhall.core.roles import Role
from govhall.wsgi import application

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 2


SCHEMA = schemathesis.openapi.from_wsgi("/api/schema/", application)
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI app closes "old" connections around each request; inside the test's transaction
    that would close it on PostgreSQL. Django's own test client unhooks the same signal."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def admin_token(center, department, make_user):
    user = make_user(Role.CENTER_ADMIN, is_staff=True)
    return Token.objects.create(user=user).key


def _json_error(response) -> str | None:
    """Why an error response is not a JSON error body (None when it is one)."""
    if response.status_code < 400:
        return None
    headers = {k.lower(): v for k, v in response.headers.items()}
    media = headers.get("content-type", [""])
    media = media[0] if isinstance(media, list) else media
    if "json" not in media:
        return f"error {response.status_code} with Content-Type {media!r}"
    try:
        body = json.loads(response.content or b"null")
    except ValueError:
        return f"error {response.status_code} with a body that is not JSON"
    if not isinstance(body, dict) or not ({"code", "message"} <= body.keys() or "detail" in body):
        return f"error {response.status_code} without code/message: {str(body)[:200]}"
    return None


@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_api_never_answers_5xx_and_errors_are_json(operation, admin_token):
    headers = {"Authorization": f"Token {admin_token}"}

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def check(case):
        response = case.call(headers=headers)
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path} → {response.status_code}: "
            f"{case.as_curl_command()}\n{response.text[:500]}"
        )
        problem = _json_error(response)
        assert problem is None, f"{case.method} {case.formatted_path}: {problem}"

    check()
