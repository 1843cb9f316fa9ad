"""Every GET route (pages and API) answers malformed query parameters below 500.

For each route of the URLconf (tests/security/urlwalk.py), as an anonymous visitor and as a centre
administrator: one request records which query parameters the view reads (it carries a dummy
parameter, so forms bound to ``request.GET or None`` read their fields too); then each malformed
value below is sent in each of them, one parameter at a time (so one refused parameter does not
hide the next). A NUL, a number past any column, a year 0001 or 9999, a month 13, text where a
number is expected: the answer must be a page, a redirect or a 4xx, never a 5xx. Run it on
PostgreSQL too: NUL and out-of-range integers only break there.

Each route and visitor is a test of its own, so xdist shares the walk among its workers; the
objects the routes name are made once for the module (`world`, in conftest.py).
"""

import contextlib
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.utils.datastructures import MultiValueDict

from tests.queueing.factories import QueueCategoryFactory
from tests.security.urlwalk import Route, World, all_routes

pytestmark = pytest.mark.django_db

MALFORMED = [
    "\x00",
    "a\x00b",
    "abc",
    "-1",
    "99999999999999999999999",
    "1e400",
    "0001-01-01",
    "9999-12-31",
    "9999-12",
    "2026-13",
    "2026-02-30",
    "x" * 300,
]
# Read by list endpoints and pages whatever the data (pagination, filters).
ALWAYS_TRIED = ("page", "limit", "offset")
DUMMY = "fuzz"
ROUTES = [r for r in all_routes() if not r.is_admin and "get" in r.methods()]


@contextlib.contextmanager
def reading_keys() -> Iterator[set[str]]:
    """The keys a request's views look up in its query (request.GET, or a copy of it) while
    inside: a QueryDict holding the dummy parameter. Lookups in other QueryDicts (an empty
    request.POST, the blank requests drf-spectacular makes up to describe each endpoint) read
    nothing the query could carry."""
    keys: set[str] = set()
    # DRF's serializers ask `key in data` before they read a key: record that too.
    originals = {
        name: getattr(MultiValueDict, name)
        for name in ("get", "getlist", "__getitem__", "__contains__")
    }

    def recorder(name):
        original = originals[name]

        def record(self, key, *args, **kwargs):
            if (
                isinstance(self, QueryDict)
                and isinstance(key, str)
                and dict.__contains__(self, DUMMY)
            ):
                keys.add(key)
            return original(self, key, *args, **kwargs)

        return record

    for name in originals:
        setattr(MultiValueDict, name, recorder(name))
    try:
        yield keys
    finally:
        for name, original in originals.items():
            setattr(MultiValueDict, name, original)


def _fuzz(client: Client, route: Route, world: World) -> list[str]:
    url = world.url(route)
    with reading_keys() as read:
        client.get(url, {DUMMY: "1"})
    failures = []
    for key in sorted((read | set(ALWAYS_TRIED)) - {DUMMY}):
        for value in MALFORMED:
            with transaction.atomic():  # a database error must not abort the next requests
                response = client.get(url, {key: value})
                transaction.set_rollback(response.status_code >= 500)
            if response.status_code >= 500:
                failures.append(f"GET {url}?{key}={value[:12]!r} → {response.status_code}")
    return failures


@pytest.mark.parametrize("route", ROUTES, ids=[f"/{r.route}" for r in ROUTES])
@pytest.mark.parametrize("who", ["anonymous", "center_admin"])
def test_no_route_answers_5xx_to_malformed_query_parameters(who, route, world):
    client = Client(raise_request_exception=False)
    if who != "anonymous":
        client.force_login(world.admin)
    failures = _fuzz(client, route, world)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("path", ["/guide/", "/queue/", "/queue/board/", "/disclosure/"])
def test_nul_in_a_query_parameter_is_a_400_page(client, center, path):
    response = client.get(path, {"center": "a\x00", "q": "\x00"})
    assert response.status_code == 400
    assert "空字符" in response.content.decode()


def test_nul_in_the_api_is_a_400_json_error(client, center):
    response = client.get("/api/catalog/items/", {"search": "\x00"})
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


def test_nul_in_a_form_field_is_refused_before_the_view(client, center):
    response = client.post("/cases/lookup/", {"number": "2026\x00", "phone_tail": "1234"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/exchange/", {"end": "9999-12-31"}),
        ("/exchange/province/", {"start": "0001-01-01", "end": "9999-12-31"}),
        ("/performance/", {"period": "9999-12"}),
    ],
)
def test_dates_at_the_ends_of_the_calendar_are_refused_not_a_500(client, admin_user, path, query):
    client.raise_request_exception = False
    client.force_login(admin_user)
    assert client.get(path, query).status_code < 500


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/attendance/monthly/", {"month": "9999-12"}),
        ("/cases/supervision/", {"accepted_to": "9999-12-31"}),
        ("/cases/export.xlsx", {"accepted_from": "0001-01-01"}),
        ("/queue/appointments/", {"category": "abc"}),
        ("/queue/appointments/", {"category": "99999999999999999999999"}),
    ],
)
def test_malformed_filters_found_by_the_fuzz_are_not_a_500(client, admin_user, path, query):
    QueueCategoryFactory(center=admin_user.center, appointment_capacity=10)
    client.raise_request_exception = False
    client.force_login(admin_user)
    assert client.get(path, query).status_code < 500
