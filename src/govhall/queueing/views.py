"""Pages of the hall: kiosk and phone, ticket status, display board, window terminal, monitor,
figures and appointments. HTTP only: parse, call a service or selector, render. The services
check who may act; the terminal's pages ask the window's rule (`services.authorize_window`) to
be shown, and the monitor and figures their read permissions.
"""

import datetime as dt
from typing import Any

import pygal
import segno
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govhall.core import charts
from govhall.core.errors import DomainError
from govhall.core.models import Center
from govhall.core.ratelimits import throttle_ticket_issuing
from govhall.core.routing import route
from govhall.org.models import StaffProfile, Window
from govhall.org.scoping import NO_CENTER, scope_for
from govhall.org.selectors import active_profile
from govhall.queueing import selectors, services
from govhall.queueing.errors import QueueError
from govhall.queueing.forms import (
    AppointmentForm,
    AppointmentLookupForm,
    CheckInForm,
    IssueTicketForm,
    PauseForm,
    PeriodForm,
    TransferForm,
)
from govhall.queueing.models import Ticket


def public_center(request: HttpRequest) -> Center:
    """The hall a public page shows: ``?center=<region code>``, the user's, or the first one."""
    code = request.GET.get("center", "").strip()
    if code:
        center = selectors.public_hall(code)
    elif request.user.is_authenticated and request.user.center_id:
        center = request.user.center
    else:
        center = selectors.public_hall()
    if center is None:
        raise QueueError.CENTER_NOT_FOUND(_("没有找到该政务服务中心。"))
    return center


def _center_query(center: Center) -> str:
    return f"?center={center.region_code}"


# --- kiosk and phone ------------------------------------------------------------------------

KIOSK_RETURN_SECONDS = 20  # the ticket screen goes back to the start screen after this
KIOSK_IDLE_SECONDS = 60  # a half-filled start screen is cleared after this
KIOSK_PAPER_MM = (80, 58)  # the ticket printers' paper widths; the first is the default


def _take(request: HttpRequest, *, center: Center, channel: str) -> tuple[Ticket | None, dict]:
    """Issue a ticket (or check an appointment in) from the POSTed form; the page's context."""
    query = request.GET.get("q", "").strip()
    error, status, ticket = None, 400, None
    form = IssueTicketForm(center_id=center.pk)
    checkin = CheckInForm(prefix="checkin")
    if request.method == "POST":
        try:
            if "checkin-code" in request.POST:
                checkin = CheckInForm(request.POST, prefix="checkin")
                if checkin.is_valid():
                    ticket = services.check_in_appointment(
                        code=checkin.cleaned_data["code"],
                        id_number=checkin.cleaned_data["id_number"],
                        actor=request.user,
                    )
            else:
                form = IssueTicketForm(request.POST, center_id=center.pk)
                if form.is_valid():
                    throttle_ticket_issuing(request, category_id=form.cleaned_data["category"].pk)
                    ticket = services.issue_ticket(
                        category=form.cleaned_data["category"],
                        channel=channel,
                        phone=form.cleaned_data["phone"],
                        id_number=form.cleaned_data["id_number"],
                        priority_reason=form.cleaned_data["priority_reason"] or "",
                        actor=request.user,
                    )
        except DomainError as exc:
            error, status = exc.message, exc.status
    categories = selectors.category_overview(center.pk)
    if query:
        categories = selectors.kiosk_search(categories, center_id=center.pk, q=query)
    return ticket, {
        "hall": center,
        "categories": categories,
        "query": query,
        "form": form,
        "checkin": checkin,
        "error": error,
        "error_status": status,
        "priorities": [c for c in Ticket.Priority.choices if c[0]],
        "center_query": _center_query(center),
    }


def _bounded(value: str, default: int, low: int, high: int) -> int:
    return min(max(int(value), low), high) if value.isdigit() else default


@route("queue/")
def kiosk(request: HttpRequest) -> HttpResponse:
    """The hall's self-service terminal (自助取号机), full screen, for the next person each time.

    ``?center=<region code>&paper=58|80&back=<seconds>`` configure one machine: its start URL.
    A ticket is shown (and printed) on the POST's answer, never at an address the next person
    could go back to, and the screen returns to the start after ``back`` seconds.
    """
    center = public_center(request)
    ticket, context = _take(request, center=center, channel=Ticket.Channel.KIOSK)
    paper = _bounded(request.GET.get("paper", ""), KIOSK_PAPER_MM[0], 58, 80)
    setup = {
        "center": center.region_code,
        "paper": paper if paper in KIOSK_PAPER_MM else KIOSK_PAPER_MM[0],
        "back": _bounded(request.GET.get("back", ""), KIOSK_RETURN_SECONDS, 5, 300),
    }
    context.update(
        paper=setup["paper"],
        back_seconds=setup["back"],
        idle_seconds=KIOSK_IDLE_SECONDS,
        keep_params=setup.items(),
        start_url=reverse("queueing:kiosk") + "?" + urlencode(setup),
    )
    if ticket is not None:
        return render(
            request, "queueing/kiosk_ticket.html", {**context, **_status_context(request, ticket)}
        )
    return render(request, "queueing/kiosk.html", context, status=_page_status(context))


def _page_status(context: dict) -> int:
    """200, or the refusal's own status (429 for a limit), or 400 for a form's errors."""
    if context["error"]:
        return context["error_status"]
    return 400 if context["form"].errors or context["checkin"].errors else 200


@route("queue/take/")
def phone(request: HttpRequest) -> HttpResponse:
    """Take a ticket on one's own phone: the ticket page then stays with that person."""
    center = public_center(request)
    ticket, context = _take(request, center=center, channel=Ticket.Channel.PHONE)
    if ticket is not None:
        return redirect("queueing:ticket_status", token=ticket.token)
    context["keep_params"] = [("center", center.region_code)]
    return render(request, "queueing/phone.html", context, status=_page_status(context))


def _status_context(request: HttpRequest, ticket: Ticket) -> dict[str, Any]:
    """A ticket's page: where its holder is in line now (after transfers, the last row)."""
    url = request.build_absolute_uri(reverse("queueing:ticket_status", args=[ticket.token]))
    chain = selectors.ticket_chain(ticket)
    current = chain[-1]
    progress = selectors.ticket_progress(current)
    return {
        "ticket": ticket,
        "current": current,
        "transferred": len(chain) > 1,
        "ahead": progress.people_ahead,
        "predicted_wait": progress.predicted_wait_seconds,
        "qr": segno.make(url, error="m").svg_inline(scale=4),
        "status_url": url,
        "timeline": selectors.chain_timeline(chain),
    }


@route("queue/t/<uuid:token>/")
def ticket_status(request: HttpRequest, token: str) -> HttpResponse:
    ticket = selectors.ticket_by_token(token)
    if ticket is None:
        raise QueueError.TICKET_NOT_FOUND(_("排队票不存在。"))
    template = "queueing/ticket_status.html"
    if request.htmx:
        template += "#status"
    return render(request, template, _status_context(request, ticket))


@route("queue/t/<uuid:token>/cancel/")
@require_POST
def ticket_cancel(request: HttpRequest, token: str) -> HttpResponse:
    ticket = selectors.ticket_by_token(token)
    if ticket is None:
        raise QueueError.TICKET_NOT_FOUND(_("排队票不存在。"))
    services.cancel_ticket(ticket=selectors.ticket_chain(ticket)[-1], actor=request.user)
    return redirect("queueing:ticket_status", token=ticket.token)


# --- display board ----------------------------------------------------------------------------


@route("queue/board/")
def board(request: HttpRequest) -> HttpResponse:
    center = public_center(request)
    floor = request.GET.get("floor", "").strip()
    feed = selectors.board_feed(center.pk, floor=floor)
    return render(
        request,
        "queueing/board.html",
        {
            "hall": center,
            "floor": floor,
            "floors": selectors.board_floors(center.pk),
            "feed": feed,
            "feed_url": reverse("queueing:board_feed")
            + _center_query(center)
            + (f"&floor={floor}" if floor else ""),
        },
    )


@route("queue/board/feed/")
def board_feed(request: HttpRequest) -> HttpResponse:
    center = public_center(request)
    feed = selectors.board_feed(center.pk, floor=request.GET.get("floor", "").strip())
    return render(
        request,
        "queueing/board.html#feed",
        {"feed": feed, "feed_url": request.get_full_path()},
    )


# --- window terminal ------------------------------------------------------------------------


def _staff(request: HttpRequest) -> StaffProfile:
    center_id = scope_for(request.user).require_center()
    services.authorize_window(actor=request.user, center_id=center_id)
    profile = active_profile(request.user)
    if profile is None:
        raise QueueError.NO_STAFF_PROFILE(_("您没有在岗的工作人员档案。"))
    return profile


def _staff_window(request: HttpRequest, window_id: int) -> tuple[StaffProfile, Window]:
    staff = _staff(request)
    window = staff.windows.filter(pk=window_id).first()
    if window is None:
        raise QueueError.NOT_ASSIGNED(_("您未被分配到该窗口。"))
    return staff, window


def _terminal_context(window: Window, staff: StaffProfile, **extra: Any) -> dict[str, Any]:
    pause = selectors.open_pause(window)
    return {
        "window": window,
        "staff": staff,
        "session": selectors.open_session(window),
        "current": selectors.current_ticket(window),
        "waiting": selectors.waiting_for_window(window),
        "next_up": list(selectors.callable_tickets(window)[:5]),
        "pause": pause,
        "settings": selectors.queue_settings(center_id=window.center_id),
        "pause_form": PauseForm(),
        "transfer_form": TransferForm(center_id=window.center_id),
        "issue_categories": selectors.active_categories(window.center_id),
        "priorities": [c for c in Ticket.Priority.choices if c[0]],
        "categories": selectors.category_overview(window.center_id),
        **extra,
    }


@route("queue/terminal/")
@login_required
def terminal(request: HttpRequest) -> HttpResponse:
    staff = _staff(request)
    windows = list(staff.windows.all())
    if len(windows) == 1:
        return redirect("queueing:terminal_window", window_id=windows[0].pk)
    return render(request, "queueing/terminal_choose.html", {"windows": windows})


@route("queue/terminal/<int:window_id>/")
@login_required
def terminal_window(request: HttpRequest, window_id: int) -> HttpResponse:
    staff, window = _staff_window(request, window_id)
    return render(request, "queueing/terminal.html", _terminal_context(window, staff))


@route("queue/terminal/<int:window_id>/panel/")
@login_required
def terminal_panel(request: HttpRequest, window_id: int) -> HttpResponse:
    staff, window = _staff_window(request, window_id)
    return render(request, "queueing/terminal.html#panel", _terminal_context(window, staff))


TERMINAL_ACTIONS = {
    "open",
    "call",
    "recall",
    "start",
    "finish",
    "no_show",
    "transfer",
    "pause",
    "resume",
    "issue",
}


def _run_terminal_action(
    request: HttpRequest, action: str, window: Window, staff: StaffProfile
) -> str:
    """Run one terminal action; returns the message to show."""
    common = {"window": window, "staff": staff, "actor": request.user}
    if action == "open":
        services.open_window_session(**common)
        return _("已上岗,开始服务。")
    if action == "call":
        ticket = services.call_next(**common)
        if ticket is None:
            return _("当前没有等候的群众。")
        return _("已呼叫 %(number)s。") % {"number": ticket.number}
    if action == "pause":
        form = PauseForm(request.POST)
        if not form.is_valid():
            return _("请选择暂停原因。")
        services.pause_window(
            reason=form.cleaned_data["reason"], note=form.cleaned_data["note"], **common
        )
        return _("窗口已暂停。")
    if action == "issue":
        form = IssueTicketForm(request.POST, center_id=window.center_id)
        if not form.is_valid():
            return " ".join(m for errs in form.errors.values() for m in errs)
        ticket = services.issue_ticket(
            category=form.cleaned_data["category"],
            channel=Ticket.Channel.STAFF,
            phone=form.cleaned_data["phone"],
            priority_reason=form.cleaned_data["priority_reason"] or "",
            actor=request.user,
        )
        return _("已代取号 %(number)s。") % {"number": ticket.number}
    if action == "resume":
        services.resume_window(**common)
        return _("窗口已恢复服务。")
    current = selectors.current_ticket(window)
    if current is None:
        return _("当前没有正在办理的票。")
    if action == "transfer":
        form = TransferForm(request.POST, center_id=window.center_id)
        if not form.is_valid():
            return " ".join(m for errs in form.errors.values() for m in errs)
        successor = services.transfer_ticket(
            ticket=current,
            to_category=form.cleaned_data["to_category"],
            to_window=form.cleaned_data["to_window"],
            note=form.cleaned_data["note"],
            **common,
        )
        return _("%(number)s 已转出。") % {"number": successor.number}
    action_fn = {
        "recall": services.recall_ticket,
        "start": services.start_ticket,
        "finish": services.finish_ticket,
        "no_show": services.mark_no_show,
    }[action]
    ticket = action_fn(ticket=current, **common)
    return f"{ticket.number}: {ticket.get_state_display()}"


@route("queue/terminal/<int:window_id>/<slug:action>/")
@login_required
@require_POST
def terminal_action(request: HttpRequest, window_id: int, action: str) -> HttpResponse:
    if action not in TERMINAL_ACTIONS:
        raise QueueError.UNKNOWN_ACTION(_("未知操作。"))
    staff, window = _staff_window(request, window_id)
    status = 200
    try:
        message, error = _run_terminal_action(request, action, window, staff), None
    except DomainError as exc:
        message, error, status = None, exc.message, exc.status
    context = _terminal_context(window, staff, message=message, error=error)
    if not request.htmx:
        return redirect("queueing:terminal_window", window_id=window.pk)
    # htmx swaps only 2xx by default; errors still render in the panel.
    response = render(request, "queueing/terminal.html#panel", context)
    response["X-Govhall-Status"] = str(status)
    return response


@route("queue/terminal/<int:window_id>/close/")
@login_required
@require_POST
def terminal_close(request: HttpRequest, window_id: int) -> HttpResponse:
    """Leave the window: close the terminal session; with ``logout`` also log out."""
    staff, window = _staff_window(request, window_id)
    services.close_window_session(window=window, staff=staff, actor=request.user)
    if request.POST.get("logout"):
        logout(request)
        return redirect("login")
    return redirect("home")


# --- hall monitor ---------------------------------------------------------------------------


@route("queue/monitor/")
@login_required
def monitor(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    scope.require("queueing.view_hall_monitor")
    center_id = scope.require_center(request.GET.get("center"))
    template = "queueing/monitor.html" + ("#panel" if request.htmx else "")
    return render(request, template, {"data": selectors.hall_monitor(center_id)})


# --- figures --------------------------------------------------------------------------------


def _hour_chart(rows: dict[int, dict[str, Any]]) -> str:
    if not rows:
        return ""
    # Every hour from the first to the last, an hour without tickets drawn empty, not left out.
    hours = range(min(rows), max(rows) + 1)
    issued = [rows[h]["tickets_issued"] if h in rows else 0 for h in hours]
    waits = [
        round(rows[h]["avg_wait_seconds"] / 60, 1)
        if h in rows and rows[h]["avg_wait_seconds"] is not None
        else None
        for h in hours
    ]
    # Both axes from 0 (a bar whose axis starts at the smallest wait has no height), in round
    # steps, the waits' labels on the tickets' grid lines.
    left, right = charts.axes(max(issued), max(w or 0 for w in waits), whole=(True,))
    chart = pygal.Bar(
        title=_("各时段取号与平均等待"),
        height=300,
        legend_at_bottom=True,
        value_formatter=charts.number,
        y_labels=left,
        range=(0, left[-1]),
        secondary_range=(0, right[-1]),
    )
    chart.x_labels = [f"{h:02d}:00" for h in hours]
    chart.add(_("取号数"), issued)
    chart.add(_("平均等待(分钟)"), waits, secondary=True)
    return charts.render(chart)


@route("queue/figures/")
@login_required
def figures(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    scope.require("queueing.view_queue_figures")
    if scope.center_id is None:
        raise QueueError.NO_CENTER(NO_CENTER)
    form = PeriodForm({**PeriodForm.initial_period(), **request.GET.dict()})
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        dimension = form.cleaned_data["dimension"] or "category"
        department_id = None if scope.whole_center else scope.department_id
        args = {"center_id": scope.center_id, "start": start, "end": end}
        rows = selectors.figures_by(dimension=dimension, department_id=department_id, **args)
        labels = selectors.dimension_labels(dimension, scope.center_id)
        context.update(
            total=selectors.period_figures(department_id=department_id, **args),
            rows=[(labels.get(key, key), row) for key, row in rows.items()],
            outcomes=[
                (Ticket.State(state).label, n)
                for state, n in selectors.tickets_by_outcome(
                    department_id=department_id, **args
                ).items()
            ],
            chart=_hour_chart(
                selectors.figures_by(dimension="hour", department_id=department_id, **args)
            ),
            dimension_label=dict(PeriodForm.DIMENSIONS)[dimension],
        )
    return render(request, "queueing/figures.html", context)


# --- appointments ---------------------------------------------------------------------------


def _appointments_page(
    request: HttpRequest,
    center: Center,
    *,
    form: AppointmentForm | None = None,
    lookup: AppointmentLookupForm | None = None,
    booked: Any = None,
    error: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """The booking page: bookable working days only, a clear word for a day that is not one."""
    categories = selectors.bookable_categories(center.pk)
    category = categories.filter(pk=_int(request.GET.get("category"))).first() or (
        categories.first()
    )
    settings = selectors.queue_settings(center_id=center.pk)
    days = selectors.bookable_days(settings)
    try:
        day = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = days[0] if days else timezone.localdate()
    day_refusal = selectors.appointment_day_refusal(settings, day)
    return render(
        request,
        "queueing/appointments.html",
        {
            "hall": center,
            "categories": categories,
            "category": category,
            "day": day,
            "days": days,
            "day_refusal": day_refusal,
            "slots": selectors.appointment_slots(category, day)
            if category and day_refusal is None
            else [],
            "form": form or AppointmentForm(center_id=center.pk),
            "booked": booked,
            "error": error,
            "lookup": lookup or AppointmentLookupForm(),
            "center_query": _center_query(center),
        },
        status=status,
    )


def _int(value: str | None) -> int:
    """A primary key from the query string, 0 for anything that is not one (no overflow)."""
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 19 else 0


@route("queue/appointments/")
def appointments(request: HttpRequest) -> HttpResponse:
    """Book a slot (public): pick a category and a working day, see the places left, book."""
    center = public_center(request)
    if request.method != "POST":
        return _appointments_page(request, center)
    form = AppointmentForm(request.POST, center_id=center.pk)
    if not form.is_valid():
        return _appointments_page(request, center, form=form, status=400)
    try:
        booked = services.book_appointment(**form.cleaned_data)
    except DomainError as exc:
        return _appointments_page(request, center, form=form, error=exc.message, status=400)
    return _appointments_page(request, center, booked=booked)


@route("queue/appointments/cancel/")
@require_POST
def appointment_cancel(request: HttpRequest) -> HttpResponse:
    """Cancel with code + phone + ID number; a mistake is shown under the field it concerns."""
    center = public_center(request)
    lookup = AppointmentLookupForm(request.POST)
    if not lookup.is_valid():
        return _appointments_page(request, center, lookup=lookup, status=400)
    try:
        appointment = services.cancel_appointment(**lookup.cleaned_data)
    except DomainError as exc:
        lookup.add_error(None, exc.message)
        return _appointments_page(request, center, lookup=lookup, status=exc.status)
    return render(request, "queueing/appointment_cancelled.html", {"appointment": appointment})
