"""The answers Django gives before any view (a URL that names nothing, a request it refuses):
the API's JSON error under /api/, the site's page elsewhere."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/api/supervision/problems/-1/", "/api/cases/no-such-thing/", "/api/"]
)
def test_a_url_under_the_api_that_names_nothing_is_a_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "地址不存在。", "detail": None}


def test_a_page_url_that_names_nothing_is_still_a_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "html" in response["Content-Type"]


def test_a_request_django_refuses_under_the_api_is_a_json_400(client, admin_user):
    client.force_login(admin_user)
    too_many = "&".join(f"ids={i}" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = client.post(
        "/api/exchange/dead-letters/redrive/",
        too_many,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
