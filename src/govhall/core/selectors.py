"""Reads of the core app."""

import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import connection, connections
from django.db.models import Count, F, Q, QuerySet

from govhall.core.models import WorkCalendarDay, WorkCalendarYear


@dataclass(frozen=True)
class CalendarYearStatus:
    year: int
    source: str
    official: bool
    holidays: int
    makeup_workdays: int


def calendar_status() -> list[CalendarYearStatus]:
    years = WorkCalendarYear.objects.annotate(
        holidays=Count("days", filter=Q(days__kind=WorkCalendarDay.Kind.HOLIDAY)),
        makeup=Count("days", filter=Q(days__kind=WorkCalendarDay.Kind.WORKDAY)),
    ).order_by("year")
    return [
        CalendarYearStatus(y.year, y.get_source_display(), y.official, y.holidays, y.makeup)
        for y in years
    ]


@dataclass
class Rollup:
    """Figures of a whole (`total`) and of each value of some keys (`by[key][value]`)."""

    total: dict[str, Any]
    by: dict[str, dict[Any, dict[str, Any]]] = field(default_factory=dict)


def _add(into: dict[str, Any], row: Mapping[str, Any]) -> None:
    for name, value in row.items():
        if into.get(name) is None:
            into[name] = value
        elif value is not None:
            into[name] += value


def rollup(qs: QuerySet, aggregates: Mapping[str, Any], keys: Mapping[str, Any]) -> Rollup:
    """`aggregates` over `qs` for the whole and per value of each of `keys` (field names or
    expressions), in one query.

    The query groups by every key at once (e.g. department and staff); the groups are then added
    up here into the total and into each key alone, so one pass over the rows gives the centre's,
    the departments' and the staff's figures. The aggregates must therefore add up across groups:
    counts and sums, not averages or distinct counts. Rows whose key is NULL are grouped under
    None. A sum over no values stays None, as in SQL.
    """
    qs = qs.order_by()
    aliases = {f"_k{i}": name for i, name in enumerate(keys)}
    expressions = {
        alias: F(keys[name]) if isinstance(keys[name], str) else keys[name]
        for alias, name in aliases.items()
    }
    by: dict[str, dict[Any, dict[str, Any]]] = {name: {} for name in keys}
    total: dict[str, Any] = {}
    rows = qs.annotate(**expressions).values(*aliases).annotate(**aggregates) if keys else []
    for row in rows:
        sums = {name: row[name] for name in aggregates}
        _add(total, sums)
        for alias, name in aliases.items():
            _add(by[name].setdefault(row[alias], {}), sums)
    if not total:  # no keys, or no rows: SQL's own totals (0 counts, NULL sums)
        total = dict(qs.aggregate(**aggregates))
    return Rollup(total=total, by=by)


T = TypeVar("T")


def _on_own_connection(read: Callable[[], T]) -> T:
    try:
        return read()
    finally:
        connections.close_all()  # the connections this worker thread opened


def concurrent_reads(reads: Sequence[Callable[[], T]]) -> list[T]:
    """The results of independent reads, run at once on their own connections (one thread per
    core): a month's figures are several long aggregate queries, each app's its own.

    Inside a transaction they run one after the other on its connection instead: other
    connections would not see what it has written.
    """
    workers = min(len(reads), os.cpu_count() or 1)
    if connection.in_atomic_block or workers < 2:
        return [read() for read in reads]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_on_own_connection, reads))
