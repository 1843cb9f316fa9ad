"""An app's routes, written as tables: one row a route.

Pages: `(route, view)`, named after the view function, or `(route, view, name)`. API:
`(route, View, name)`, the name under the app's prefix.
"""

from collections.abc import Callable, Iterable

from django.http import HttpResponse
from django.urls import URLPattern, path
from django.views import View

PageView = Callable[..., HttpResponse]


def page_routes(
    table: Iterable[tuple[str, PageView] | tuple[str, PageView, str]],
) -> list[URLPattern]:
    """One `path(route, view, name=...)` a row of `table`; the name is the view's own unless
    the row gives one."""
    return [path(route, view, name=next(iter(name), view.__name__)) for route, view, *name in table]


def api_routes(prefix: str, table: Iterable[tuple[str, type[View], str]]) -> list[URLPattern]:
    """One `path(route, View.as_view(), name="<prefix>-<name>")` a row of `table`."""
    return [path(route, view.as_view(), name=f"{prefix}-{name}") for route, view, name in table]
