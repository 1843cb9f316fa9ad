"""Reads of the queue: settings, the waiting line, predicted waits, the board, the monitor, figures.

Every number the hall shows (kiosk, board, monitor, API, the monthly figures) comes from one
function here.
"""

import datetime as dt
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.db import connection
from django.db.models import (
    CharField,
    Count,
    DateTimeField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractHour
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.catalog.search import Document, Query
from govhall.catalog.selectors import public_items, rank_items_scored
from govhall.core import settings_rows
from govhall.core.compiled import Placeholders, columns, columns_by_key, fetch_one, instance
from govhall.core.dates import local_moment
from govhall.core.models import Center
from govhall.core.selectors import Rollup, active_centers, rollup
from govhall.org.models import StaffProfile, Window
from govhall.org.selectors import department_names
from govhall.queueing.models import (
    Appointment,
    QueueCategory,
    QueueSettings,
    Ticket,
    TicketEvent,
    WindowPause,
    WindowSession,
)

# The order a window calls in: green channel first, then checked-in appointments by their slot,
# then the time the ticket joined the line (a transfer keeps the original time), then id.
CALL_ORDER = (
    F("priority").desc(),
    F("appointment_at").asc(nulls_last=True),
    F("queue_at").asc(),
    F("id").asc(),
)


def now() -> dt.datetime:
    """The current time to the second (every queue timestamp is stored to the second)."""
    return timezone.now().replace(microsecond=0)


def queue_settings(*, center_id: int) -> QueueSettings:
    """The centre's queue settings (the defaults, unsaved, if it has no row)."""
    return settings_rows.read(QueueSettings, center_id)


def settings_of(center: Center) -> QueueSettings:
    """`queue_settings` of a loaded centre: no query when the centre was read with
    ``select_related("queue_settings")`` (e.g. ``"center__queue_settings"`` from a window)."""
    try:
        return center.queue_settings
    except QueueSettings.DoesNotExist:
        return QueueSettings(center=center)


def _settings_in(row: dict[str, Any], center_id: int) -> QueueSettings:
    """The settings read with `_settings_columns` (the defaults, unsaved, if there is no row)."""
    if row["settings_id"] is None:
        return QueueSettings(center_id=center_id)
    return instance(QueueSettings, row, prefix="settings_")


def _settings_columns(path: str) -> dict[str, Any]:
    return columns(QueueSettings, path=f"{path}__queue_settings", prefix="settings_")


def category_with_settings(category_id: int) -> tuple[QueueCategory, QueueSettings] | None:
    """The category and its centre's queue settings in one read compiled once per process
    (the kiosk's issuing path); None when there is no such category."""
    row = fetch_one(
        ("category_with_settings",),
        lambda p: QueueCategory.objects.filter(pk=p.int("category")).values(
            *columns(QueueCategory), **_settings_columns("center")
        ),
        {"category": category_id},
    )
    if row is None:
        return None
    category = instance(QueueCategory, row)
    return category, _settings_in(row, category.center_id)


def staff_window(
    window_id: int, staff: StaffProfile, *, status: bool = False
) -> tuple[Window, QueueSettings, "WindowStatus | None"] | None:
    """Window `window_id` if `staff` is assigned to it, with its centre's queue settings and,
    when asked (`status`: calling the next ticket decides on all three), its `window_status`,
    in one read compiled once per process (every terminal request); None when it is not
    theirs."""
    row = fetch_one(
        ("staff_window", status),
        lambda p: Window.objects.filter(pk=p.int("window"), staff=p.int("staff")).values(
            *columns(Window),
            **_settings_columns("center"),
            **(_status_columns() if status else {}),
        ),
        {"window": window_id, "staff": staff.pk},
    )
    if row is None:
        return None
    window = instance(Window, row)
    read = (
        WindowStatus(assigned=True, **{name: row[name] for name in _status_columns()})
        if status
        else None
    )
    return window, _settings_in(row, window.center_id), read


def is_open(settings: QueueSettings, at: dt.datetime) -> bool:
    """Whether `at` falls in one of the centre's opening sessions on a working day."""
    from govhall.core.workdays import is_workday

    local = timezone.localtime(at)
    if not is_workday(local.date()):
        return False
    return any(start <= local.time() < end for start, end in settings.sessions())


def active_categories(center_id: int) -> QuerySet[QueueCategory]:
    return QueueCategory.objects.filter(center_id=center_id, is_active=True)


def active_category(category_id: int) -> QueueCategory | None:
    return QueueCategory.objects.filter(pk=category_id, is_active=True).first()


def bookable_categories(center_id: int) -> QuerySet[QueueCategory]:
    """The centre's active categories that take appointments."""
    return active_categories(center_id).filter(appointment_capacity__gt=0)


def public_hall(region_code: str = "") -> Center | None:
    """The centre in service of `region_code`, else (none asked) the first one made."""
    centers = active_centers()
    if region_code:
        return centers.filter(region_code=region_code).first()
    return centers.order_by("id").first()


def dimension_labels(dimension: str, center_id: int) -> dict[Any, str]:
    """The label of each key a figure of the centre is grouped by (`dimension`)."""
    if dimension == "category":
        return {c.pk: str(c) for c in QueueCategory.objects.filter(center_id=center_id)}
    if dimension == "department":
        return department_names(center_id)
    if dimension == "window":
        return {w.pk: str(w) for w in Window.objects.filter(center_id=center_id)}
    if dimension == "staff":
        return {
            s.pk: str(s)
            for s in StaffProfile.objects.filter(center_id=center_id).select_related("user")
        }
    if dimension == "hour":
        return {h: f"{h:02d}:00" for h in range(24)}
    return {}


# --- the waiting line --------------------------------------------------------------------


def previous_workday(day: dt.date) -> dt.date:
    """The last working day strictly before `day`."""
    from govhall.core.workdays import load_calendar

    calendar = load_calendar()
    day -= dt.timedelta(days=1)
    while not calendar.is_workday(day):
        day -= dt.timedelta(days=1)
    return day


def first_waiting_day(today: dt.date, settings: QueueSettings) -> dt.date:
    """The oldest issue day still in the line: the previous working day's tickets when the
    centre carries them over (they stay valid one more day, and no longer), else today."""
    if settings.closing_policy == QueueSettings.ClosingPolicy.CARRY_OVER:
        return previous_workday(today)
    return today


def _waiting(center_id: int, *, at: dt.datetime, today: dt.date, first_day: dt.date) -> QuerySet:
    return Ticket.objects.filter(
        center_id=center_id,
        state=Ticket.State.WAITING,
        issue_date__gte=first_day,
        issue_date__lte=today,
        issued_at__lte=at,
    )


def waiting_tickets(
    center_id: int, *, at: dt.datetime | None = None, settings: QueueSettings | None = None
) -> QuerySet[Ticket]:
    """Tickets in the line at `at`: those issued from `first_waiting_day` to today. A ticket
    issued after `at` (by a kiosk racing a window's call) is not in it yet."""
    at = at or now()
    today = timezone.localdate(at)
    settings = settings or queue_settings(center_id=center_id)
    return _waiting(center_id, at=at, today=today, first_day=first_waiting_day(today, settings))


def window_categories(window: Window) -> QuerySet[QueueCategory]:
    """The active categories `window` serves (a subquery: no round trip of its own)."""
    return QueueCategory.objects.filter(windows=window, is_active=True).values("id")


def _callable(window: Window, waiting: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """The `waiting` tickets `window` may call, in calling order. A ticket transferred to a
    named window waits for that window only."""
    return waiting.filter(
        Q(category_id__in=window_categories(window), target_window__isnull=True)
        | Q(target_window=window)
    ).order_by(*CALL_ORDER)


def callable_tickets(
    window: Window, *, at: dt.datetime | None = None, settings: QueueSettings | None = None
) -> QuerySet[Ticket]:
    """The waiting tickets `window` may call, in calling order."""
    return _callable(window, waiting_tickets(window.center_id, at=at, settings=settings))


def _next_ticket_query(p: Placeholders, *, lock: bool) -> QuerySet:
    """`next_ticket`'s statement on placeholders: the first of `callable_tickets` and their
    number, with the category's columns read by subqueries: FOR UPDATE locks the ticket's row
    only."""
    window = Window(pk=p.int("window"), center_id=p.int("center"))
    waiting = _waiting(
        window.center_id, at=p.datetime("at"), today=p.date("today"), first_day=p.date("first_day")
    )
    line = _callable(window, waiting)
    first = line.values(
        *columns(Ticket),
        **columns_by_key(QueueCategory, key="category_id", prefix="called_category_"),
        line_size=count_of(line),
    )
    if lock:
        first = first.select_for_update(skip_locked=True)
    return first[:1]


def next_ticket(
    window: Window, *, at: dt.datetime, settings: QueueSettings | None = None
) -> Ticket | None:
    """The ticket `window` calls next at `at` (the first of `callable_tickets`) with its
    category, carrying `line_size`: how many tickets the window may call, it included. Where
    the database can, its row is locked with SKIP LOCKED, so two windows calling at the same
    instant get different tickets. One read compiled once per process (`core.compiled`)."""
    settings = settings or queue_settings(center_id=window.center_id)
    today = timezone.localdate(at)
    lock = connection.features.has_select_for_update_skip_locked
    row = fetch_one(
        ("next_ticket", lock),
        lambda p: _next_ticket_query(p, lock=lock),
        {
            "window": window.pk,
            "center": window.center_id,
            "at": at,
            "today": today,
            "first_day": first_waiting_day(today, settings),
        },
    )
    if row is None:
        return None
    ticket = instance(Ticket, row)
    ticket.line_size = row["line_size"]
    ticket.category = instance(QueueCategory, row, prefix="called_category_")
    return ticket


def ahead_of(ticket: Ticket) -> Q:
    """Rows that sort before `ticket` in CALL_ORDER."""
    same_key = Q(queue_at__lt=ticket.queue_at) | Q(queue_at=ticket.queue_at, id__lt=ticket.id)
    if ticket.appointment_at is None:
        same_priority = Q(appointment_at__isnull=False) | (
            Q(appointment_at__isnull=True) & same_key
        )
    else:
        same_priority = Q(appointment_at__lt=ticket.appointment_at) | (
            Q(appointment_at=ticket.appointment_at) & same_key
        )
    same_priority &= Q(priority=ticket.priority)
    return same_priority | Q(priority=True) if not ticket.priority else same_priority


def _line_of(ticket: Ticket, waiting: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """The `waiting` tickets of `ticket`'s line: its category's, or those sent to its window."""
    qs = waiting
    if ticket.target_window_id:
        return qs.filter(target_window_id=ticket.target_window_id)
    return qs.filter(category_id=ticket.category_id, target_window__isnull=True)


def people_ahead(
    ticket: Ticket, *, at: dt.datetime | None = None, settings: QueueSettings | None = None
) -> int:
    """Waiting tickets of the same line (category, or the named window) called before `ticket`."""
    if ticket.state != Ticket.State.WAITING:
        return 0
    waiting = waiting_tickets(ticket.center_id, at=at, settings=settings)
    return _line_of(ticket, waiting).filter(ahead_of(ticket)).count()


def waiting_for_window(window: Window, *, settings: QueueSettings | None = None) -> int:
    return callable_tickets(window, settings=settings).count()


# --- predicted wait ----------------------------------------------------------------------


def predict_wait(
    *,
    people_ahead: int,
    handling_seconds: Sequence[float],
    windows_open: int,
    default_handling_seconds: float = 300.0,
) -> int:
    """Predicted seconds until a ticket with `people_ahead` tickets before it is called.

    Pure function (no database), so `make bench` can measure its error against actual waits.

    - `handling_seconds`: recent handling times (finished − called) of the ticket's category,
      newest first; their median is the time a window takes per ticket (robust to one
      abandoned or very long service). When empty, `default_handling_seconds` is used.
    - `windows_open`: windows serving the category that are staffed and not paused now; when
      none is open the line is predicted as if one window served it.
    - Every open window is taken as busy, half-way through a ticket: the ticket waits for the
      `people_ahead` before it to be served by the `windows_open` windows plus half a handling
      time, i.e. ``(people_ahead + 0.5) × median / windows_open``, rounded to the second.
    """
    if people_ahead < 0:
        raise ValueError("people_ahead must be >= 0")
    per_ticket = (
        statistics.median(handling_seconds) if handling_seconds else default_handling_seconds
    )
    windows = max(windows_open, 1)
    return round((people_ahead + 0.5) * per_ticket / windows)


class _Joined(Func):
    """A column's values joined by commas (GROUP_CONCAT on SQLite, STRING_AGG on PostgreSQL).

    A plain function to Django, like `_aggregate`'s: the subquery it sits in is one group."""

    function = "GROUP_CONCAT"
    output_field = CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s(%(expressions)s::text, ',')",
            **extra,
        )


def _aggregate(qs: QuerySet, expression: Func, default: Any) -> Coalesce:
    """`expression` (an aggregate SQL function over `qs`'s rows) as a scalar subquery.

    The aggregate is spelled as a plain `Func`, so Django adds no GROUP BY and the subquery
    answers one row however its rows are correlated to the outer query."""
    return Coalesce(Subquery(qs.order_by().annotate(v=expression).values("v")[:1]), default)


def count_of(qs: QuerySet) -> Coalesce:
    """The number of `qs`'s rows as a scalar subquery (to annotate another query with)."""
    return _aggregate(qs, Func(F("pk"), function="COUNT", output_field=IntegerField()), 0)


def _open_windows_of_category() -> Coalesce:
    """Windows serving the outer category with a staff member logged in and no open pause."""
    serving = (
        QueueCategory.windows.through.objects.filter(queuecategory_id=OuterRef("pk"))
        .filter(
            Exists(WindowSession.objects.filter(window_id=OuterRef("window_id"), closed_at=None))
        )
        .exclude(Exists(WindowPause.objects.filter(window_id=OuterRef("window_id"), ended_at=None)))
    )
    return count_of(serving)


_EPOCH = Value(dt.datetime(1970, 1, 1, tzinfo=dt.UTC), output_field=DateTimeField())


def _recent_handling_of_category(limit: int) -> Coalesce:
    """The handling times of the outer category's last `limit` served tickets, comma-joined:
    those finished no earlier than the `limit`-th newest (one index range per category)."""
    done = Ticket.objects.filter(state=Ticket.State.DONE, handling_seconds__isnull=False)
    nth_newest = (
        done.filter(category_id=OuterRef(OuterRef("pk")))
        .order_by("-finished_at")
        .values("finished_at")[limit - 1 : limit]
    )
    recent = done.filter(
        category_id=OuterRef("pk"), finished_at__gte=Coalesce(Subquery(nth_newest), _EPOCH)
    )
    return _aggregate(recent, _Joined(F("handling_seconds")), Value(""))


@dataclass(frozen=True)
class Line:
    """One category's line now: everything a predicted wait is computed from.

    `waiting` and `oldest_issued_at` are the tickets of the category's shared line (a ticket
    transferred to a named window waits in that window's line instead); `handling_seconds`
    the category's recent handling times."""

    category_id: int
    waiting: int
    oldest_issued_at: dt.datetime | None
    windows_open: int
    handling_seconds: tuple[int, ...]
    default_handling_seconds: int

    def predicted_wait(self, people_ahead: int, *, windows_open: int | None = None) -> int:
        """The wait of a ticket with `people_ahead` before it in this line (`predict_wait`)."""
        return predict_wait(
            people_ahead=people_ahead,
            handling_seconds=self.handling_seconds,
            windows_open=self.windows_open if windows_open is None else windows_open,
            default_handling_seconds=self.default_handling_seconds,
        )

    @property
    def predicted_wait_new(self) -> int:
        """The wait of a ticket taken now: everybody in the line is before it."""
        return self.predicted_wait(self.waiting)


_LINE_COLUMNS = ("line_waiting", "line_oldest", "line_windows", "line_handling")


def _with_lines(
    categories: QuerySet[QueueCategory], *, waiting: QuerySet[Ticket], sample: int
) -> QuerySet[QueueCategory]:
    """`categories` annotated with their lines (`waiting`: the centre's waiting tickets,
    `sample`: the handling times read per category): one query, whatever their number."""
    waiting = waiting.filter(category_id=OuterRef("pk"), target_window__isnull=True)
    oldest = Func(F("issued_at"), function="MIN", output_field=DateTimeField())
    return categories.annotate(
        line_waiting=count_of(waiting),
        line_oldest=_aggregate(waiting, oldest, None),
        line_windows=_open_windows_of_category(),
        line_handling=_recent_handling_of_category(sample),
    )


def _line(category_id: int, row: dict[str, Any], settings: QueueSettings) -> Line:
    """The `Line` of a category read with `_with_lines` (`row`: its annotations)."""
    return Line(
        category_id=category_id,
        waiting=row["line_waiting"],
        oldest_issued_at=row["line_oldest"],
        windows_open=row["line_windows"],
        handling_seconds=tuple(int(h) for h in row["line_handling"].split(",") if h),
        default_handling_seconds=settings.default_handling_seconds,
    )


def lines(
    center_id: int, *, at: dt.datetime | None = None, settings: QueueSettings | None = None
) -> list[tuple[QueueCategory, Line]]:
    """Every active category of the centre with its line, in one query."""
    at = at or now()
    settings = settings or queue_settings(center_id=center_id)
    return [
        (category, _line(category.pk, vars(category), settings))
        for category in _with_lines(
            active_categories(center_id),
            waiting=waiting_tickets(center_id, at=at, settings=settings),
            sample=settings.prediction_sample,
        )
    ]


@dataclass(frozen=True)
class Progress:
    """Where a ticket stands: the tickets called before it and its predicted wait in seconds
    (None once it has been called)."""

    people_ahead: int
    predicted_wait_seconds: int | None


def _progress_query(p: Placeholders, *, shape: tuple[bool, bool, bool, int]) -> QuerySet:
    """`ticket_progress`'s statement on placeholders: the people ahead of a ticket of that
    `shape` (named window, appointment, green channel, prediction sample) and its line."""
    has_target, has_appointment, priority, sample = shape
    ticket = Ticket(
        id=p.int("id"),
        center_id=p.int("center"),
        category_id=p.int("category"),
        target_window_id=p.int("target_window") if has_target else None,
        appointment_at=p.datetime("appointment_at") if has_appointment else None,
        queue_at=p.datetime("queue_at"),
        priority=priority,
    )
    waiting = _waiting(
        ticket.center_id, at=p.datetime("at"), today=p.date("today"), first_day=p.date("first_day")
    )
    return (
        _with_lines(
            QueueCategory.objects.filter(pk=ticket.category_id), waiting=waiting, sample=sample
        )
        .annotate(ahead=count_of(_line_of(ticket, waiting).filter(ahead_of(ticket))))
        .values(*_LINE_COLUMNS, "ahead")
    )


def ticket_progress(
    ticket: Ticket, *, at: dt.datetime | None = None, settings: QueueSettings | None = None
) -> Progress:
    """The ticket's place in its line and predicted wait, as every page and the API show it:
    one query reads the people ahead and the category's line (`Line.predicted_wait`). A ticket
    transferred to a named window waits for that one window.

    The query is compiled once per process and shape (`govhall.core.compiled`): building it
    costs Django many times what the database takes to run it."""
    if ticket.state != Ticket.State.WAITING:
        return Progress(people_ahead=0, predicted_wait_seconds=None)
    at = at or now()
    settings = settings or queue_settings(center_id=ticket.center_id)
    today = timezone.localdate(at)
    shape = (
        ticket.target_window_id is not None,
        ticket.appointment_at is not None,
        bool(ticket.priority),
        settings.prediction_sample,
    )
    row = fetch_one(
        ("ticket_progress", *shape),
        lambda p: _progress_query(p, shape=shape),
        {
            "id": ticket.pk,
            "center": ticket.center_id,
            "category": ticket.category_id,
            "target_window": ticket.target_window_id,
            "appointment_at": ticket.appointment_at,
            "queue_at": ticket.queue_at,
            "at": at,
            "today": today,
            "first_day": first_waiting_day(today, settings),
        },
    )
    if row is None:
        raise QueueCategory.DoesNotExist
    windows = 1 if ticket.target_window_id else None
    return Progress(
        people_ahead=row["ahead"],
        predicted_wait_seconds=_line(ticket.category_id, row, settings).predicted_wait(
            row["ahead"], windows_open=windows
        ),
    )


def category_overview(
    center_id: int, *, at: dt.datetime | None = None, settings: QueueSettings | None = None
) -> list[dict[str, Any]]:
    """Per active category: waiting, longest current wait, open windows, and the predicted
    wait of a ticket taken now (`Line.predicted_wait_new`, the figure `ticket_progress` gives
    that ticket once taken)."""
    at = at or now()
    settings = settings or queue_settings(center_id=center_id)
    threshold = settings.wait_alert_minutes * 60
    rows = []
    for cat, line in lines(center_id, at=at, settings=settings):
        longest = int((at - line.oldest_issued_at).total_seconds()) if line.oldest_issued_at else 0
        rows.append(
            {
                "id": cat.id,
                "prefix": cat.prefix,
                "name": cat.name,
                "description": cat.description,
                "floor": cat.floor,
                "waiting": line.waiting,
                "longest_wait_seconds": longest,
                "windows_open": line.windows_open,
                "predicted_wait_seconds": line.predicted_wait_new,
                "alert": line.waiting > 0 and longest > threshold,
            }
        )
    return rows


def kiosk_search(categories: list[dict[str, Any]], *, center_id: int, q: str) -> list[dict]:
    """The rows of `category_overview` a kiosk search finds, best first: a line matches by its
    own name or description, or by the items it serves (the guide search's matcher, so "营业执照"
    finds the line serving 企业设立登记 as the guide does)."""
    query = Query(q)
    if not query.words:
        return categories
    ids = [row["id"] for row in categories]
    served = QueueCategory.items.through.objects.filter(queuecategory_id__in=ids)
    items = public_items(center_id=center_id).filter(pk__in=served.values("serviceitem_id"))
    item_scores = {item.pk: score for item, score in rank_items_scored(items, query)}
    best: dict[int, float] = {}
    for category_id, item_id in served.values_list("queuecategory_id", "serviceitem_id"):
        score = item_scores.get(item_id, 0.0)
        best[category_id] = max(best.get(category_id, 0.0), score)
    scored = []
    for row in categories:
        own = Document(name=row["name"], places=[row["description"]]).score(query)
        score = max(own, best.get(row["id"], 0.0))
        if score > 0:
            scored.append((score, row))
    scored.sort(key=lambda pair: -pair[0])  # stable: ties keep the lines' order
    return [row for _score, row in scored]


def wait_alerts(*, center_id: int) -> list[dict[str, Any]]:
    """Categories whose longest current wait passes the centre's threshold (for supervision)."""
    settings = queue_settings(center_id=center_id)
    threshold = settings.wait_alert_minutes * 60
    return [
        {
            "category_id": row["id"],
            "prefix": row["prefix"],
            "name": row["name"],
            "waiting": row["waiting"],
            "longest_wait_seconds": row["longest_wait_seconds"],
            "threshold_seconds": threshold,
        }
        for row in category_overview(center_id, settings=settings)
        if row["alert"]
    ]


# --- tickets, board, terminal, monitor -------------------------------------------------------


def ticket_by_token(token: Any) -> Ticket | None:
    return (
        Ticket.objects.select_related("category", "window", "target_window")
        .filter(token=token)
        .first()
    )


def ticket_timeline(ticket: Ticket) -> QuerySet[TicketEvent]:
    return ticket.events.select_related("window", "staff__user", "actor").order_by("at", "id")


def ticket_chain(ticket: Ticket) -> list[Ticket]:
    """`ticket` and the rows it was transferred to, in order: the last is where the person
    is in line now (the token they hold names the first)."""
    chain = [ticket]
    while chain[-1].state == Ticket.State.TRANSFERRED:
        successor = (
            Ticket.objects.select_related("category", "window", "target_window")
            .filter(transferred_from=chain[-1])
            .first()
        )
        if successor is None:
            break
        chain.append(successor)
    return chain


def chain_timeline(chain: list[Ticket]) -> QuerySet[TicketEvent]:
    """The events of a ticket and its transfers, as one timeline."""
    return (
        TicketEvent.objects.filter(ticket__in=chain).select_related("window").order_by("at", "id")
    )


def _current_ticket_query(p: Placeholders) -> QuerySet:
    return (
        Ticket.objects.filter(
            window_id=p.int("window"), state__in=[Ticket.State.CALLED, Ticket.State.SERVING]
        )
        .order_by("-called_at")
        .values(*columns(Ticket), **columns(QueueCategory, path="category", prefix="line_"))[:1]
    )


def current_ticket(window: Window) -> Ticket | None:
    """The ticket a window is dealing with (called or being served), with its category; one
    read compiled once per process (`core.compiled`)."""
    row = fetch_one(("current_ticket",), _current_ticket_query, {"window": window.pk})
    if row is None:
        return None
    ticket = instance(Ticket, row)
    ticket.category = instance(QueueCategory, row, prefix="line_")
    return ticket


@dataclass(frozen=True)
class WindowStatus:
    """What a window's terminal may do next, read in one query (`window_status`)."""

    assigned: bool  # the staff member is assigned to the window
    paused: bool
    current_number: str | None  # the ticket called or being served, if any
    session_staff_id: int | None  # who is logged in at the window, if anyone


def _status_columns() -> dict[str, Any]:
    """A window's open pause, current ticket and open session, as columns of a read of
    windows."""
    current = Ticket.objects.filter(
        window_id=OuterRef("pk"), state__in=[Ticket.State.CALLED, Ticket.State.SERVING]
    ).order_by("-called_at")
    return {
        "paused": Exists(WindowPause.objects.filter(window_id=OuterRef("pk"), ended_at=None)),
        "current_number": Subquery(current.values("number")[:1]),
        "session_staff_id": Subquery(
            WindowSession.objects.filter(window_id=OuterRef("pk"), closed_at=None).values(
                "staff_id"
            )[:1]
        ),
    }


def _window_status_query(p: Placeholders) -> QuerySet:
    return Window.objects.filter(pk=p.int("window")).values(
        assigned=Exists(
            StaffProfile.windows.through.objects.filter(
                window_id=OuterRef("pk"), staffprofile_id=p.int("staff")
            )
        ),
        **_status_columns(),
    )


def window_status(window: Window, *, staff: StaffProfile) -> WindowStatus:
    """Assignment, open pause, current ticket and open session of `window`, in one query
    compiled once per process."""
    row = fetch_one(
        ("window_status",), _window_status_query, {"window": window.pk, "staff": staff.pk}
    )
    if row is None:
        raise Window.DoesNotExist
    return WindowStatus(**row)


def open_session(window: Window) -> WindowSession | None:
    return WindowSession.objects.filter(window=window, closed_at__isnull=True).first()


def open_pause(window: Window) -> WindowPause | None:
    return WindowPause.objects.filter(window=window, ended_at__isnull=True).first()


def announcement(number: str, window_number: str) -> str:
    return _("请%(number)s号到%(window)s号窗口办理") % {"number": number, "window": window_number}


BOARD_CALL_MINUTES = 10


def board_calls(
    center_id: int, *, floor: str = "", limit: int = 8, at: dt.datetime | None = None
) -> list[dict[str, Any]]:
    """The calls and recalls still calling (newest first); `id` orders announcements.

    Still calling: the ticket is still CALLED (the person has not come to the window yet) and
    the call is of today and at most BOARD_CALL_MINUTES old, so the board never shows a call
    from hours earlier under 正在呼叫.
    """
    at = at or now()
    start = max(
        local_moment(timezone.localdate(at)),
        at - dt.timedelta(minutes=BOARD_CALL_MINUTES),
    )
    qs = TicketEvent.objects.filter(
        center_id=center_id,
        kind__in=[TicketEvent.Kind.CALLED, TicketEvent.Kind.RECALLED],
        at__gte=start,
        ticket__state=Ticket.State.CALLED,
    )
    if floor:
        qs = qs.filter(window__floor=floor)
    rows = qs.order_by("-id").values(
        "id", "kind", "at", "ticket__number", "window__number", "window__name"
    )[:limit]
    return [
        {
            "id": r["id"],
            "kind": r["kind"],
            "at": r["at"],
            "number": r["ticket__number"],
            "window_number": r["window__number"],
            "window_name": r["window__name"],
            "text": announcement(r["ticket__number"], r["window__number"]),
        }
        for r in rows
    ]


def board_feed(center_id: int, *, floor: str = "", limit: int = 8) -> dict[str, Any]:
    at = now()
    categories = category_overview(center_id, at=at)
    # A board lists the lines that matter now: people waiting or a window serving them.
    categories = [
        c
        for c in categories
        if (c["waiting"] or c["windows_open"]) and (not floor or c["floor"] in ("", floor))
    ]
    return {
        "at": at,
        "calls": board_calls(center_id, floor=floor, limit=limit, at=at),
        "categories": categories,
    }


def board_floors(center_id: int) -> list[str]:
    return sorted(
        set(
            Window.objects.filter(center_id=center_id)
            .exclude(floor="")
            .values_list("floor", flat=True)
        )
    )


def hall_monitor(center_id: int) -> dict[str, Any]:
    """Waiting per category, windows open / paused / idle, longest wait, alerts."""
    at = now()
    settings = queue_settings(center_id=center_id)
    sessions = {
        s.window_id: s
        for s in WindowSession.objects.filter(
            center_id=center_id, closed_at__isnull=True
        ).select_related("staff__user")
    }
    pauses = {
        p.window_id: p
        for p in WindowPause.objects.filter(center_id=center_id, ended_at__isnull=True)
    }
    current = {
        t.window_id: t
        for t in Ticket.objects.filter(
            center_id=center_id, state__in=[Ticket.State.CALLED, Ticket.State.SERVING]
        ).select_related("category")
    }
    windows = []
    for window in Window.objects.filter(center_id=center_id).order_by("floor", "number"):
        pause = pauses.get(window.id)
        paused_seconds = int((at - pause.started_at).total_seconds()) if pause else 0
        windows.append(
            {
                "window": window,
                "session": sessions.get(window.id),
                "pause": pause,
                "paused_seconds": paused_seconds,
                "pause_over_limit": bool(pause)
                and paused_seconds > settings.pause_limit_minutes * 60,
                "current": current.get(window.id),
                "status": ("paused" if pause else "open" if window.id in sessions else "closed"),
            }
        )
    categories = category_overview(center_id, at=at, settings=settings)
    return {
        "at": at,
        "settings": settings,
        "categories": categories,
        "windows": windows,
        "windows_open": sum(1 for w in windows if w["status"] == "open"),
        "windows_paused": sum(1 for w in windows if w["status"] == "paused"),
        "waiting": sum(c["waiting"] for c in categories),
        "longest_wait_seconds": max((c["longest_wait_seconds"] for c in categories), default=0),
        "alerts": [c for c in categories if c["alert"]],
    }


# --- appointments --------------------------------------------------------------------------


def slot_starts(settings: QueueSettings) -> list[tuple[dt.time, dt.time]]:
    """The appointment slots of one day: each opening session cut into equal slots."""
    step = dt.timedelta(minutes=settings.appointment_slot_minutes)
    slots = []
    for start, end in settings.sessions():
        cursor = dt.datetime.combine(dt.date.min, start)
        stop = dt.datetime.combine(dt.date.min, end)
        while cursor + step <= stop:
            slots.append((cursor.time(), (cursor + step).time()))
            cursor += step
    return slots


def appointment_day_refusal(
    settings: QueueSettings, day: dt.date, *, at: dt.datetime | None = None
) -> str | None:
    """Why `day` cannot be booked (past, too far ahead, a rest day), or None when it can."""
    from govhall.core.workdays import is_workday

    today = timezone.localdate(at or now())
    if day < today:
        return _("%(d)s 已经过去,请选择今天或以后的工作日。") % {"d": day.isoformat()}
    if day > today + dt.timedelta(days=settings.appointment_days_ahead):
        return _("只能预约今天起 %(n)s 天内的时段。") % {"n": settings.appointment_days_ahead}
    if not is_workday(day):
        return _("%(d)s 是休息日(周末或法定节假日),不办理预约,请选择工作日。") % {
            "d": day.isoformat()
        }
    return None


def bookable_days(settings: QueueSettings, *, at: dt.datetime | None = None) -> list[dt.date]:
    """The working days one may book, from today to `appointment_days_ahead` days ahead."""
    today = timezone.localdate(at or now())
    days = (today + dt.timedelta(days=n) for n in range(settings.appointment_days_ahead + 1))
    return [d for d in days if appointment_day_refusal(settings, d, at=at) is None]


def appointment_slots(category: QueueCategory, day: dt.date) -> list[dict[str, Any]]:
    """Slots of `day` for `category` with their remaining places."""
    settings = queue_settings(center_id=category.center_id)
    taken = dict(
        Appointment.objects.filter(
            category=category,
            date=day,
            state__in=[Appointment.State.BOOKED, Appointment.State.CHECKED_IN],
        )
        .values("slot_start")
        .annotate(n=Count("id"))
        .values_list("slot_start", "n")
    )
    at = now()
    rows = []
    for start, end in slot_starts(settings):
        begins = local_moment(day, start)
        left = max(category.appointment_capacity - taken.get(start, 0), 0)
        rows.append(
            {
                "start": start,
                "end": end,
                "capacity": category.appointment_capacity,
                "available": left if begins > at else 0,
                "started": begins <= at,
            }
        )
    return rows


def appointment_by_code(code: str) -> Appointment | None:
    return Appointment.objects.select_related("category").filter(code=code.strip().upper()).first()


# --- figures (DOMAIN.md "Figures") -----------------------------------------------------------

FIGURE_KEYS = (
    "tickets_issued",
    "tickets_called",
    "tickets_served",
    "no_show",
    "avg_wait_seconds",
    "avg_handling_seconds",
    "served_within_10min",
    "share_within_10min",
)

_AGGREGATES = {
    # A transfer continues a ticket: counted as issued once, called at each window.
    "tickets_issued": Count("id", filter=Q(transferred_from__isnull=True)),
    "tickets_called": Count("id", filter=Q(called_at__isnull=False)),
    "tickets_served": Count("id", filter=Q(state=Ticket.State.DONE)),
    "no_show": Count("id", filter=Q(state=Ticket.State.NO_SHOW)),
    # Averages as sum and count, so that groups add up (core.selectors.rollup).
    "wait_total": Sum("wait_seconds", filter=Q(called_at__isnull=False)),
    "wait_count": Count("wait_seconds", filter=Q(called_at__isnull=False)),
    "handling_total": Sum("handling_seconds", filter=Q(state=Ticket.State.DONE)),
    "handling_count": Count("handling_seconds", filter=Q(state=Ticket.State.DONE)),
    "served_within_10min": Count(
        "id", filter=Q(state=Ticket.State.DONE, handling_seconds__lte=600)
    ),
}


def _mean(total: int | None, count: int) -> float | None:
    return round(total / count, 1) if count and total is not None else None


def _finish_figures(row: dict[str, Any]) -> dict[str, Any]:
    served = row["tickets_served"]
    out = {key: row[key] for key in FIGURE_KEYS[:4]}
    out["avg_wait_seconds"] = _mean(row["wait_total"], row["wait_count"])
    out["avg_handling_seconds"] = _mean(row["handling_total"], row["handling_count"])
    out["served_within_10min"] = row["served_within_10min"]
    out["share_within_10min"] = row["served_within_10min"] / served if served else None
    return out


def period_tickets(center_id: int, start: dt.date, end: dt.date) -> QuerySet[Ticket]:
    """Tickets of a period: issued on a local day from `start` to `end` inclusive."""
    return Ticket.objects.filter(center_id=center_id, issue_date__gte=start, issue_date__lte=end)


def center_figures(*, center_id: int, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The queue figures of the whole centre for tickets issued from `start` to `end`.

    Keys: tickets_issued, tickets_called, tickets_served, no_show, avg_wait_seconds (mean of
    called − issued over called tickets), avg_handling_seconds (mean of finished − called over
    served tickets), served_within_10min, share_within_10min (0..1). Averages and the share are
    None when nothing was called / served.
    """
    return period_figures(center_id=center_id, start=start, end=end)


def period_figures(
    *, center_id: int, start: dt.date, end: dt.date, department_id: int | None = None
) -> dict[str, Any]:
    """`center_figures`, optionally limited to the tickets one department called."""
    qs = period_tickets(center_id, start, end)
    if department_id is not None:
        qs = qs.filter(department_id=department_id)
    return _finish_figures(qs.aggregate(**_AGGREGATES))


Dimension = Literal["category", "department", "window", "staff", "day", "hour"]
_DIMENSION_FIELDS: dict[str, str] = {
    "category": "category_id",
    "department": "department_id",
    "window": "window_id",
    "staff": "staff_id",
    "day": "issue_date",
    "hour": "hour",
}


def figures_by(
    *,
    center_id: int,
    start: dt.date,
    end: dt.date,
    dimension: Dimension,
    department_id: int | None = None,
) -> dict[Any, dict[str, Any]]:
    """The same figures grouped by category / department / window / staff / day / hour.

    One aggregate query. Department, window and staff are those of the call, so tickets never
    called are not in those groups. `department_id` limits the rows to one department.
    """
    field = _DIMENSION_FIELDS[dimension]
    qs = period_tickets(center_id, start, end)
    if department_id is not None:
        qs = qs.filter(department_id=department_id)
    if dimension == "hour":
        qs = qs.annotate(hour=ExtractHour("issued_at"))
    elif dimension in ("department", "window", "staff"):
        qs = qs.filter(**{f"{field}__isnull": False})
    rows = qs.values(field).annotate(**_AGGREGATES).order_by(field)
    return {row[field]: _finish_figures(row) for row in rows}


def figure_rollup(*, center_id: int, start: dt.date, end: dt.date) -> Rollup:
    """The centre's figures, each department's and each staff member's (by StaffProfile id), in
    one pass over the period's tickets. Department and staff are those of the call."""
    sums = rollup(
        period_tickets(center_id, start, end),
        _AGGREGATES,
        {"department": "department_id", "staff": "staff_id"},
    )
    return Rollup(
        total=_finish_figures(sums.total),
        by={
            key: {value: _finish_figures(row) for value, row in groups.items() if value is not None}
            for key, groups in sums.by.items()
        },
    )


def department_figures(*, center_id: int, start: dt.date, end: dt.date) -> dict[int, dict]:
    """Figures keyed by department id (the department of the staff who called the ticket)."""
    return figure_rollup(center_id=center_id, start=start, end=end).by["department"]


def staff_figures(*, center_id: int, start: dt.date, end: dt.date) -> dict[int, dict]:
    """Figures keyed by StaffProfile id (the staff who called the ticket)."""
    return figure_rollup(center_id=center_id, start=start, end=end).by["staff"]


def tickets_by_outcome(
    *, center_id: int, start: dt.date, end: dt.date, department_id: int | None = None
) -> dict[str, int]:
    """Tickets of the period per state (every state present, zero when none)."""
    qs = period_tickets(center_id, start, end)
    if department_id is not None:
        qs = qs.filter(department_id=department_id)
    counts = dict(qs.values("state").annotate(n=Count("id")).values_list("state", "n"))
    return {state: counts.get(state, 0) for state in Ticket.State.values}


def ceil_minutes(seconds: int | float | None) -> int | None:
    return None if seconds is None else math.ceil(seconds / 60)
