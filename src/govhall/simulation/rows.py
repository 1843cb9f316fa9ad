"""Helpers the simulation's writers share: local times, identifiers, fast unsaved objects.

The rows go in through the one bulk writer, `core.bulk.insert`.
"""

import datetime as dt
import functools
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models.base import ModelState

from govhall.core.models import OutboxEvent
from govhall.core.validators import id_number_check_char

LOCAL = ZoneInfo(settings.TIME_ZONE)


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


def sent_outbox(center_id: int, row: dict[str, Any], at: dt.datetime) -> models.Model:
    """The outbox row of an event at `at` (`row`: its kind and payload, as the app's outbox
    function gives them), sent and acknowledged by the exchange two seconds later."""
    return new(
        OutboxEvent,
        center_id=center_id,
        **row,
        created_at=at,
        status=OutboxEvent.Status.SENT,
        attempts=1,
        acked_at=at + dt.timedelta(seconds=2),
    )
