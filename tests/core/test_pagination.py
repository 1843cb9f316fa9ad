"""API pagination has a ceiling (issue 17, 15): a huge ``?limit=`` is served as the largest
page, never a 500 (it overflowed SQLite's and PostgreSQL's integers)."""

import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from govhall.core.pagination import MAX_PAGE_SIZE, LimitOffsetPagination
from tests.factories import ServiceItemFactory

HUGE = "9999999999999999999"


def _limit(value: str) -> int | None:
    request = Request(APIRequestFactory().get("/", {"limit": value}))
    return LimitOffsetPagination().get_limit(request)


@pytest.mark.parametrize("value", [HUGE, str(MAX_PAGE_SIZE + 1), "1" + "0" * 400])
def test_a_limit_above_the_ceiling_is_the_ceiling(value):
    assert _limit(value) == MAX_PAGE_SIZE


def test_a_limit_under_the_ceiling_is_kept():
    assert _limit("20") == 20


@pytest.mark.django_db
@pytest.mark.parametrize("query", [f"limit={HUGE}", f"limit={HUGE}&offset={HUGE}", "offset=-1"])
def test_the_public_item_list_answers_a_huge_limit(client, center, query):
    ServiceItemFactory.create_batch(3, center=center)
    response = client.get(f"/api/catalog/items/?center={center.region_code}&{query}")
    assert response.status_code == 200
    assert len(response.json()["results"]) <= MAX_PAGE_SIZE
