"""The menu follows the role: every link it shows opens for that user, and the pages about one
centre open for a superuser above the centres."""

import re

import pytest
from django.test import Client

from govhall.core.roles import Role
from tests.factories import CenterFactory, UserFactory, WindowFactory

pytestmark = pytest.mark.django_db

NAV = re.compile(r'<nav class="mainnav">(.*?)</nav>', re.S)
HREF = re.compile(r'href="([^"]+)"')


def _menu(client: Client) -> list[str]:
    page = client.get("/").content.decode()
    return HREF.findall(NAV.search(page).group(1))


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", list(Role))
def test_every_menu_link_opens_for_the_role(role, make_user, department):
    user = make_user(role, department=department)
    if role == Role.WINDOW_STAFF:
        user.staff_profile.windows.add(WindowFactory(center=department.center))
    client = _client(user)
    links = [href for href in _menu(client) if not href.startswith("/admin/")]
    assert links
    for href in links:
        assert client.get(href, follow=True).status_code == 200, href


def test_a_user_without_a_role_sees_only_the_public_links(make_user):
    assert _menu(_client(make_user())) == ["/guide/", "/queue/", "/cases/lookup/"]


def test_the_administrator_without_a_window_is_not_offered_the_terminal(make_user):
    links = _menu(_client(make_user(Role.CENTER_ADMIN)))
    assert "/queue/terminal/" not in links
    assert "/performance/" in links


def test_window_staff_are_not_offered_the_centre_wide_pages(make_user, department):
    links = _menu(_client(make_user(Role.WINDOW_STAFF, department=department)))
    assert "/queue/terminal/" in links
    assert not {"/performance/", "/exchange/", "/queue/monitor/"} & set(links)


def test_a_superuser_above_the_centres_opens_monitor_dashboard_and_exchange(center):
    client = _client(UserFactory(center=None, is_superuser=True, is_staff=True))
    links = _menu(client)
    for href in ("/queue/monitor/", "/performance/", "/exchange/"):
        assert href in links
        assert client.get(href).status_code == 200, href
    assert client.get("/performance/").context["center"] == center


def test_a_superuser_picks_the_centre_of_the_page(center):
    other = CenterFactory()
    client = _client(UserFactory(center=None, is_superuser=True))
    assert client.get(f"/performance/?center={other.region_code}").context["center"] == other
    assert client.get("/performance/?center=x").context["center"] == center


@pytest.mark.parametrize("href", ["/queue/monitor/", "/performance/", "/exchange/"])
def test_a_role_without_a_centre_is_refused_in_one_wording(href, make_user):
    user = make_user(Role.CENTER_ADMIN, user_center=None)
    response = _client(user).get(href)
    assert response.status_code == 403
    assert "您的账号未关联政务服务中心。" in response.content.decode()
