"""The one bulk writer: many rows in a few statements, on PostgreSQL and SQLite.

Most writes go row by row through the services. The paths that write thousands of rows at once
go through here instead of `bulk_create`, which spends most of a 100,000-row write preparing
each value through the query compiler:

- `insert`: new model objects (the case import, the simulation). Their primary keys are taken
  from the table's sequence first and set on the objects; the rows go in as plain value tuples,
  ``COPY`` on PostgreSQL and one prepared ``INSERT`` run over every row on SQLite. Only the
  values the driver cannot take as they are go through their field (dates and UUIDs on SQLite,
  JSON, encrypted personal numbers); time stamps and keyed hashes are set by ``pre_save`` as
  `save` would. No signals, no history.
- `update`: fields of objects already written (the simulation carrying a month's open cases on),
  one prepared ``UPDATE`` by primary key run over every row.
- `insert_rows`: rows that may already exist (the exchange's receiver), as dicts, in one
  ``INSERT … ON CONFLICT`` statement whose rows are one JSON parameter (``jsonb_to_recordset``
  on PostgreSQL, ``json_each`` on SQLite) instead of thousands of ``%s`` placeholders, which
  keeps the driver's per-parameter work out of the hot path and makes each write race-free
  between concurrent writers.

Other database vendors fall back to `bulk_create` (`insert`); `insert_rows` needs one of the two.
"""

import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterable
from operator import attrgetter
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper

from govhall.core.crypto import EncryptedTextField, KeyedHashField

BATCH = 2000  # rows a statement of the `bulk_create` fallback


# Field types whose Python values the drivers take as they are (dates: PostgreSQL only).
_AS_THEY_ARE = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "DateField",
        "DateTimeField",
        "IntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "TextField",
        "UUIDField",
    }
)


def converter(field: models.Field, db: BaseDatabaseWrapper) -> Callable[[Any], Any] | None:
    """How a Python value of `field` goes to the database (what `get_db_prep_save` gives),
    without Django's per-value machinery for the common types; None when the value goes as
    it is."""
    if isinstance(field, EncryptedTextField):
        return lambda v: field.get_db_prep_save(v, db)
    sqlite = db.vendor == "sqlite"
    kind = field.get_internal_type()
    if kind == "DateTimeField" and sqlite:
        zone = db.timezone
        return lambda v: None if v is None else str(v.astimezone(zone).replace(tzinfo=None))
    if kind in ("DateField", "UUIDField") and sqlite:
        return lambda v: None if v is None else (v.hex if kind == "UUIDField" else str(v))
    if kind == "JSONField":
        encoder = field.encoder
        return lambda v: None if v is None else json.dumps(v, cls=encoder)
    if field.is_relation or kind in _AS_THEY_ARE:
        return None
    return lambda v: field.get_db_prep_save(v, db)


def _next_ids(model: type[models.Model], db: BaseDatabaseWrapper, n: int) -> list[int]:
    """`n` fresh primary keys of `model`'s table, reserved from its sequence."""
    table = model._meta.db_table
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, model._meta.pk.column, n],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite, inside the writer's transaction (IMMEDIATE: one writer): past the highest id.
        cursor.execute(
            f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
            f"coalesce((SELECT max({db.ops.quote_name(model._meta.pk.column)}) "
            f"FROM {db.ops.quote_name(table)}), 0))",
            [table],
        )
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + n))


def insert(
    model: type[models.Model], rows: Iterable[models.Model], *, keep_timestamps: bool = False
) -> list[models.Model]:
    """Insert new, unsaved `model` objects at once; their primary keys are set on them.

    Call it inside a transaction (on SQLite the ids are reserved past the highest one given,
    which holds while the transaction has the write lock). Returns the objects.
    `keep_timestamps`: the ``auto_now`` / ``auto_now_add`` fields are written as the objects
    hold them instead of now, for rows of a past being recorded (the simulated month).
    """
    objs = list(rows)
    db = connections[router.db_for_write(model)]
    if not objs:
        return objs
    if db.vendor not in ("postgresql", "sqlite"):
        if keep_timestamps:
            raise NotImplementedError("keep_timestamps needs PostgreSQL or SQLite")
        return model.objects.bulk_create(objs, batch_size=BATCH)
    meta = model._meta
    fields = list(meta.concrete_fields)
    # Fields set by ``pre_save``: time stamps (unless kept) and the keyed hashes of encrypted
    # numbers.
    stamped = [
        f
        for f in fields
        if isinstance(f, KeyedHashField)
        or (
            not keep_timestamps
            and (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))
        )
    ]
    missing = [obj for obj in objs if obj.pk is None]
    for obj, pk in zip(missing, _next_ids(model, db, len(missing)), strict=True):
        obj.pk = pk
    read = attrgetter(*(f.attname for f in fields))
    convert = [(i, fn) for i, f in enumerate(fields) if (fn := converter(f, db)) is not None]
    values = []
    for obj in objs:
        for f in stamped:
            f.pre_save(obj, add=True)
        row = list(read(obj)) if len(fields) > 1 else [read(obj)]
        for i, fn in convert:
            row[i] = fn(row[i])
        values.append(row)
        obj._state.adding = False
        obj._state.db = db.alias
    columns = ", ".join(db.ops.quote_name(f.column) for f in fields)
    table = db.ops.quote_name(meta.db_table)
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)
    return objs


def update(model: type[models.Model], objs: list[models.Model], names: list[str]) -> None:
    """UPDATE the fields `names` of `objs` by primary key: one prepared statement run over every
    row, the values converted as `insert` converts them (`bulk_update`'s CASE WHEN over 21
    fields took 17 s for 2,000 cases on SQLite). No signals, no history, no `auto_now`."""
    if not objs:
        return
    db = connections[router.db_for_write(model)]
    fields = [model._meta.get_field(n) for n in names]
    convert = [converter(f, db) or (lambda v: v) for f in fields]
    quote = db.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    params = [
        [c(getattr(o, f.attname)) for f, c in zip(fields, convert, strict=True)] + [o.pk]
        for o in objs
    ]
    with db.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {pk} = %s", params)


def _transport(field: models.Field, value: Any, db: BaseDatabaseWrapper, native: bool) -> Any:
    """`value` as JSON the database turns back into the column's type (`native`: PostgreSQL
    reads ISO dates and UUID text itself; SQLite stores what Django would)."""
    if not native:
        return field.get_db_prep_value(value, db, prepared=False)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def insert_rows(
    model: type[models.Model],
    rows: list[dict[str, Any]],
    *,
    conflict: tuple[str, ...],
    update_if_newer: str | None = None,
    returning: str | None = None,
) -> list[Any]:
    """Insert `rows` (dicts of field name → value, all with the same keys) in one statement.

    On a conflict with an existing row on the `conflict` fields: do nothing, or, with
    `update_if_newer`, overwrite it when the incoming row's value of that field is greater.
    Returns the `returning` field of the rows actually inserted or updated.
    """
    if not rows:
        return []
    db = connections[DEFAULT_DB_ALIAS]
    native = db.vendor == "postgresql"
    qn = db.ops.quote_name
    meta = model._meta
    fields = [(name, meta.get_field(name)) for name in rows[0]]
    columns = [qn(f.column) for _name, f in fields]
    document = json.dumps(
        [{f.column: _transport(f, row[name], db, native) for name, f in fields} for row in rows],
        ensure_ascii=False,
    )
    if native:
        types = ", ".join(f"{qn(f.column)} {f.db_type(db)}" for _n, f in fields)
        source = f"SELECT {', '.join(columns)} FROM jsonb_to_recordset(%s::jsonb) AS x({types})"
    else:
        picks = ", ".join(f"json_extract(value, '$.\"{f.column}\"')" for _n, f in fields)
        source = f"SELECT {picks} FROM json_each(%s) WHERE true"
    table = qn(meta.db_table)
    keys = [qn(meta.get_field(name).column) for name in conflict]
    if update_if_newer:
        newer = qn(meta.get_field(update_if_newer).column)
        sets = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in keys)
        action = f"DO UPDATE SET {sets} WHERE {table}.{newer} < excluded.{newer}"
    else:
        action = "DO NOTHING"
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) {source} "
        f"ON CONFLICT ({', '.join(keys)}) {action}"
    )
    returned = meta.get_field(returning) if returning else None
    if returned is not None:
        sql += f" RETURNING {qn(returned.column)}"
    with db.cursor() as cursor:
        cursor.execute(sql, [document])
        if returned is None:
            return []
        return [returned.to_python(value) for (value,) in cursor.fetchall()]
