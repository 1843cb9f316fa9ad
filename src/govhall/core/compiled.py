"""Queries compiled once per process: a QuerySet's SQL, built on stand-in values, run with others.

Building and compiling a QuerySet with nested subqueries costs Django far more than the
database takes to run it (the queue's prediction: tens of milliseconds against one). A hot
query whose shape does not depend on its values is therefore built once per process, shape and
database, on `Placeholders` (distinct stand-in values the built SQL's parameters are recognised
by), and each call runs the compiled SQL with its own values::

    def build(p: Placeholders) -> QuerySet:
        return Ticket.objects.filter(center_id=p.int("center")).values("id")

    row = fetch_one(("tickets-of",), build, {"center": 7})

The rules stay in the QuerySet: `build` is the same code the uncompiled query is made of.

A row can carry whole model instances: `columns` names every concrete column of a model (its
own, or one reached by a relation, under a prefix) for the `values()` QuerySet, and `instance`
builds the model back from the row, as ``select_related`` would have::

    row = fetch_one(key, lambda p: Window.objects.filter(pk=p.int("pk")).values(
        *columns(Window), **columns(Center, path="center", prefix="center_")), values)
    window, center = instance(Window, row), instance(Center, row, prefix="center_")
"""

import datetime as dt
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from django.db import connections
from django.db.models import F, Model, OuterRef, QuerySet, Subquery

Kind = Literal["int", "str", "date", "datetime"]
M = TypeVar("M", bound=Model)

# Stand-ins no real row holds: ids past any table's, days two centuries ahead.
_FIRST_INT = 1_987_000_001
_FIRST_DAY = dt.date(2199, 1, 1)


class Placeholders:
    """Distinct stand-in values, one per name, for `fetch_one`'s `build` to make its query of."""

    def __init__(self) -> None:
        self.kinds: dict[str, Kind] = {}
        self.values: dict[str, Any] = {}

    def _new(self, name: str, kind: Kind, value: Any) -> Any:
        if name in self.values:
            raise ValueError(f"placeholder {name!r} used twice")
        self.kinds[name] = kind
        self.values[name] = value
        return value

    def int(self, name: str) -> int:
        return self._new(name, "int", _FIRST_INT + len(self.values))

    def text(self, name: str) -> str:
        """A string compared as it is (``exact``, ``in``): a lookup that rewrites its value
        (``startswith``, ``contains``) hides it from the parameters and is refused."""
        return self._new(name, "str", f"govhall-stand-in-{len(self.values)}")

    def date(self, name: str) -> dt.date:
        return self._new(name, "date", _FIRST_DAY + dt.timedelta(days=len(self.values)))

    def datetime(self, name: str) -> dt.datetime:
        start = dt.datetime.combine(_FIRST_DAY, dt.time(), tzinfo=dt.UTC)
        return self._new(name, "datetime", start + dt.timedelta(seconds=len(self.values)))


def _adapt(connection: Any, kind: Kind, value: Any) -> Any:
    """`value` as the database layer receives a field's value of that kind."""
    if value is None or kind in ("int", "str"):
        return value
    if kind == "date":
        return connection.ops.adapt_datefield_value(value)
    return connection.ops.adapt_datetimefield_value(value)


@dataclass(frozen=True)
class _Template:
    sql: str
    # Per parameter of `sql`: (True, placeholder name) or (False, the constant value).
    params: tuple[tuple[bool, Any], ...]
    kinds: dict[str, Kind]
    columns: tuple[str, ...]
    converters: tuple[tuple[int, tuple[Any, ...], Any], ...]


_templates: dict[tuple[str, Hashable], _Template] = {}


def _compile(connection: Any, build: Callable[[Placeholders], QuerySet]) -> _Template:
    placeholders = Placeholders()
    qs = build(placeholders)
    compiler = qs.query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    stand_ins = {
        _adapt(connection, placeholders.kinds[name], value): name
        for name, value in placeholders.values.items()
    }
    mapped = tuple(
        (True, stand_ins[p]) if isinstance(p, Hashable) and p in stand_ins else (False, p)
        for p in params
    )
    unused = set(placeholders.values) - {name for named, name in mapped if named}
    if unused:
        raise ValueError(f"placeholders not among the query's parameters: {sorted(unused)}")
    fields = [col for col, _sql, _alias in compiler.select]
    columns = tuple(alias or col.target.attname for col, _sql, alias in compiler.select)
    converters = tuple(
        (pos, tuple(funcs), expression)
        for pos, (funcs, expression) in compiler.get_converters(fields).items()
    )
    return _Template(
        sql=sql,
        params=mapped,
        kinds=placeholders.kinds,
        columns=columns,
        converters=converters,
    )


def _run(
    key: Hashable,
    build: Callable[[Placeholders], QuerySet],
    values: Mapping[str, Any],
    using: str,
    *,
    many: bool,
) -> list[dict[str, Any]]:
    connection = connections[using]
    cache_key = (using, key)
    template = _templates.get(cache_key)
    if template is None:
        template = _templates[cache_key] = _compile(connection, build)
    params = [
        _adapt(connection, template.kinds[p], values[p]) if named else p
        for named, p in template.params
    ]
    with connection.cursor() as cursor:
        cursor.execute(template.sql, params)
        rows = cursor.fetchall() if many else cursor.fetchmany(1)
    found = []
    for fetched in rows:
        row = list(fetched)
        for pos, funcs, expression in template.converters:
            for convert in funcs:
                row[pos] = convert(row[pos], expression, connection)
        found.append(dict(zip(template.columns, row, strict=True)))
    return found


def fetch_one(
    key: Hashable,
    build: Callable[[Placeholders], QuerySet],
    values: Mapping[str, Any],
    *,
    using: str = "default",
) -> dict[str, Any] | None:
    """The first row of the `values()` QuerySet `build` makes, as a dict, with `values` in
    place of its placeholders; None when there is none.

    `key` names the query's shape: everything `build` reads besides its placeholders (a
    different shape needs a different key). Compiled on first use per database alias."""
    rows = _run(key, build, values, using, many=False)
    return rows[0] if rows else None


def fetch_all(
    key: Hashable,
    build: Callable[[Placeholders], QuerySet],
    values: Mapping[str, Any],
    *,
    using: str = "default",
) -> list[dict[str, Any]]:
    """Every row of the QuerySet `build` makes, as `fetch_one` reads the first."""
    return _run(key, build, values, using, many=True)


def _attnames(model: type[Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def columns(model: type[Model], *, path: str = "", prefix: str = "") -> Any:
    """Every concrete column of `model`: its own as ``values()`` names (no `path`), or, reached
    from the query's model by the relation `path`, as expressions named `prefix` + the column's
    name (``values(**columns(...))``), for `instance` to build the model from a row."""
    if not path:
        return _attnames(model)
    return {prefix + f.attname: F(f"{path}__{f.name}") for f in model._meta.concrete_fields}


def columns_by_key(model: type[Model], *, key: str, prefix: str) -> dict[str, Subquery]:
    """Like `columns` of a related `model`, each read by a subquery on the query's column `key`
    (its primary key) instead of a join: a ``select_for_update`` of the query then locks its
    own rows only, not the related row as well."""
    row = model._default_manager.filter(pk=OuterRef(key))
    return {
        prefix + f.attname: Subquery(row.values(f.attname)[:1]) for f in model._meta.concrete_fields
    }


def instance(
    model: type[M], row: Mapping[str, Any], *, prefix: str = "", using: str = "default"
) -> M:
    """The `model` whose columns `row` holds (read with `columns`, under `prefix`), as the ORM
    loads it from the database."""
    names = _attnames(model)
    return model.from_db(using, names, [row[prefix + name] for name in names])
