"""Helpers the simulation's writers share: local times, identifiers, bulk inserts."""

import contextlib
import datetime as dt
import random
from collections.abc import Iterable, Iterator
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models

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


def insert(model: type[models.Model], rows: Iterable[models.Model]) -> list[models.Model]:
    """`bulk_create` in batches; primary keys are set on the objects (PostgreSQL and SQLite)."""
    return model.objects.bulk_create(list(rows), batch_size=BATCH)


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
