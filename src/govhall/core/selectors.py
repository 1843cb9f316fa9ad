"""Reads of the core app."""

import datetime as dt
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import connection, connections
from django.db.models import Count, F, Model, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from govhall.core.dates import day_span
from govhall.core.models import (
    Center,
    OutboxEvent,
    User,
    WorkCalendarDay,
    WorkCalendarYear,
)


def center_by_pk(center_id: int | None) -> Center:
    """The centre `center_id` (``Center.DoesNotExist`` when there is none)."""
    return Center.objects.get(pk=center_id)


def find_center(center_id: int | None) -> Center | None:
    """The centre `center_id`, or None when there is none."""
    return Center.objects.filter(pk=center_id).first()


def active_centers() -> QuerySet[Center]:
    """The centres in service (the public pages and the province's lists choose among them)."""
    return Center.objects.filter(is_active=True)


Row = TypeVar("Row", bound=Model)


def filtered(qs: QuerySet[Row], **lookups: Any) -> QuerySet[Row]:
    """`qs` narrowed by each of `lookups` that is given: a list's optional filters, where a false
    value (None, "", 0) means "any"."""
    return qs.filter(**{lookup: value for lookup, value in lookups.items() if value})


def center_row(model: type[Row], pk: int | None, center_id: int | None) -> Row | None:
    """The row `pk` of `model` when it belongs to the centre `center_id`, else None."""
    return model._default_manager.filter(pk=pk, center_id=center_id).first()


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
        # Without rows the totals are those of no rows, which Django gives without a query
        # (no second pass over a month of cases to count none).
        total = dict((qs.none() if keys else qs).aggregate(**aggregates))
    return Rollup(total=total, by=by)


def regrouped(
    groups: Mapping[Any, Mapping[str, Any]], key_of: Mapping[Any, Any]
) -> dict[Any, dict[str, Any]]:
    """The groups of one key of a `rollup`, keyed anew: each value by `key_of[value]` (None when
    it has none), the groups that fall under one new key added up as `rollup` adds them.

    A rollup may group by a plain column (a case's `accepted_by_id`) and map its few values to
    the key wanted (their StaffProfile ids) afterwards, rather than join every row to find it.
    """
    out: dict[Any, dict[str, Any]] = {}
    for value, sums in groups.items():
        _add(out.setdefault(key_of.get(value), {}), sums)
    return out


def joined(
    parts: Sequence[Rollup], keys: Iterable[str], finish: Callable[[dict[str, Any]], dict[str, Any]]
) -> Rollup:
    """Rollups of several queries grouped alike, as one: for the whole and for each value of each
    of `keys`, the parts' figures in one row (a part without that group adds nothing), which
    `finish` turns into the figures wanted."""

    def row_of(rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
        row: dict[str, Any] = {}
        for part in rows:
            row.update(part)
        return finish(row)

    return Rollup(
        total=row_of(part.total for part in parts),
        by={
            key: {
                value: row_of(part.by[key].get(value, {}) for part in parts)
                for value in set().union(*(part.by[key] for part in parts))
            }
            for key in keys
        },
    )


T = TypeVar("T")


def _on_own_connection(read: Callable[[], T]) -> T:
    try:
        return read()
    finally:
        connections.close_all()  # the connections this worker thread opened


# The most connections one command or job may hold at once for its concurrent reads.
CONCURRENT_READ_CONNECTIONS = 4


def concurrent_reads(reads: Sequence[Callable[[], T]], *, concurrent: bool = False) -> list[T]:
    """The results of independent reads, one after the other unless `concurrent`.

    A command or a job (the monthly evaluation run from the command line, the benchmark) may
    ask for them at once, each on its own connection, one thread per core and never more than
    CONCURRENT_READ_CONNECTIONS: a month's figures are several long aggregate queries, each
    app's its own. A web request never does: its worker holds one connection, and a request that
    opened more would multiply the connections of a busy server. Inside a transaction they run
    one after the other on its connection whatever is asked: other connections would not see
    what it has written.
    """
    workers = min(len(reads), os.cpu_count() or 1, CONCURRENT_READ_CONNECTIONS)
    if not concurrent or connection.in_atomic_block or workers < 2:
        return [read() for read in reads]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_on_own_connection, reads))


def upstream_backlog(*, center_id: int, start: dt.date, end: dt.date) -> dict[str, int]:
    """Outbox events of the period's local days not acknowledged upstream yet: `unpushed`
    (still pending) and `failed` (given up after retries, dead letters) — seed 000 二(一): the
    cases must reach the provincial platform in real time and complete."""
    lo, hi = day_span(start, end)
    return OutboxEvent.objects.filter(
        center_id=center_id, created_at__gte=lo, created_at__lt=hi
    ).aggregate(
        events=Count("id"),
        unpushed=Count("id", filter=Q(status=OutboxEvent.Status.PENDING)),
        failed=Count("id", filter=Q(status=OutboxEvent.Status.DEAD)),
    )


def late_if_due_before(end: dt.date) -> dt.date:
    """What is still open at the close of a period ending `end` is late when it was due before
    this day: `end` itself, or today while the period runs (an item due next week is not late
    yet, whatever day the period ends)."""
    return min(end, timezone.localdate())


def latest_versions(history: QuerySet, moment: dt.datetime) -> QuerySet:
    """Each record's last version saved before `moment` (django-simple-history rows), unless
    that version is its deletion: the records as they stood at `moment`."""
    latest = (
        history.model.objects.filter(id=OuterRef("id"), history_date__lt=moment)
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    return (
        history.filter(history_date__lt=moment)
        .annotate(latest=Subquery(latest))
        .filter(history_id=F("latest"))
        .exclude(history_type="-")
    )


def totp_device(*, user: User, pending_key: str) -> TOTPDevice:
    """The user's confirmed TOTP device, else their pending one; else a new one, unsaved, with
    the secret `pending_key` (which enrolment shows until a code confirms it)."""
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "id").first()
    return device or TOTPDevice(user=user, name="govhall", key=pending_key, confirmed=False)
