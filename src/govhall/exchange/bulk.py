"""One-statement bulk writes of the receiver: many rows passed as a single JSON parameter.

A push of 500 events writes 500 log rows and up to 500 case or rating rows. Passing them as
one JSON document (``jsonb_to_recordset`` on PostgreSQL, ``json_each`` on SQLite) instead of
thousands of ``%s`` placeholders keeps the driver's per-parameter work out of the hot path, and
``INSERT … ON CONFLICT`` makes each write race-free between concurrent pushes.
"""

import datetime as dt
import json
import uuid
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper


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
