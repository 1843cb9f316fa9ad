"""Helpers the simulation's writers share: local times, identifiers, bulk inserts."""

import contextlib
import datetime as dt
import functools
import json
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from operator import attrgetter
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.base import ModelState

from govhall.core.crypto import EncryptedTextField, KeyedHashField
from govhall.core.validators import id_number_check_char

LOCAL = ZoneInfo(settings.TIME_ZONE)
BATCH = 2000


def at(day: dt.date, seconds: float) -> dt.datetime:
    """The aware local datetime `seconds` after midnight of `day`, to the second."""
    return dt.datetime.combine(day, dt.time(), tzinfo=LOCAL) + dt.timedelta(seconds=int(seconds))


def id_number(rng: random.Random, region: str) -> str:
    """A valid 18-digit ID number (GB 11643) of a person born 1950–2005 in `region`."""
    born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20_000))
    first17 = f"{region}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + id_number_check_char(first17)


def phone(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def _identity(value: Any) -> Any:
    return value


def _converter(field: models.Field, db: BaseDatabaseWrapper) -> Callable[[Any], Any]:
    """How a Python value of `field` goes to the database (what `get_db_prep_save` gives for
    the values the writers set), without Django's per-value machinery for the common types."""
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
    if field.is_relation or kind in (
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
    ):
        return _identity
    return lambda v: field.get_db_prep_save(v, db)


@dataclass(frozen=True)
class _Plan:
    constants: dict[str, Any]  # attname → the default every new row shares
    made: list[tuple[str, Callable[[], Any]]]  # attname → its default's factory (uuid4, now)
    related: dict[str, str]  # relation's name → its attname
    attnames: frozenset[str]


@functools.cache
def _plan(model: type[models.Model]) -> _Plan:
    constants: dict[str, Any] = {}
    made: list[tuple[str, Callable[[], Any]]] = []
    for f in model._meta.concrete_fields:
        if f.has_default() and (callable(f.default) or f.is_relation):
            made.append((f.attname, f.get_default))
        else:
            constants[f.attname] = f.get_default()
    return _Plan(
        constants=constants,
        made=made,
        related={f.name: f.attname for f in model._meta.concrete_fields if f.is_relation},
        attnames=frozenset(f.attname for f in model._meta.concrete_fields),
    )


def new(model: type[models.Model], **values: Any) -> models.Model:
    """An unsaved `model(**values)` without `Model.__init__`'s per-field descriptors.

    The writers build millions of rows (ticket and case events, outbox rows, ratings): this sets
    what the constructor would (related objects by field name with their id, or ids by
    attname, every other field its default) at a fraction of the cost. No model the simulation
    writes has init signals."""
    plan = _plan(model)
    obj = model.__new__(model)
    obj._state = ModelState()
    attrs = obj.__dict__
    attrs.update(plan.constants)
    for attname, make in plan.made:
        if attname not in values:
            attrs[attname] = make()
    for key, value in values.items():
        attname = plan.related.get(key)
        if attname is not None:
            attrs[attname] = None if value is None else value.pk
            obj._state.fields_cache[key] = value
        elif key in plan.attnames:
            attrs[key] = value
        else:
            raise TypeError(f"{model.__name__} has no field {key}")
    return obj


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
        # SQLite, inside the writer's transaction (one writer): past the highest id given.
        cursor.execute(
            f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
            f"coalesce((SELECT max({db.ops.quote_name(model._meta.pk.column)}) "
            f"FROM {db.ops.quote_name(table)}), 0))",
            [table],
        )
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + n))


def insert(model: type[models.Model], rows: Iterable[models.Model]) -> list[models.Model]:
    """Insert unsaved model objects at once; primary keys are set on the objects.

    The simulation writes hundreds of thousands of rows: they go in as plain value tuples
    (``COPY`` on PostgreSQL, ``executemany`` on SQLite) instead of through `bulk_create`'s
    per-value compilation. The objects are built by the models as usual (defaults included);
    other backends fall back to `bulk_create`.
    """
    objs = list(rows)
    db = connections[router.db_for_write(model)]
    if not objs or db.vendor not in ("postgresql", "sqlite"):
        return model.objects.bulk_create(objs, batch_size=BATCH)
    meta = model._meta
    fields = list(meta.concrete_fields)
    # Fields set by ``pre_save``: time stamps and the keyed hashes of encrypted numbers.
    stamped = [
        f
        for f in fields
        if getattr(f, "auto_now", False)
        or getattr(f, "auto_now_add", False)
        or isinstance(f, KeyedHashField)
    ]
    missing = [obj for obj in objs if obj.pk is None]
    for obj, pk in zip(missing, _next_ids(model, db, len(missing)), strict=True):
        obj.pk = pk
    read = attrgetter(*(f.attname for f in fields))
    convert = [(i, fn) for i, f in enumerate(fields) if (fn := _converter(f, db)) is not _identity]
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


@contextlib.contextmanager
def historical_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let the writers set `auto_now` / `auto_now_add` fields themselves.

    The simulation writes a month that happened (in simulated time): a row's creation time is
    when it happened in the hall, not when the generator ran.
    """
    saved = []
    for model in model_classes:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                saved.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, now_add in saved:
            f.auto_now, f.auto_now_add = now, now_add
