"""Walk the URLconf: every route with the method to try and the arguments to fill in.

The security tests (role matrix, CSRF) build their cases from this walk, so a route added by
any app is checked without anyone remembering to list it.
"""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

UNSAFE = ("post", "put", "patch", "delete")


@dataclass(frozen=True)
class Route:
    key: str  # "namespace:name", or the route text when it has no name
    route: str
    callback: Any
    converters: tuple[tuple[str, str], ...]  # (kwarg, converter class name)

    @property
    def view_class(self) -> type | None:
        return getattr(self.callback, "cls", None) or getattr(self.callback, "view_class", None)

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("admin/")

    def methods(self) -> list[str]:
        """The HTTP methods the view answers (lower case), GET first when it has one."""
        actions = getattr(self.callback, "actions", None)
        if actions:  # a DRF ViewSet route: the router's method → action map
            return sorted(actions, key=lambda m: (m != "get", m))
        cls = self.view_class
        if cls is None:
            return ["get"]
        allowed = [m for m in ("get", *UNSAFE) if m in cls.http_method_names and hasattr(cls, m)]
        return allowed or ["get"]

    def url(self, values: dict[str, Any]) -> str:
        path = self.route
        for name, conv in self.converters:
            value = values.get(name)
            if value is None:
                value = {"IntConverter": 999999, "UUIDConverter": uuid.UUID(int=1)}.get(conv, "x")
            path = path.replace(f"<{_tag(conv)}{name}>", str(value))
        return "/" + path


def _tag(converter: str) -> str:
    return {
        "IntConverter": "int:",
        "StringConverter": "",
        "SlugConverter": "slug:",
        "UUIDConverter": "uuid:",
        "PathConverter": "path:",
    }.get(converter, "")


def _walk(patterns: list, prefix: str, namespace: str | None) -> Iterator[Route]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            if not isinstance(p.pattern, RoutePattern) or "(?P<" in route:
                continue  # regex catch-alls (admin's, static media in debug): nothing to scope
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            converters: dict[str, Any] = {}
            for part in _resolver_chain_converters(route):
                converters.update(part)
            yield Route(
                key=name or route,
                route=route,
                callback=p.callback,
                converters=tuple((k, type(v).__name__) for k, v in converters.items()),
            )


def _resolver_chain_converters(route: str) -> list[dict[str, Any]]:
    return [RoutePattern(route).converters]


def all_routes() -> list[Route]:
    """Every route of the URLconf with a fixed path (regex catch-alls left out)."""
    seen: dict[str, Route] = {}
    for r in _walk(get_resolver().url_patterns, "", None):
        seen.setdefault(r.route, r)
    return sorted(seen.values(), key=lambda r: r.route)


@dataclass(frozen=True)
class World:
    arguments: dict[str, dict[str, Any]]  # route prefix → the URL arguments of its routes
    admin: Any
    clerk: Any  # window staff posted at the window the terminal routes name

    def url(self, route: Route) -> str:
        values: dict = {}
        for prefix, given in self.arguments.items():
            if route.route.startswith(prefix):
                values = given
        return route.url(values)
