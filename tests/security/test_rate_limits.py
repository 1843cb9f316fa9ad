"""Rate limits keyed by the client's real address and counted in a cache every worker shares
(issue 17, 2 and 10): the citizen lookup, and anonymous ticket issuing per address and per
category, with the hall's registered kiosks exempt."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from govhall.cases.views import LOOKUP_RATE
from govhall.queueing.models import Ticket
from tests.factories import UserFactory
from tests.queueing.factories import QueueCategoryFactory, open_hall
from tests.security.test_secure_settings import read_settings

NGINX = "127.0.0.1"
ISSUE = "/api/queueing/tickets/"


def test_the_default_cache_is_shared_by_every_process(tmp_path):
    """LocMemCache counted per gunicorn worker: 45 lookups went through instead of 10."""
    caches = read_settings(tmp_path, names='["CACHES"]')["CACHES"]
    assert caches["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


def test_redis_is_the_cache_where_it_is_configured(tmp_path):
    url = "redis://127.0.0.1:6379/3"
    caches = read_settings(tmp_path, names='["CACHES"]', GOVHALL_REDIS_URL=url)["CACHES"]
    assert caches["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert caches["default"]["LOCATION"] == url


@pytest.fixture
def behind_nginx(settings):
    settings.GOVHALL_TRUSTED_PROXIES = [NGINX]


def _from(address: str) -> dict[str, str]:
    return {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": address}


@pytest.mark.django_db
def test_the_lookup_limit_is_per_real_client_address(client, behind_nginx):
    url = reverse("cases:lookup")
    tries = int(LOOKUP_RATE.split("/")[0])
    data = {"number": "x", "phone_last4": "1234"}
    statuses = [client.post(url, data, **_from("198.51.100.1")).status_code for _ in range(tries)]
    assert 429 not in statuses
    assert client.post(url, data, **_from("198.51.100.1")).status_code == 429
    # Another citizen behind the same nginx is not stopped by the first one's tries.
    assert client.post(url, data, **_from("198.51.100.2")).status_code != 429


@pytest.fixture
def category(center):
    open_hall(center)
    return QueueCategoryFactory(center=center, prefix="A")


def _issue(api: APIClient, category, address: str, **headers: str):
    return api.post(ISSUE, {"category": category.pk}, format="json", **_from(address), **headers)


@pytest.mark.django_db
def test_one_client_cannot_take_the_days_numbers(category, behind_nginx, settings):
    """One client took 93 numbers in 1.1 s until 今日号源已发完."""
    settings.GOVHALL_TICKET_CATEGORY_RATE = "3/h"
    api = APIClient()
    assert [_issue(api, category, "198.51.100.9").status_code for _ in range(3)] == [201] * 3
    refused = _issue(api, category, "198.51.100.9")
    assert refused.status_code == 429
    body = refused.json()
    assert set(body) == {"code", "message", "detail"}
    assert body["code"] == "rate_limited" and "取号过于频繁" in body["message"]
    assert Ticket.objects.count() == 3
    # Others behind the same proxy still get their number.
    assert _issue(api, category, "198.51.100.10").status_code == 201


@pytest.mark.django_db
def test_the_per_address_limit_spans_categories(center, category, behind_nginx, settings):
    settings.GOVHALL_TICKET_RATE = "2/h"
    other = QueueCategoryFactory(center=center, prefix="B")
    api = APIClient()
    assert _issue(api, category, "198.51.100.11").status_code == 201
    assert _issue(api, other, "198.51.100.11").status_code == 201
    assert _issue(api, other, "198.51.100.11").status_code == 429


@pytest.mark.django_db
def test_a_kiosk_registered_by_token_is_not_limited(center, category, behind_nginx, settings):
    settings.GOVHALL_TICKET_CATEGORY_RATE = "1/h"
    kiosk = UserFactory(center=center)
    kiosk.user_permissions.add(Permission.objects.get(codename="issue_ticket_for_citizen"))
    token = Token.objects.create(user=kiosk)
    api = APIClient()
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    assert [_issue(api, category, "10.1.1.5", **auth).status_code for _ in range(3)] == [201] * 3
    # Without the token the same address is an anonymous client, and limited.
    assert _issue(api, category, "10.1.1.5").status_code == 201
    assert _issue(api, category, "10.1.1.5").status_code == 429


@pytest.mark.django_db
def test_the_halls_kiosk_machines_are_not_limited(client, center, category, behind_nginx, settings):
    settings.GOVHALL_TICKET_CATEGORY_RATE = "1/h"
    settings.GOVHALL_KIOSK_NETWORKS = ["10.1.2.0/24"]
    url = reverse("queueing:kiosk") + f"?center={center.region_code}"
    for _ in range(3):
        response = client.post(url, {"category": category.pk}, **_from("10.1.2.7"))
        # The kiosk shows (and prints) the ticket on the POST's answer.
        assert response.status_code == 200
        assert 'data-testid="ticket-number"' in response.content.decode()
    # A phone on the public network is limited on the same page, with a Chinese message.
    phone = reverse("queueing:phone") + f"?center={center.region_code}"
    assert (
        client.post(phone, {"category": category.pk}, **_from("198.51.100.12")).status_code == 302
    )
    refused = client.post(phone, {"category": category.pk}, **_from("198.51.100.12"))
    assert refused.status_code == 429
    assert "取号过于频繁" in refused.content.decode()
