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

On PostgreSQL every compiled statement (these reads, `insert`'s rows, `fetch_sql`'s hand-written
statements) runs as a server-side prepared statement: the first use on a connection sends
``PREPARE govhall_<n> AS …; EXECUTE govhall_<n>(…)`` in one round trip, later uses only the
``EXECUTE``, so the server parses and plans it once per connection instead of on every request.
A read's constant values (a state, a flag) are written into the prepared text, so its plans
see them as the ORM's query would. Prepared statements belong to the server session: the
statements prepared are remembered per connection object, so a connection Django opens anew
prepares them again, and a session that lost them (``DISCARD ALL``, a pooler handing out
another session) is noticed by its error ("prepared statement does not exist"); outside a
transaction the statement is prepared again at once, inside one the transaction fails and the
next one prepares again. A pooler in transaction mode (PgBouncer before 1.21) hands each
transaction any server session, so it cannot be used in front of govhall (docs/queueing.md).
SQLite runs the same SQL with its parameters, as the ORM would.
"""

import datetime as dt
import itertools
import re
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from django.db import DatabaseError, connections, models
from django.db.models import F, Field, Model, OuterRef, QuerySet, Subquery
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import UpdateQuery

from govhall.core.bulk import converter

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

    def like(self, name: str, value: Any) -> Any:
        """A placeholder of the kind `value` is (text, time, day, else an integer or None):
        for a statement built from the values it will be run with."""
        if isinstance(value, str):
            return self.text(name)
        if isinstance(value, dt.datetime):
            return self.datetime(name)
        if isinstance(value, dt.date):
            return self.date(name)
        return self.int(name)


def _adapt(connection: Any, kind: Kind, value: Any) -> Any:
    """`value` as the database layer receives a field's value of that kind."""
    if value is None or kind in ("int", "str"):
        return value
    if kind == "date":
        return connection.ops.adapt_datefield_value(value)
    return connection.ops.adapt_datetimefield_value(value)


# PostgreSQL's type of each kind of placeholder, declared by a read's PREPARE.
_PG_TYPES: dict[Kind, str] = {
    "int": "bigint",
    "str": "text",
    "date": "date",
    "datetime": "timestamptz",
}
_MARKS = re.compile("%%|%s")
_names = itertools.count(1)
_PREPARED_NAME = re.compile(r"(?:PREPARE|EXECUTE) (govhall_\d+)")
# The argument of a statement's slot (else the slot holds a constant).
_ARG = object()


@dataclass
class _Statement:
    """SQL whose ``%s`` take, in order, the call's arguments (the `_ARG` slots) and constants
    (the other slots); prepared once per PostgreSQL connection."""

    sql: str
    slots: tuple[Any, ...]
    # Per argument: its PostgreSQL type in the PREPARE; none: the server infers every one.
    types: tuple[str, ...]
    name: str = field(default_factory=lambda: f"govhall_{next(_names)}")
    # "PREPARE … AS …; EXECUTE …(%s, …)" and "EXECUTE …(%s, …)", made on first use.
    prepare_and_execute: str = ""
    execute: str = ""

    def params(self, args: Sequence[Any]) -> list[Any]:
        """Every parameter of `sql`: the arguments in the `_ARG` slots."""
        given = iter(args)
        return [next(given) if slot is _ARG else slot for slot in self.slots]

    def prepare(self, raw_connection: Any) -> None:
        """Make the PostgreSQL statements: the arguments become ``$1``, ``$2`` …, the constants
        literals, as the driver writes them into the ORM's statements."""
        from psycopg.sql import Literal as SqlLiteral

        text, n = [], 0
        slots = iter(self.slots)
        position = 0
        for match in _MARKS.finditer(self.sql):
            text.append(self.sql[position : match.start()])
            position = match.end()
            if match.group() == "%%":
                text.append("%")
                continue
            slot = next(slots)
            if slot is _ARG:
                n += 1
                text.append(f"${n}")
            else:
                text.append(SqlLiteral(slot).as_string(raw_connection))
        text.append(self.sql[position:])
        body = "".join(text).replace("%", "%%")
        types = f" ({', '.join(self.types)})" if self.types else ""
        marks_text = f"({', '.join(['%s'] * n)})" if n else ""
        self.execute = f"EXECUTE {self.name}{marks_text}"
        self.prepare_and_execute = f"PREPARE {self.name}{types} AS {body}; {self.execute}"


_by_name: dict[str, _Statement] = {}


def statement_sql(executed: str) -> str:
    """The SQL a logged statement runs: a prepared statement's own for its ``PREPARE`` or
    ``EXECUTE``, any other as it is (tests and logs read what was asked)."""
    found = _PREPARED_NAME.match(executed)
    return _by_name[found.group(1)].sql if found else executed


def _prepared_on(connection: Any) -> set[str]:
    """The names of the statements prepared on `connection`'s current server session."""
    raw = connection.connection
    known = getattr(connection, "_govhall_prepared", None)
    if known is None or known[0] is not raw:
        known = connection._govhall_prepared = (raw, set())
    return known[1]


def _sqlstate(exc: BaseException) -> str:
    return getattr(exc.__cause__, "sqlstate", None) or ""


def _execute(connection: Any, cursor: Any, statement: _Statement, args: Sequence[Any]) -> None:
    """Run `statement` with `args` on `cursor`: prepared on PostgreSQL, as it is elsewhere."""
    if connection.vendor != "postgresql":
        cursor.execute(statement.sql, statement.params(args))
        return
    prepared = _prepared_on(connection)
    if statement.name in prepared:
        try:
            cursor.execute(statement.execute, list(args))
            return
        except DatabaseError as exc:  # the session lost its prepared statements
            if _sqlstate(exc) != "26000":
                raise
            prepared.clear()
            if connection.in_atomic_block:
                raise
    if not statement.execute:
        statement.prepare(connection.connection)
        _by_name[statement.name] = statement
    try:
        cursor.execute(statement.prepare_and_execute, list(args))
    except DatabaseError as exc:
        # Only a PREPARE fails with a syntax or definition error (class 42); after any other
        # error the statement was prepared (a PREPARE outlives its transaction).
        if not _sqlstate(exc).startswith("42"):
            prepared.add(statement.name)
        raise
    prepared.add(statement.name)
    cursor.nextset()


@dataclass
class _Template:
    statement: _Statement
    # The placeholder named by each argument of `statement`, in order.
    args: tuple[str, ...]
    kinds: dict[str, Kind]
    columns: tuple[str, ...]
    converters: tuple[tuple[int, tuple[Any, ...], Any], ...]


_templates: dict[tuple[str, Hashable], _Template] = {}


def _compile(
    connection: Any,
    build: Callable[[Placeholders], Any],
    *,
    update: bool = False,
) -> _Template:
    placeholders = Placeholders()
    if update:
        qs, changes = build(placeholders)
        query = qs.query.chain(UpdateQuery)
        query.add_update_values(changes)
        query.clear_ordering(force=True)
    else:
        query = build(placeholders).query
    compiler = query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    stand_ins = {
        _adapt(connection, placeholders.kinds[name], value): name
        for name, value in placeholders.values.items()
    }
    named = [stand_ins.get(p) if isinstance(p, Hashable) else None for p in params]
    unused = set(placeholders.values) - set(named)
    if unused:
        raise ValueError(f"placeholders not among the query's parameters: {sorted(unused)}")
    args = tuple(name for name in named if name is not None)
    statement = _Statement(
        sql=sql,
        slots=tuple(p if name is None else _ARG for p, name in zip(params, named, strict=True)),
        types=tuple(_PG_TYPES[placeholders.kinds[name]] for name in args),
    )
    if update:
        return _Template(statement, args, placeholders.kinds, (), ())
    fields = [col for col, _sql, _alias in compiler.select]
    columns = tuple(alias or col.target.attname for col, _sql, alias in compiler.select)
    converters = tuple(
        (pos, tuple(funcs), expression)
        for pos, (funcs, expression) in compiler.get_converters(fields).items()
    )
    return _Template(
        statement=statement,
        args=args,
        kinds=placeholders.kinds,
        columns=columns,
        converters=converters,
    )


def _bound(
    using: str,
    cache_key: tuple[Hashable, ...],
    build: Callable[[Placeholders], Any],
    values: Mapping[str, Any],
    *,
    update: bool = False,
) -> tuple[Any, _Template, list[Any]]:
    """The connection of `using`, the template of `cache_key` (compiled from `build` on first
    use), and `values` as the template's arguments."""
    connection = connections[using]
    template = _templates.get(cache_key)
    if template is None:
        template = _templates[cache_key] = _compile(connection, build, update=update)
    return (
        connection,
        template,
        [_adapt(connection, template.kinds[name], values[name]) for name in template.args],
    )


def _run(
    key: Hashable,
    build: Callable[[Placeholders], QuerySet],
    values: Mapping[str, Any],
    using: str,
    *,
    many: bool,
) -> list[dict[str, Any]]:
    connection, template, args = _bound(using, (using, key), build, values)
    with connection.cursor() as cursor:
        _execute(connection, cursor, template.statement, args)
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


def update(
    key: Hashable,
    build: Callable[[Placeholders], tuple[QuerySet, dict[str, Any]]],
    values: Mapping[str, Any],
    *,
    using: str = "default",
) -> int:
    """``queryset.update(**changes)`` for the (queryset, changes) `build` makes, compiled once
    like `fetch_one`'s reads (placeholders in the filters and the changes alike, a foreign key
    changed by its ``_id``); returns the number of rows changed."""
    connection, template, args = _bound(using, (using, "update", key), build, values, update=True)
    with connection.cursor() as cursor:
        _execute(connection, cursor, template.statement, args)
        return cursor.rowcount


_statements: dict[tuple[str, Hashable], _Statement] = {}


def fetch_sql(
    key: Hashable, sql: str, args: Sequence[Any], *, using: str = "default"
) -> list[tuple[Any, ...]]:
    """The rows of the hand-written statement `sql` (``%s`` for each of `args`, values as the
    database layer takes them), prepared on PostgreSQL like the compiled reads; `key` names
    `sql` (one key, one text). The types of its arguments are the server's to infer."""
    connection = connections[using]
    statement = _statements.get((using, key))
    if statement is None:
        statement = _statements[(using, key)] = _Statement(
            sql=sql, slots=(_ARG,) * len(args), types=()
        )
    with connection.cursor() as cursor:
        _execute(connection, cursor, statement, args)
        return cursor.fetchall() if cursor.description else []


@dataclass(frozen=True)
class _Insert:
    statement: _Statement
    fields: tuple[Field, ...]
    # The fields whose `pre_save` gives their value (time stamps, keyed hashes, files).
    stamped: tuple[tuple[int, Field], ...]
    converters: tuple[tuple[int, Callable[[Any], Any]], ...]
    returning: bool


_inserts: dict[tuple[str, type[Model], bool], _Insert] = {}


def _compile_insert(connection: Any, model: type[Model], with_pk: bool) -> _Insert:
    meta = model._meta
    refused = [
        f.name
        for f in meta.concrete_fields
        if f.generated or f.db_default is not models.NOT_PROVIDED
    ]
    if refused:
        raise ValueError(f"insert() writes every column itself; not {refused}")
    fields = tuple(f for f in meta.concrete_fields if with_pk or f is not meta.pk)
    qn = connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    returning = not with_pk and connection.features.can_return_columns_from_insert
    if returning:
        sql += f" RETURNING {qn(meta.pk.column)}"
    return _Insert(
        statement=_Statement(sql=sql, slots=(_ARG,) * len(fields), types=()),
        fields=fields,
        stamped=tuple(
            (i, f) for i, f in enumerate(fields) if type(f).pre_save is not Field.pre_save
        ),
        converters=tuple(
            (i, fn) for i, f in enumerate(fields) if (fn := converter(f, connection)) is not None
        ),
        returning=returning,
    )


def insert(obj: M, *, using: str = "default") -> M:
    """Write the new `obj` as ``obj.save()`` would (the same columns and values: defaults from
    its construction, ``auto_now`` stamps and keyed hashes from ``pre_save``, the save signals
    when anything listens), from an INSERT compiled once per model; sets its primary key."""
    model = type(obj)
    connection = connections[using]
    with_pk = obj.pk is not None
    compiled = _inserts.get((using, model, with_pk))
    if compiled is None:
        compiled = _inserts[(using, model, with_pk)] = _compile_insert(connection, model, with_pk)
    obj._prepare_related_fields_for_save(operation_name="save")
    signals = pre_save.has_listeners(model) or post_save.has_listeners(model)
    if signals:
        pre_save.send(sender=model, instance=obj, raw=False, using=using, update_fields=None)
    args = [getattr(obj, f.attname) for f in compiled.fields]
    for i, f in compiled.stamped:
        args[i] = f.pre_save(obj, True)
    for i, convert in compiled.converters:
        args[i] = convert(args[i])
    with connection.cursor() as cursor:
        _execute(connection, cursor, compiled.statement, args)
        if not with_pk:
            obj.pk = cursor.fetchone()[0] if compiled.returning else cursor.lastrowid
    obj._state.adding = False
    obj._state.db = using
    if signals:
        post_save.send(
            sender=model, instance=obj, created=True, update_fields=None, raw=False, using=using
        )
    return obj


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
