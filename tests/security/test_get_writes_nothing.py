"""Reading a page or an endpoint writes nothing (RFC 9110 §9.2.1: GET is safe).

A browser prefetches links, a colleague reloads a tab, a crawler follows whatever it finds: none
of that may open a window session, create a settings row or record a step. Every GET route of the
URLconf is visited as an anonymous visitor, a centre administrator and a window clerk (whose
terminal routes name their own window), and the statements it sends are read: an INSERT, UPDATE
or DELETE is a failure, except on the session the login keeps (where enrolment holds the
second factor's secret until a code confirms it) and on the security audit, which records who
was shown a complainant's or rater's phone whole: a record of the read itself.
"""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from govhall.core.models import SecurityEvent
from tests.security.urlwalk import all_routes

pytestmark = pytest.mark.django_db

ROUTES = [r for r in all_routes() if not r.is_admin and "get" in r.methods()]
WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
MAY_WRITE = {"django_session", "core_securityevent"}


def _writes(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    found = []
    for query in queries.captured_queries:
        match = WRITE.match(query["sql"])
        if match and match.group(2) not in MAY_WRITE:
            found.append(f"{match.group(1).split()[0]} {match.group(2)}")
    return found


@pytest.mark.parametrize("route", ROUTES, ids=[f"/{r.route}" for r in ROUTES])
@pytest.mark.parametrize("who", ["anonymous", "center_admin", "window_clerk"])
def test_a_get_writes_nothing(who, route, world):
    client = Client(raise_request_exception=False)
    if who == "center_admin":
        client.force_login(world.admin)
    elif who == "window_clerk":
        client.force_login(world.clerk)
    url = world.url(route)
    audited = SecurityEvent.objects.exclude(kind=SecurityEvent.Kind.UNMASK).count()
    writes = _writes(client, url)
    assert not writes, f"GET {url} as {who}: {writes}"
    assert SecurityEvent.objects.exclude(kind=SecurityEvent.Kind.UNMASK).count() == audited
