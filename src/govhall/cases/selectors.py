"""Every non-trivial read on cases: settings, lists, lights, the timeline and the figures.

Figures follow DOMAIN.md "Figures" (dates inclusive, local Asia/Shanghai days):
- accepted (办件量, 受理): cases accepted in the period;
- completed (办结): of those cases, the ones completed by the period's end, so that
  completion_rate (办结率) = completed ÷ accepted is a share of the population printed beside it
  (seed 001: 4733 ÷ 4828 = 98%) and completed ≤ accepted;
- accepted_online (网上办件): of the cases accepted, those not accepted at a window (online,
  mobile, mail); online_share = accepted_online ÷ accepted;
- completed_in_period (本期办结): every case completed in the period, whenever it was accepted
  (the throughput: on_time_rate and avg_workdays are over these);
- overdue (超期件): cases completed in the period after their due date, plus cases accepted by
  the period's end, still open at its end and due before its last day, or before today while
  the period runs (`core.selectors.late_if_due_before`: a case due next week is not overdue
  yet);
- on_time_rate: cases completed in the period by their due date ÷ completed_in_period;
- avg_workdays: mean working days the clock ran, over the cases completed in the period;
- consultations (咨询): tickets issued in the period and served that opened no case.
The running total (至目前, `since_launch`) is the same cohort over every case accepted up to a
day, from the first the centre recorded.
Rates are fractions in [0, 1], or None when the denominator is 0.
"""

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import (
    Case as When_,
)
from django.db.models import (
    CharField,
    Count,
    Exists,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from govhall.cases.models import Case, CaseEvent, CaseSettings, ClockStop
from govhall.catalog.models import ServiceItem
from govhall.core import settings_rows, spreadsheets
from govhall.core.dates import day_span, end_of_day, local_moment, month_span
from govhall.core.selectors import (
    Rollup,
    filtered,
    joined,
    late_if_due_before,
    regrouped,
    rollup,
)
from govhall.core.validators import mask_id_number, mask_phone, normalize_phone
from govhall.core.workdays import ONE_DAY, Calendar, load_calendar
from govhall.org.models import Department, Window
from govhall.org.scoping import Scope
from govhall.org.selectors import profile_ids_of_users
from govhall.queueing.models import Ticket

LIGHTS = ("red", "yellow", "green", "paused")
FIGURE_KEYS = (
    "accepted",
    "completed",
    "completion_rate",
    "accepted_online",
    "online_share",
    "completed_in_period",
    "overdue",
    "on_time_rate",
    "avg_workdays",
    "consultations",
)
# A case's staff member is the one who accepted it: grouped by the user's id, a plain column,
# and mapped to StaffProfile ids afterwards (`_by_staff_profile`), without joining every case.
GROUPS = {
    "department": "department_id",
    "item": "item_id",
    "window": "window_id",
    "staff": "accepted_by_id",
}
# The same groupings for queue tickets (consultations): the department, window and staff of the
# call, the item chosen at the kiosk.
TICKET_GROUPS = {
    "department": "department_id",
    "item": "item_id",
    "window": "window_id",
    "staff": "staff_id",
}


def case_settings(*, center_id: int) -> CaseSettings:
    """The centre's case settings (the defaults, unsaved, if it has no row)."""
    return settings_rows.read(CaseSettings, center_id)


# --- lists and lights ------------------------------------------------------------------------


def light_expression(today: dt.date) -> When_:
    """SQL for a running case's light on `today` (red / yellow / green / paused)."""
    return When_(
        When(due_date__isnull=True, then=Value("paused")),
        When(due_date__lt=today, then=Value("red")),
        When(yellow_from__lte=today, then=Value("yellow")),
        default=Value("green"),
        output_field=CharField(),
    )


def light_of(case: Case, today: dt.date | None = None) -> str:
    """The light of one case ("" when it is not running)."""
    today = today or timezone.localdate()
    if not case.is_running:
        return ""
    if case.due_date is None:
        return "paused"
    if case.due_date < today:
        return "red"
    if case.yellow_from is not None and case.yellow_from <= today:
        return "yellow"
    return "green"


def case_list(
    qs: QuerySet[Case],
    *,
    department_id: int | None = None,
    item_id: int | None = None,
    state: str | None = None,
    light: str | None = None,
    number: str | None = None,
    accepted_from: dt.date | None = None,
    accepted_to: dt.date | None = None,
    today: dt.date | None = None,
) -> QuerySet[Case]:
    """Filter an already scoped queryset of cases; rows carry `light` ('' when not running)."""
    today = today or timezone.localdate()
    qs = qs.select_related("item", "department", "window", "accepted_by").annotate(
        light=When_(
            When(state__in=Case.RUNNING_STATES, then=light_expression(today)),
            default=Value(""),
            output_field=CharField(),
        )
    )
    qs = filtered(
        qs,
        department_id=department_id,
        item_id=item_id,
        state=state,
        light=light,
        number__startswith=(number or "").strip(),
    )
    if accepted_from:
        qs = qs.filter(accepted_at__gte=local_moment(accepted_from))
    if accepted_to:
        qs = qs.filter(accepted_at__lt=end_of_day(accepted_to))
    return qs


def running_cases(qs: QuerySet[Case], **filters: Any) -> QuerySet[Case]:
    """The supervised cases (accepted, in review, correction, suspended), most urgent first."""
    return case_list(qs.filter(state__in=Case.RUNNING_STATES), **filters).order_by(
        "due_date", "accepted_at"
    )


def light_counts_by_department(qs: QuerySet[Case], today: dt.date | None = None) -> list[dict]:
    """Per department: running cases and how many are red, yellow, green, paused."""
    today = today or timezone.localdate()
    rows = (
        qs.filter(state__in=Case.RUNNING_STATES)
        .annotate(light=light_expression(today))
        .values("department_id", "department__name")
        .annotate(
            running=Count("id"),
            red=Count("id", filter=Q(light="red")),
            yellow=Count("id", filter=Q(light="yellow")),
            green=Count("id", filter=Q(light="green")),
            paused=Count("id", filter=Q(light="paused")),
        )
        .order_by("-red", "-yellow", "department__name")
    )
    return list(rows)


def overdue_cases(*, center_id: int, on: dt.date) -> QuerySet[Case]:
    """Cases open at the close of `on` (accepted by then, not completed or closed) past due."""
    end = end_of_day(on)
    return (
        _open_at(Case.objects.filter(center_id=center_id), end)
        .filter(due_date__lt=on)
        .select_related("item", "department")
        .order_by("due_date", "number")
    )


def timeline(case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor").order_by("at", "id")


def lookup_case(*, number: str, phone_last4: str) -> Case | None:
    """The case a citizen asks about: its number and the last 4 digits of its phone must match."""
    number = (number or "").strip()
    last4 = normalize_phone(phone_last4)
    if not number or len(last4) != 4 or not last4.isdigit():
        return None
    case = Case.objects.select_related("item", "department").filter(number=number).first()
    if case is None or not case.phone.endswith(last4):
        return None
    return case


def public_steps(case: Case) -> list[dict[str, Any]]:
    """The steps a citizen may see: event names and times (no actors); for an extension the
    reason and the new due date (行政许可法 art. 42), for a special procedure what it is and
    the time it takes, which does not count (art. 45): the applicant is told both."""
    procedures = {
        stop.started_at: stop
        for stop in case.clock_stops.filter(kind__in=ClockStop.PROCEDURES, told_days__isnull=False)
    }
    steps = []
    for e in timeline(case):
        note = ""
        if e.type == CaseEvent.Type.EXTENDED:
            note = _("延长%(days)s个工作日至%(due)s:%(reason)s") % {
                "days": e.details.get("days"),
                "due": e.details.get("due_date") or "",
                "reason": e.details.get("reason", ""),
            }
        elif e.type == CaseEvent.Type.SUSPENDED and e.at in procedures:
            stop = procedures[e.at]
            note = _("%(procedure)s,所需时间%(days)s个工作日(至%(until)s),不计入办理时限") % {
                "procedure": stop.get_kind_display(),
                "days": stop.told_days,
                "until": stop.told_until.isoformat() if stop.told_until else "",
            }
        steps.append({"type": e.type, "label": e.get_type_display(), "at": e.at, "note": note})
    return steps


# --- figures ---------------------------------------------------------------------------------


def _open_at(qs: QuerySet[Case], moment: dt.datetime) -> QuerySet[Case]:
    return qs.filter(accepted_at__lt=moment).filter(
        Q(completed_at__isnull=True) | Q(completed_at__gte=moment),
        Q(closed_at__isnull=True) | Q(closed_at__gte=moment),
    )


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _cohort(accepted: Q, hi: dt.datetime) -> dict[str, Count]:
    """办件量 and 办结 (DOMAIN.md "Figures"): the cases `accepted` matches and, of them, those
    completed before `hi` (the close of the period's last day)."""
    return {
        "accepted": Count("id", filter=accepted),
        "accepted_completed": Count("id", filter=accepted & Q(completed_at__lt=hi)),
    }


def _completion(row: dict[str, Any]) -> dict[str, Any]:
    """accepted, completed and completion_rate (办结率) from a `_cohort`'s counts."""
    accepted, completed = row.get("accepted") or 0, row.get("accepted_completed") or 0
    return {
        "accepted": accepted,
        "completed": completed,
        "completion_rate": _ratio(completed, accepted),
    }


def _figures(center_id: int, start: dt.date, end: dt.date, keys: Sequence[str]) -> Rollup:
    """The case figures of the period for the whole centre and per each of `keys` (names in
    GROUPS), from one pass over the cases handled, one over the open overdue cases and one over
    the consultations."""
    lo, hi = day_span(start, end)
    base = Case.objects.filter(center_id=center_id)
    accepted = Q(accepted_at__gte=lo, accepted_at__lt=hi)
    completed = Q(completed_at__gte=lo, completed_at__lt=hi)
    case_keys = {key: GROUPS[key] for key in keys}
    handled = rollup(
        base.filter(accepted | completed),
        {
            **_cohort(accepted, hi),
            "accepted_online": Count("id", filter=accepted & ~Q(channel=Case.Channel.WINDOW)),
            "completed": Count("id", filter=completed),
            "late": Count("id", filter=completed & Q(completed_late=True)),
            "workdays_total": Sum("elapsed_workdays", filter=completed),
            "workdays_count": Count("elapsed_workdays", filter=completed),
        },
        case_keys,
    )
    open_overdue = rollup(
        _open_at(base, hi).filter(due_date__lt=late_if_due_before(end)),
        {"open_overdue": Count("id")},
        case_keys,
    )
    if "staff" in keys:
        _by_staff_profile(handled, open_overdue)
    consultations = rollup(
        Ticket.objects.filter(
            center_id=center_id,
            issue_date__gte=start,
            issue_date__lte=end,
            state=Ticket.State.DONE,
        ).exclude(Exists(Case.objects.filter(ticket=OuterRef("pk")))),
        {"consultations": Count("id")},
        {key: TICKET_GROUPS[key] for key in keys},
    )
    parts = (handled, open_overdue, consultations)

    def finish(row: dict[str, Any]) -> dict[str, Any]:
        cohort = _completion(row)
        n_online = row.get("accepted_online") or 0
        n_completed = row.get("completed") or 0
        late = row.get("late") or 0
        days = row.get("workdays_total")
        return {
            **cohort,
            "accepted_online": n_online,
            "online_share": _ratio(n_online, cohort["accepted"]),
            "completed_in_period": n_completed,
            "overdue": late + (row.get("open_overdue") or 0),
            "on_time_rate": _ratio(n_completed - late, n_completed),
            "avg_workdays": (
                round(days / row["workdays_count"], 2) if row.get("workdays_count") else None
            ),
            "consultations": row.get("consultations") or 0,
        }

    return joined(parts, keys, finish)


def _by_staff_profile(*parts: Rollup) -> None:
    """Key the staff groups of `parts` (by the acceptor's user id) by StaffProfile id."""
    profiles = profile_ids_of_users(user_id for part in parts for user_id in part.by["staff"])
    for part in parts:
        part.by["staff"] = regrouped(part.by["staff"], profiles)


def empty_figures() -> dict[str, Any]:
    return {
        "accepted": 0,
        "completed": 0,
        "completion_rate": None,
        "accepted_online": 0,
        "online_share": None,
        "completed_in_period": 0,
        "overdue": 0,
        "on_time_rate": None,
        "avg_workdays": None,
        "consultations": 0,
    }


def case_figures(
    *, center_id: int, start: dt.date, end: dt.date, by: str
) -> dict[int | None, dict[str, Any]]:
    """Figures grouped `by` department, item, window or staff (StaffProfile id of the acceptor);
    cases without one are under None."""
    if by not in GROUPS:
        raise ValueError(f"unknown grouping {by!r}")
    return _figures(center_id, start, end, (by,)).by[by]


def accepted_in_every_month(*, center_id: int, start: dt.date, end: dt.date) -> bool:
    """Whether the centre accepted a case in each calendar month of start..end (each clipped
    to it): the cases it has recorded cover the period, not a few months of it."""
    cases = Case.objects.filter(center_id=center_id)
    first = start
    while first <= end:
        last = month_span(first.year, first.month)[1]
        lo, hi = day_span(first, min(end, last))
        if not cases.filter(accepted_at__gte=lo, accepted_at__lt=hi).exists():
            return False
        first = last + ONE_DAY
    return True


def figure_rollup(*, center_id: int, start: dt.date, end: dt.date) -> Rollup:
    """The centre's figures, every active department's (zeros for those without cases) and each
    staff member's (by the StaffProfile id of the person who accepted the cases), together."""
    figures = _figures(center_id, start, end, ("department", "staff"))
    ids = Department.objects.filter(center_id=center_id, is_active=True).values_list(
        "pk", flat=True
    )
    figures.by["department"] = {**{pk: empty_figures() for pk in ids}, **figures.by["department"]}
    figures.by["staff"].pop(None, None)
    return figures


def first_accepted_on(*, center_id: int) -> dt.date | None:
    """The day the centre accepted its first case (None without a case): the start of its
    record, read from the index rather than by totalling the cases as `since_launch` does."""
    first = Case.objects.filter(center_id=center_id).aggregate(first=Min("accepted_at"))["first"]
    return timezone.localdate(first) if first else None


def since_launch(*, center_id: int, end: dt.date) -> dict[str, Any] | None:
    """The running total to the close of `end` (seed 001: "至目前,通过平凉市行政审批系统共受理
    审批服务事项3645件,事项办结率为96.89%"): every case the centre accepted up to then, from the
    first it recorded (``since``, the day of that acceptance), those of them completed by then
    and the completion rate, the cohort `center_figures` counts over a period; None without a
    case."""
    hi = end_of_day(end)
    row = Case.objects.filter(center_id=center_id).aggregate(
        first=Min("accepted_at"), **_cohort(Q(accepted_at__lt=hi), hi)
    )
    if not row["accepted"]:
        return None
    return {"since": timezone.localdate(row["first"]), **_completion(row)}


def accepted_by_mode(*, center_id: int, start: dt.date, end: dt.date) -> dict[str, int]:
    """The cases accepted in the period by their mode of acceptance (`Case.Mode`: 一般受理,
    容缺受理 with secondary materials to follow, 告知承诺), each mode with its count (0 when none):
    seed 004's "延时、容缺服务" counts the 容缺 ones beside the after-hours assists."""
    lo, hi = day_span(start, end)
    counts = dict(
        Case.objects.filter(center_id=center_id, accepted_at__gte=lo, accepted_at__lt=hi)
        .values_list("mode")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {mode: counts.get(mode, 0) for mode in Case.Mode.values}


def department_figures(*, center_id: int, start: dt.date, end: dt.date) -> dict[int, dict]:
    """Figures of every active department of the centre (zeros for those without cases)."""
    return figure_rollup(center_id=center_id, start=start, end=end).by["department"]


def center_figures(*, center_id: int, start: dt.date, end: dt.date) -> dict[str, Any]:
    return _figures(center_id, start, end, ()).total


def staff_figures(*, center_id: int, start: dt.date, end: dt.date) -> dict[int, dict]:
    """Figures keyed by the StaffProfile id of the person who accepted the cases."""
    return figure_rollup(center_id=center_id, start=start, end=end).by["staff"]


def overdue_by_department_item(
    *,
    center_id: int,
    start: dt.date,
    end: dt.date,
    department_ids: Iterable[int] | None = None,
) -> list[dict]:
    """For the bulletin: per department and item, cases handled and overdue in the period.

    Rows ``{department, department_id, item, item_id, handled, overdue}`` of the departments
    with at least one overdue case, most overdue first ("市农业农村局…办理业务5件、超期1件(…)").
    handled: the cases accepted in the period and the overdue ones (an overdue case accepted
    before the period is handled in it too), so that no row says it handled fewer cases than
    were overdue ("办理业务56件、超期103件").
    `department_ids` limits the search to those departments (a caller that has the figures
    knows which have overdue cases: the query then reads only their cases).
    """
    lo, hi = day_span(start, end)
    base = Case.objects.filter(center_id=center_id)
    if department_ids is not None:
        base = base.filter(department_id__in=list(department_ids))
    late = Q(completed_at__gte=lo, completed_at__lt=hi, completed_late=True)
    open_late = (
        Q(accepted_at__lt=hi, due_date__lt=late_if_due_before(end))
        & (Q(completed_at__isnull=True) | Q(completed_at__gte=hi))
        & (Q(closed_at__isnull=True) | Q(closed_at__gte=hi))
    )
    accepted = Q(accepted_at__gte=lo, accepted_at__lt=hi)
    rows = list(
        base.filter(accepted | late | open_late)
        .values("department_id", "item_id")
        .annotate(
            handled=Count("id"),
            overdue=Count("id", filter=late | open_late),
        )
        .order_by()
    )
    by_dept_overdue: dict[int, int] = {}
    for row in rows:
        by_dept_overdue[row["department_id"]] = (
            by_dept_overdue.get(row["department_id"], 0) + row["overdue"]
        )
    rows = [r for r in rows if by_dept_overdue[r["department_id"]]]
    # Names joined here, on the few rows kept: grouping by them made the database sort every case.
    departments = dict(
        Department.objects.filter(pk__in={r["department_id"] for r in rows}).values_list(
            "pk", "name"
        )
    )
    items = dict(
        ServiceItem.objects.filter(pk__in={r["item_id"] for r in rows}).values_list("pk", "name")
    )
    out = [
        {
            "department_id": r["department_id"],
            "department": departments[r["department_id"]],
            "item_id": r["item_id"],
            "item": items[r["item_id"]],
            "handled": r["handled"],
            "overdue": r["overdue"],
        }
        for r in rows
    ]
    out.sort(key=lambda r: (-by_dept_overdue[r["department_id"]], r["department"], -r["overdue"]))
    return out


def zero_case_departments(*, center_id: int, start: dt.date, end: dt.date) -> QuerySet[Department]:
    """Entered, active departments that accepted no case in the period."""
    lo, hi = day_span(start, end)
    has_case = Case.objects.filter(
        department=OuterRef("pk"), accepted_at__gte=lo, accepted_at__lt=hi
    )
    return (
        Department.objects.filter(center_id=center_id, entered=True, is_active=True)
        .exclude(Exists(has_case))
        .order_by("sort_order", "name")
    )


# --- the law's clocks: what supervision flags and counts --------------------------------------
# 行政许可法 art. 32 (deemed acceptance), 42 (extension), 44 (delivery), 45 (special procedures
# within their told duration); 一次性告知 (one correction notice); 容缺 supply dates.

CLOCK_FIGURE_KEYS = (
    "extended",
    "deemed_accepted",
    "repeat_corrections",
    "delivered",
    "delivered_late",
    "delivery_on_time_rate",
)


def answer_cutoff(cal: Calendar, today: dt.date) -> dt.date:
    """The last day of receipt whose 5 working days to answer (art. 32) ran out before `today`."""
    day = today
    while cal.add_workdays(day, Case.NOTICE_DAYS).date >= today:
        day -= ONE_DAY
    return day


def clock_flags(qs: QuerySet[Case], today: dt.date | None = None) -> dict[str, QuerySet[Case]]:
    """The supervision page's lists of cases the law's clocks flag (each oldest first):

    - ``unanswered``: online or mailed applications still awaiting acceptance, told nothing
      within 5 working days of receipt (art. 32: already accepted in law, on receipt);
    - ``deemed``: running cases accepted late whose clock runs from receipt (art. 32);
    - ``repeat_corrections``: running cases told to correct more than once (一次性告知);
    - ``procedure_overrun``: a special procedure running past the duration told (art. 45);
    - ``missing_overdue``: 容缺 materials not supplied by their date;
    - ``delivery_overdue``: approvals whose certificate is not delivered within 10 working days
      of the decision (art. 44).
    """
    today = today or timezone.localdate()
    cutoff = answer_cutoff(load_calendar(), today)
    overrun = ClockStop.objects.filter(
        case=OuterRef("pk"),
        ended_on__isnull=True,
        kind__in=ClockStop.PROCEDURES,
        told_until__lt=today,
    )
    notified = CaseEvent.objects.filter(
        case=OuterRef("pk"), type=CaseEvent.Type.CORRECTION_NOTIFIED
    )
    qs = qs.select_related("item", "department")
    running = qs.filter(state__in=Case.RUNNING_STATES)
    return {
        "unanswered": qs.filter(state=Case.State.SUBMITTED, submitted_at__lt=end_of_day(cutoff))
        .exclude(Exists(notified))
        .order_by("submitted_at"),
        "deemed": running.filter(deemed_accepted_on__isnull=False).order_by("deemed_accepted_on"),
        "repeat_corrections": running.filter(correction_notices__gte=2).order_by("accepted_at"),
        "procedure_overrun": running.filter(Exists(overrun)).order_by("accepted_at"),
        "missing_overdue": running.filter(
            mode=Case.Mode.MISSING, supplied_at__isnull=True, supply_by__lt=today
        ).order_by("supply_by"),
        "delivery_overdue": qs.filter(state=Case.State.COMPLETED, delivery_due__lt=today).order_by(
            "delivery_due"
        ),
    }


def clock_figures(*, center_id: int, start: dt.date, end: dt.date) -> Rollup:
    """The law's clocks over a period, for the centre (`total`) and by department:

    - ``extended``: cases whose limit was extended in the period (art. 42);
    - ``deemed_accepted``: cases accepted in the period that count from receipt (art. 32);
    - ``repeat_corrections``: second and later correction notices given in the period;
    - ``delivered``: approvals delivered in the period;
    - ``delivered_late``: of those, delivered after their 10 working days (art. 44), plus
      approvals still undelivered at the period's end and due before its last day;
    - ``delivery_on_time_rate``: (delivered − delivered late of them) ÷ delivered, or None.
    """
    lo, hi = day_span(start, end)
    base = Case.objects.filter(center_id=center_id)
    keys = {"department": "department_id"}
    delivered = Q(delivered_at__gte=lo, delivered_at__lt=hi, delivery_due__isnull=False)
    cases = rollup(
        base.filter(
            Q(extended_at__gte=lo, extended_at__lt=hi)
            | Q(accepted_at__gte=lo, accepted_at__lt=hi, deemed_accepted_on__isnull=False)
            | delivered
        ),
        {
            "extended": Count("id", filter=Q(extended_at__gte=lo, extended_at__lt=hi)),
            "deemed_accepted": Count(
                "id",
                filter=Q(accepted_at__gte=lo, accepted_at__lt=hi, deemed_accepted_on__isnull=False),
            ),
            "delivered": Count("id", filter=delivered),
            "late_delivered": Count("id", filter=delivered & Q(delivered_late=True)),
        },
        keys,
    )
    undelivered = rollup(
        base.filter(completed_at__lt=hi, delivery_due__lt=late_if_due_before(end)).filter(
            Q(delivered_at__isnull=True) | Q(delivered_at__gte=hi)
        ),
        {"undelivered_late": Count("id")},
        keys,
    )
    repeats = rollup(
        CaseEvent.objects.filter(
            center_id=center_id,
            type__in=(CaseEvent.Type.CORRECTION_REQUESTED, CaseEvent.Type.CORRECTION_NOTIFIED),
            at__gte=lo,
            at__lt=hi,
            details__repeat=True,
        ),
        {"repeat_corrections": Count("id")},
        {"department": "case__department_id"},
    )
    parts = (cases, undelivered, repeats)

    def finish(row: dict[str, Any]) -> dict[str, Any]:
        n_delivered = row.get("delivered") or 0
        late = row.get("late_delivered") or 0
        return {
            "extended": row.get("extended") or 0,
            "deemed_accepted": row.get("deemed_accepted") or 0,
            "repeat_corrections": row.get("repeat_corrections") or 0,
            "delivered": n_delivered,
            "delivered_late": late + (row.get("undelivered_late") or 0),
            "delivery_on_time_rate": _ratio(n_delivered - late, n_delivered),
        }

    return joined(parts, ("department",), finish)


# --- export ------------------------------------------------------------------------------------

EXPORT_COLUMNS = (
    (_("办件编号"), lambda c: c.number),
    (_("事项编码"), lambda c: c.item.code),
    (_("事项名称"), lambda c: c.item.name),
    (_("办理部门"), lambda c: c.department.name),
    (_("申请人类型"), lambda c: c.get_applicant_type_display()),
    (_("申请人"), lambda c: c.applicant_name),
    (_("证件号码"), lambda c: mask_id_number(c.applicant_identifier)),
    (_("联系电话"), lambda c: mask_phone(c.phone)),
    (_("申报渠道"), lambda c: c.get_channel_display()),
    (_("受理窗口"), lambda c: c.window.number if c.window else ""),
    (_("受理方式"), lambda c: c.get_mode_display()),
    (_("状态"), lambda c: c.get_state_display()),
    (_("办理结果"), lambda c: c.result_label if c.result else ""),
    (_("受理时间"), lambda c: _local(c.accepted_at)),
    (_("办结期限"), lambda c: c.due_date),
    (_("期限暂估"), lambda c: _("是") if c.due_provisional else ""),
    (_("办结时间"), lambda c: _local(c.completed_at)),
    (_("超期办结"), lambda c: _("是") if c.completed_late else ""),
    (_("办理用时(工作日)"), lambda c: c.elapsed_workdays),
    (_("送达时间"), lambda c: _local(c.delivered_at)),
)


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def cases_to_xlsx(qs: QuerySet[Case]) -> bytes:
    """The cases of `qs` as an .xlsx sheet (identifiers masked), streamed row by row."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(_("办件")))
    sheet.append(spreadsheets.row(label for label, _get in EXPORT_COLUMNS))
    for case in qs.select_related("item", "department", "window").iterator(chunk_size=2000):
        sheet.append(spreadsheets.row(get(case) for _label, get in EXPORT_COLUMNS))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- what a user may do ------------------------------------------------------------------------

# action → (permission, label); the states each may start from: Case.ACTION_STATES
ACTIONS: dict[str, tuple[str, str]] = {
    "accept": ("cases.accept_case", _("受理")),
    "refuse": ("cases.refuse_case", _("不予受理")),
    "review": ("cases.review_case", _("开始审查")),
    "notify": ("cases.accept_case", _("告知补正")),
    "correction": ("cases.request_correction", _("要求补正")),
    "extend": ("cases.extend_case", _("延长办理期限")),
    "resubmit": ("cases.resubmit_case", _("补正材料已提交")),
    "supply": ("cases.supply_materials", _("容缺材料已补齐")),
    "suspend": ("cases.suspend_case", _("启动特别程序")),
    "resume": ("cases.suspend_case", _("结束特别程序")),
    "complete": ("cases.complete_case", _("办结")),
    "deliver": ("cases.deliver_case", _("送达")),
    "withdraw": ("cases.withdraw_case", _("撤回")),
    "verify": ("cases.check_commitment", _("承诺核查属实")),
    "revoke": ("cases.check_commitment", _("承诺不实,撤销许可")),
}


def _action_applies(action: str, case: Case) -> bool:
    if action == "supply":
        return case.mode == Case.Mode.MISSING and case.supplied_at is None
    if action == "extend":
        return case.extended_at is None
    if action in ("verify", "revoke"):
        return case.commitment_status == Case.Commitment.PENDING
    return True


def available_actions(case: Case, scope: Scope) -> list[tuple[str, str]]:
    """The (action, label) pairs the user may take on the case in its current state."""
    if not scope.may_see_department(case.department_id, case.center_id):
        return []
    return [
        (action, label)
        for action, (perm, label) in ACTIONS.items()
        if case.state in Case.ACTION_STATES[action]
        and _action_applies(action, case)
        and scope.can(perm)
    ]


def scoped_cases(scope: Scope) -> QuerySet[Case]:
    """The cases of the user's centre, or of their department."""
    return scope.filter(Case.objects.all())


def visible_cases(scope: Scope) -> QuerySet[Case]:
    """The cases a user may see: their department's (or the centre's), and those they accepted
    at a comprehensive window for another department."""
    qs = scoped_cases(scope)
    if scope.whole_center or scope.sees_nothing or not scope.user.is_authenticated:
        return qs
    return Case.objects.filter(Q(pk__in=qs.values("pk")) | Q(accepted_by=scope.user))


def acceptable_items(scope: Scope) -> QuerySet[ServiceItem]:
    """Items the user may accept: their department's, or those of the windows they staff."""
    qs = ServiceItem.objects.filter(center_id=scope.center_id, is_active=True)
    if scope.whole_center:
        return qs.select_related("department")
    windows = Window.objects.filter(staff__user=scope.user)
    return (
        qs.filter(
            Q(department_id=scope.department_id)
            | Q(department__windows__in=windows)
            | Q(windows__in=windows)
        )
        .distinct()
        .select_related("department")
    )


def user_windows(scope: Scope) -> QuerySet[Window]:
    """The windows a user may accept at (all of the centre's for centre-wide roles)."""
    qs = Window.objects.filter(center_id=scope.center_id, is_open=True)
    return qs if scope.whole_center else qs.filter(staff__user=scope.user)


def digest_for_department(department: Department, today: dt.date) -> dict[str, Any]:
    """The unit lead's daily digest: red and yellow running cases of the department."""
    running = running_cases(Case.objects.filter(department=department), today=today)
    return {
        "today": today,
        "running": running.count(),
        "red": list(running.filter(light="red")),
        "yellow": list(running.filter(light="yellow")),
    }


def ticket_for_acceptance(scope: Scope, ticket_id: str | None) -> Ticket | None:
    """The queue ticket the window is serving, named by the terminal's link (`?ticket=<id>`)."""
    if not ticket_id or not str(ticket_id).isdigit():
        return None
    return Ticket.objects.filter(
        pk=int(ticket_id),
        center_id=scope.center_id,
        state__in=(Ticket.State.SERVING, Ticket.State.DONE),
    ).first()


def one_visit_cases(*, center_id: int, start: dt.date, end: dt.date) -> dict[str, Any]:
    """最多跑一次 among the cases accepted in the period: accepted_one_visit counts those whose
    item lets the applicant come at most once (its ``max_visits`` ≤ 1 now);
    one_visit_case_share = accepted_one_visit ÷ accepted (None without cases)."""
    lo, hi = day_span(start, end)
    counts = Case.objects.filter(
        center_id=center_id, accepted_at__gte=lo, accepted_at__lt=hi
    ).aggregate(
        accepted=Count("id"),
        accepted_one_visit=Count("id", filter=Q(item__max_visits__lte=ServiceItem.Visits.ONCE)),
    )
    return counts | {
        "one_visit_case_share": _ratio(counts["accepted_one_visit"], counts["accepted"])
    }
