"""Role × route matrix: nobody reaches a page or an API operation their role does not allow.

The walk (`urlwalk.all_routes`) finds every route in the URLconf; `POLICY` says, explicitly,
who may reach each one. A route with no entry fails `test_every_route_has_a_policy`, so a new
page or endpoint cannot ship without someone deciding who sees it.

"Reached" means the view let the request through: a 2xx/3xx answer other than a redirect to a
login page, or a 400/409/422 (the input was judged, so the permission check was passed).
"Refused" means 401/403, a redirect to a login page, or 404 (the object is not in the user's
scope: nothing about it leaks). No answer may be a 5xx.
"""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from govhall.core.roles import Role
from tests.security.urlwalk import Route, all_routes

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"
NO_ROLE = "no_role"  # logged in, in no role group (e.g. a disabled account's leftovers)
ALL_ROLES = frozenset(Role)
CENTRE_WIDE = frozenset({Role.CENTER_ADMIN, Role.LEADER, Role.INSPECTOR})
UNIT_ROLES = frozenset({Role.UNIT_LEAD, Role.WINDOW_STAFF, Role.APPROVER})
EVERYONE = frozenset({ANONYMOUS, NO_ROLE, *ALL_ROLES})
SIGNED_IN = frozenset({NO_ROLE, *ALL_ROLES})
ADMIN_ONLY = frozenset({Role.CENTER_ADMIN})
PRINCIPALS = (ANONYMOUS, NO_ROLE, *Role)


@dataclass(frozen=True)
class Access:
    """Who may reach a route. ``strict``: every allowed principal must actually reach it
    (off where reaching also depends on object permissions, as in Django's admin)."""

    allowed: frozenset
    strict: bool = True


PUBLIC = Access(EVERYONE)

# Route key ("namespace:name", or the route text) → Access, or {method: Access}.
POLICY: dict[str, Access | dict[str, Access]] = {
    "home": PUBLIC,
    "healthz": PUBLIC,
    "login": PUBLIC,
    "logout": PUBLIC,
    "set_language": PUBLIC,
    "api-schema": PUBLIC,
    "api-docs": PUBLIC,
}

# Django's admin site: only staff accounts (the centre administrator) get past its login; what
# they may then see is each ModelAdmin's permission and scope (tested with the apps).
ADMIN_POLICY = Access(ADMIN_ONLY, strict=False)
ADMIN_SKIP = {"admin:login", "admin:logout", "admin:jsi18n"}


def checked_routes() -> list[Route]:
    routes = []
    for r in all_routes():
        if r.is_admin and (r.converters or r.key in ADMIN_SKIP or ":" not in r.key):
            continue  # object pages and redirects of the admin: covered by its changelists
        routes.append(r)
    return routes


def access_for(route: Route, method: str) -> Access | None:
    if route.is_admin:
        return ADMIN_POLICY
    entry = POLICY.get(route.key)
    if isinstance(entry, dict):
        return entry.get(method)
    return entry


def methods_to_try(route: Route) -> list[str]:
    methods = route.methods()
    if route.is_api:
        return methods
    return [methods[0]]  # a page: the method it is opened with


CASES = [(r, m) for r in checked_routes() for m in methods_to_try(r)]


def test_every_route_has_a_policy():
    missing = [f"{m.upper()} {r.key}" for r, m in CASES if access_for(r, m) is None]
    assert not missing, "routes with no entry in POLICY (decide who may reach them): " + ", ".join(
        missing
    )


def test_the_walk_sees_pages_api_and_admin():
    keys = {r.key for r, _m in CASES}
    assert {"home", "login", "api-schema", "admin:index"} <= keys


@pytest.fixture
def principals(center, department, make_user):
    users = {ANONYMOUS: None, NO_ROLE: make_user()}
    for role in Role:
        users[role] = make_user(
            role,
            department=department if role in UNIT_ROLES else None,
            is_staff=role == Role.CENTER_ADMIN,
        )
    return users


def _refused(response) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    if response.status_code in (301, 302):
        location = response.get("Location", "")
        return reverse("login") in location or reverse("admin:login") in location
    return False


def _request(client, method: str, url: str):
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, data={}, content_type="application/json")


@pytest.mark.parametrize(("route", "method"), CASES, ids=[f"{m} {r.key}" for r, m in CASES])
def test_role_matrix(client, principals, route, method):
    access = access_for(route, method)
    if access is None:
        pytest.fail(f"no policy for {method.upper()} {route.key}")
    url = route.url({})
    wrong = []
    for who in PRINCIPALS:
        client.logout()
        if principals[who] is not None:
            client.force_login(principals[who])
        response = _request(client, method, url)
        label = getattr(who, "value", who)
        if response.status_code >= 500:
            wrong.append(f"{label}: {response.status_code}")
        elif who in access.allowed:
            if access.strict and _refused(response):
                wrong.append(f"{label} refused ({response.status_code}) but allowed")
        elif not _refused(response):
            wrong.append(f"{label} reached it ({response.status_code}) but is not allowed")
    assert not wrong, f"{method.upper()} {url}: " + "; ".join(wrong)
