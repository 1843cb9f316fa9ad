"""Each view declares its own URL, and an app's `urls.py` / `api_urls.py` collects them.

    @route("attendance/me/")                          # a page, named after its function
    def me(request): ...

    @route("leaves/<int:pk>/", name="leave")          # an API view, named under the app's prefix
    class LeaveDetail(APIView): ...

    urlpatterns = page_routes(views)                  # urls.py
    urlpatterns = api_routes("attendance", api)       # api_urls.py

A module's routes are tried with a fixed segment before a placeholder at the same place
(`cases/accept/` before `cases/<str:number>/`), so where a view is written in its module does not
decide which view answers.
"""

import re
from collections import defaultdict
from collections.abc import Callable
from types import ModuleType
from typing import Any, NamedTuple, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.urls import URLPattern, path

View = TypeVar("View", bound=Callable[..., Any])


class _Route(NamedTuple):
    route: str
    view: Any
    name: str | None


_DECLARED: defaultdict[str, list[_Route]] = defaultdict(list)
_PLACEHOLDER = re.compile(r"<[^>]*>")


def route(url: str, name: str | None = None) -> Callable[[View], View]:
    """Declare the URL of the view below: a page view function (named after it unless `name`
    says otherwise) or an API view class (`name` required, under the app's prefix). It must be
    the outermost decorator, so the URL reaches the view as Django calls it."""

    def declare(view: View) -> View:
        _DECLARED[view.__module__].append(_Route(url, view, name))
        return view

    return declare


def _fixed_first(declared: _Route) -> list[bool]:
    return [bool(_PLACEHOLDER.search(segment)) for segment in declared.route.split("/")]


def _declared_in(modules: tuple[ModuleType, ...]) -> list[_Route]:
    declared = [each for module in modules for each in _DECLARED[module.__name__]]
    return sorted(declared, key=_fixed_first)


def page_routes(*modules: ModuleType) -> list[URLPattern]:
    """The pages declared with `@route` in `modules`."""
    return [
        path(each.route, each.view, name=each.name or each.view.__name__)
        for each in _declared_in(modules)
    ]


def api_routes(prefix: str, *modules: ModuleType) -> list[URLPattern]:
    """The API views declared with `@route` in `modules`, each named `<prefix>-<name>`."""
    declared = _declared_in(modules)
    if unnamed := [each.view.__name__ for each in declared if not each.name]:
        raise ImproperlyConfigured(f"API views need a route name: {', '.join(unnamed)}")
    return [
        path(each.route, each.view.as_view(), name=f"{prefix}-{each.name}") for each in declared
    ]
