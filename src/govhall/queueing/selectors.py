"""Reads of the queue: settings, the waiting line, predicted waits, the board, the monitor, figures.

Every number the hall shows (kiosk, board, monitor, API, the monthly figures) comes from one
function here.
"""

import datetime as dt
import math
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Count, F, Min, Q, QuerySet, Sum
from django.db.models.functions import ExtractHour
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core.selectors import Rollup, rollup
from govhall.org.models import Window
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


def local_day(at: dt.datetime) -> dt.date:
    return timezone.localtime(at).date()


def queue_settings(center_id: int) -> QueueSettings:
    """The centre's queue settings, created with the defaults on first use."""
    settings, _created = QueueSettings.objects.get_or_create(center_id=center_id)
    return settings


def is_open(settings: QueueSettings, at: dt.datetime) -> bool:
    """Whether `at` falls in one of the centre's opening sessions on a working day."""
    from govhall.core.workdays import is_workday

    local = timezone.localtime(at)
    if not is_workday(local.date()):
        return False
    return any(start <= local.time() < end for start, end in settings.sessions())


def active_categories(center_id: int) -> QuerySet[QueueCategory]:
    return QueueCategory.objects.filter(center_id=center_id, is_active=True)


# --- the waiting line --------------------------------------------------------------------


def previous_workday(day: dt.date) -> dt.date:
    """The last working day strictly before `day`."""
    from govhall.core.workdays import load_calendar

    calendar = load_calendar()
    day -= dt.timedelta(days=1)
    while not calendar.is_workday(day):
        day -= dt.timedelta(days=1)
    return day


def waiting_tickets(
    center_id: int, *, at: dt.datetime | None = None, settings: QueueSettings | None = None
) -> QuerySet[Ticket]:
    """Tickets in the line at `at`: today's, plus the previous working day's when the centre
    carries them over (they stay valid one more day, and no longer). A ticket issued after `at`
    (by a kiosk racing a window's call) is not in it yet."""
    at = at or now()
    today = local_day(at)
    settings = settings or queue_settings(center_id)
    qs = Ticket.objects.filter(
        center_id=center_id, state=Ticket.State.WAITING, issue_date__lte=today, issued_at__lte=at
    )
    if settings.closing_policy == QueueSettings.ClosingPolicy.CARRY_OVER:
        return qs.filter(issue_date__gte=previous_workday(today))
    return qs.filter(issue_date=today)


def window_categories(window: Window) -> QuerySet[QueueCategory]:
    """The active categories `window` serves (a subquery: no round trip of its own)."""
    return QueueCategory.objects.filter(windows=window, is_active=True).values("id")


def callable_tickets(
    window: Window, *, at: dt.datetime | None = None, settings: QueueSettings | None = None
) -> QuerySet[Ticket]:
    """The waiting tickets `window` may call, in calling order.

    A ticket transferred to a named window waits for that window only.
    """
    qs = waiting_tickets(window.center_id, at=at, settings=settings).filter(
        Q(category_id__in=window_categories(window), target_window__isnull=True)
        | Q(target_window=window)
    )
    return qs.order_by(*CALL_ORDER)


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


def people_ahead(
    ticket: Ticket, *, at: dt.datetime | None = None, settings: QueueSettings | None = None
) -> int:
    """Waiting tickets of the same line (category, or the named window) called before `ticket`."""
    if ticket.state != Ticket.State.WAITING:
        return 0
    qs = waiting_tickets(ticket.center_id, at=at, settings=settings)
    if ticket.target_window_id:
        qs = qs.filter(target_window_id=ticket.target_window_id)
    else:
        qs = qs.filter(category_id=ticket.category_id, target_window__isnull=True)
    return qs.filter(ahead_of(ticket)).count()


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


def recent_handling_seconds(category_id: int, *, limit: int) -> list[int]:
    """Handling times of the category's last `limit` served tickets, newest first."""
    return list(
        Ticket.objects.filter(
            category_id=category_id, state=Ticket.State.DONE, handling_seconds__isnull=False
        )
        .order_by("-finished_at")
        .values_list("handling_seconds", flat=True)[:limit]
    )


def open_window_ids(center_id: int) -> set[int]:
    """Windows with a staff member logged in at the terminal and not paused."""
    staffed = set(
        WindowSession.objects.filter(center_id=center_id, closed_at__isnull=True).values_list(
            "window_id", flat=True
        )
    )
    paused = set(
        WindowPause.objects.filter(center_id=center_id, ended_at__isnull=True).values_list(
            "window_id", flat=True
        )
    )
    return staffed - paused


def category_window_ids(center_id: int) -> dict[int, set[int]]:
    through = QueueCategory.windows.through
    mapping: dict[int, set[int]] = defaultdict(set)
    for cat_id, win_id in through.objects.filter(queuecategory__center_id=center_id).values_list(
        "queuecategory_id", "window_id"
    ):
        mapping[cat_id].add(win_id)
    return mapping


def open_windows_serving(category_id: int) -> int:
    """Windows serving the category that are staffed at the terminal and not paused now."""
    return (
        Window.objects.filter(queue_categories=category_id, sessions__closed_at__isnull=True)
        .exclude(pk__in=WindowPause.objects.filter(ended_at__isnull=True).values("window_id"))
        .count()
    )


@dataclass(frozen=True)
class Progress:
    """Where a ticket stands: the tickets called before it and its predicted wait in seconds
    (None once it has been called)."""

    people_ahead: int
    predicted_wait_seconds: int | None


def ticket_progress(
    ticket: Ticket, *, at: dt.datetime | None = None, settings: QueueSettings | None = None
) -> Progress:
    """The ticket's place in its line and predicted wait, as kiosk, status page and API show."""
    if ticket.state != Ticket.State.WAITING:
        return Progress(people_ahead=0, predicted_wait_seconds=None)
    settings = settings or queue_settings(ticket.center_id)
    ahead = people_ahead(ticket, at=at, settings=settings)
    windows = 1 if ticket.target_window_id else open_windows_serving(ticket.category_id)
    wait = predict_wait(
        people_ahead=ahead,
        handling_seconds=recent_handling_seconds(
            ticket.category_id, limit=settings.prediction_sample
        ),
        windows_open=windows,
        default_handling_seconds=settings.default_handling_seconds,
    )
    return Progress(people_ahead=ahead, predicted_wait_seconds=wait)


def category_overview(center_id: int, *, at: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Per active category: waiting, longest current wait, open windows, predicted wait."""
    at = at or now()
    settings = queue_settings(center_id)
    waiting = {
        row["category_id"]: row
        for row in waiting_tickets(center_id, at=at)
        .filter(target_window__isnull=True)
        .values("category_id")
        .annotate(n=Count("id"), oldest=Min("issued_at"))
    }
    open_ids = open_window_ids(center_id)
    windows_of = category_window_ids(center_id)
    rows = []
    for cat in active_categories(center_id):
        row = waiting.get(cat.id, {"n": 0, "oldest": None})
        windows_open = len(windows_of[cat.id] & open_ids)
        rows.append(
            {
                "id": cat.id,
                "prefix": cat.prefix,
                "name": cat.name,
                "description": cat.description,
                "floor": cat.floor,
                "waiting": row["n"],
                "longest_wait_seconds": (
                    int((at - row["oldest"]).total_seconds()) if row["oldest"] else 0
                ),
                "windows_open": windows_open,
                "predicted_wait_seconds": predict_wait(
                    people_ahead=row["n"],
                    handling_seconds=recent_handling_seconds(
                        cat.id, limit=settings.prediction_sample
                    ),
                    windows_open=windows_open,
                    default_handling_seconds=settings.default_handling_seconds,
                ),
                "alert": row["n"] > 0
                and row["oldest"] is not None
                and (at - row["oldest"]).total_seconds() > settings.wait_alert_minutes * 60,
            }
        )
    return rows


def wait_alerts(*, center_id: int) -> list[dict[str, Any]]:
    """Categories whose longest current wait passes the centre's threshold (for supervision)."""
    threshold = queue_settings(center_id).wait_alert_minutes * 60
    return [
        {
            "category_id": row["id"],
            "prefix": row["prefix"],
            "name": row["name"],
            "waiting": row["waiting"],
            "longest_wait_seconds": row["longest_wait_seconds"],
            "threshold_seconds": threshold,
        }
        for row in category_overview(center_id)
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


def current_ticket(window: Window) -> Ticket | None:
    """The ticket a window is dealing with (called or being served)."""
    return (
        Ticket.objects.select_related("category")
        .filter(window=window, state__in=[Ticket.State.CALLED, Ticket.State.SERVING])
        .order_by("-called_at")
        .first()
    )


def open_session(window: Window) -> WindowSession | None:
    return WindowSession.objects.filter(window=window, closed_at__isnull=True).first()


def open_pause(window: Window) -> WindowPause | None:
    return WindowPause.objects.filter(window=window, ended_at__isnull=True).first()


def announcement(number: str, window_number: str) -> str:
    return _("请%(number)s号到%(window)s号窗口办理") % {"number": number, "window": window_number}


def board_calls(
    center_id: int, *, floor: str = "", limit: int = 8, at: dt.datetime | None = None
) -> list[dict[str, Any]]:
    """Today's last calls and recalls (newest first); `id` orders announcements."""
    at = at or now()
    start = timezone.make_aware(dt.datetime.combine(local_day(at), dt.time.min))
    qs = TicketEvent.objects.filter(
        center_id=center_id,
        kind__in=[TicketEvent.Kind.CALLED, TicketEvent.Kind.RECALLED],
        at__gte=start,
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
    settings = queue_settings(center_id)
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
    categories = category_overview(center_id, at=at)
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


def appointment_slots(category: QueueCategory, day: dt.date) -> list[dict[str, Any]]:
    """Slots of `day` for `category` with their remaining places."""
    settings = queue_settings(category.center_id)
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
        begins = timezone.make_aware(dt.datetime.combine(day, start))
        left = max(category.appointment_capacity - taken.get(start, 0), 0)
        rows.append(
            {
                "start": start,
                "end": end,
                "capacity": category.appointment_capacity,
                "available": left if begins > at else 0,
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
