import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.views import View

from govhall.core.routing import api_routes, page_routes, route

THIS = sys.modules[__name__]


@route("things/<str:number>/")
def thing(request: HttpRequest, number: str) -> HttpResponse:
    return HttpResponse(number)


@route("things/new/", name="thing-create")
def create(request: HttpRequest) -> HttpResponse:
    return HttpResponse()


def test_a_fixed_segment_is_tried_before_a_placeholder_written_above_it() -> None:
    assert [(str(p.pattern), p.name) for p in page_routes(THIS)] == [
        ("things/new/", "thing-create"),
        ("things/<str:number>/", "thing"),
    ]


def test_an_api_view_without_a_name_is_refused() -> None:
    class Unnamed(View):
        pass

    module = type(THIS)("routing_probe")
    Unnamed.__module__ = module.__name__
    route("unnamed/")(Unnamed)

    with pytest.raises(ImproperlyConfigured, match="Unnamed"):
        api_routes("probe", module)
