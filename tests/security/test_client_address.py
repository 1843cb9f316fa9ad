"""The client's real address (`govhall.core.clients`): forwarded headers are believed from
trusted proxies only, and the login lockout and rate limits key on that address."""

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from govhall.core.clients import client_address

NGINX = "127.0.0.1"


def _request(remote: str, **headers: str):
    meta = {f"HTTP_{k.upper()}": v for k, v in headers.items()}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **meta)


@pytest.fixture
def behind_nginx(settings):
    settings.GOVHALL_TRUSTED_PROXIES = [NGINX]


def test_a_direct_client_is_its_own_address_whatever_it_claims(behind_nginx):
    assert client_address(_request("203.0.113.7", x_forwarded_for="198.51.100.1")) == (
        "203.0.113.7"
    )


def test_through_the_trusted_proxy_the_forwarded_address_counts(behind_nginx):
    assert client_address(_request(NGINX, x_forwarded_for="198.51.100.1")) == "198.51.100.1"


def test_what_the_client_wrote_in_front_of_the_chain_is_ignored(behind_nginx):
    # nginx appends the real peer to whatever X-Forwarded-For the client sent.
    request = _request(NGINX, x_forwarded_for="8.8.8.8, 10.20.30.40")
    assert client_address(request) == "10.20.30.40"


def test_a_chain_of_trusted_proxies_is_walked_from_the_right(settings):
    settings.GOVHALL_TRUSTED_PROXIES = [NGINX, "10.0.0.0/24"]
    request = _request(NGINX, x_forwarded_for="8.8.8.8, 172.16.5.5, 10.0.0.5")
    assert client_address(request) == "172.16.5.5"


def test_x_real_ip_when_there_is_no_forwarded_chain(behind_nginx):
    assert client_address(_request(NGINX, x_real_ip="198.51.100.2")) == "198.51.100.2"


def test_without_trusted_proxies_headers_are_ignored(settings):
    settings.GOVHALL_TRUSTED_PROXIES = []
    assert client_address(_request(NGINX, x_forwarded_for="198.51.100.1")) == NGINX


@pytest.mark.django_db
def test_behind_nginx_one_guesser_does_not_lock_the_others_out(client, make_user, behind_nginx):
    """Five failures by anyone behind nginx locked every user for 30 minutes (issue 17, 1)."""
    victim, other = make_user(), make_user()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": victim.username, "password": "wrong"},
            REMOTE_ADDR=NGINX,
            HTTP_X_FORWARDED_FOR="198.51.100.66",
        )
    # The same account from another citizen's address, and another account: both log in.
    for user in (victim, other):
        response = client.post(
            reverse("login"),
            {"username": user.username, "password": "govhall-test-pw"},
            REMOTE_ADDR=NGINX,
            HTTP_X_FORWARDED_FOR="198.51.100.77",
        )
        assert response.status_code == 302, user
        client.logout()
    # The guesser's own address stays locked for that account.
    response = client.post(
        reverse("login"),
        {"username": victim.username, "password": "govhall-test-pw"},
        REMOTE_ADDR=NGINX,
        HTTP_X_FORWARDED_FOR="198.51.100.66",
    )
    assert response.status_code == 429
