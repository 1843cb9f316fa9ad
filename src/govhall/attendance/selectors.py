"""Reads of attendance: the day's sessions, who is expected, and the monthly figures.

Figures (DOMAIN.md, docs/attendance.md) come from the derived `AttendanceRecord` and `PostAbsence`
rows and from the registrations (`TemporaryAbsence`, `Violation`) by aggregate queries; the page,
the .xlsx table, the API and the performance app all read them here.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Max, Model, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from govhall.attendance.models import (
    AttendanceRecord,
    AttendanceSettings,
    DutyAssignment,
    LeaveRequest,
    PostAbsence,
    Punch,
    Session,
    StaffAssignment,
    TemporaryAbsence,
    Timetable,
    Violation,
    ViolationCategory,
)
from govhall.core import settings_rows
from govhall.core.dates import day_span, local_moment, month_span
from govhall.core.roles import Role
from govhall.core.selectors import Rollup
from govhall.core.validators import MAX_YEAR, MIN_YEAR
from govhall.core.workdays import load_calendar
from govhall.org.models import Department, StaffProfile
from govhall.org.scoping import scope_for

FIGURE_KEYS = (
    "working_days",
    "staff_count",
    "present_days",
    "late",
    "early",
    "missing_punches",
    "absent_days",
    "leave_days",
    "temp_absences",
    "scheduled_minutes",
    "absence_from_post_minutes",
    "violations",
    "violation_points",
)

FIGURE_LABELS = {
    "working_days": _("应出勤天数"),
    "staff_count": _("人数"),
    "present_days": _("出勤天数"),
    "late": _("迟到次数"),
    "early": _("早退次数"),
    "missing_punches": _("漏打卡次数"),
    "absent_days": _("缺勤天数"),
    "leave_days": _("请假天数"),
    "temp_absences": _("外出登记次数"),
    "scheduled_minutes": _("应在岗时长(分钟)"),
    "absence_from_post_minutes": _("空岗时长(分钟)"),
    "violations": _("违规次数"),
    "violation_points": _("扣分"),
}

DEFAULT_CATEGORIES = (
    ("迟到", Decimal("1")),
    ("早退", Decimal("1")),
    ("空岗", Decimal("2")),
    ("服务用语不规范", Decimal("1")),
    ("服务态度生硬", Decimal("2")),
    ("着装不规范", Decimal("1")),
    ("玩手机/做与工作无关的事", Decimal("1")),
    ("脱岗", Decimal("2")),
    ("其他", Decimal("1")),
)


@dataclass(frozen=True)
class SessionSpec:
    name: str
    starts_at: dt.datetime
    ends_at: dt.datetime

    @property
    def span(self) -> tuple[dt.datetime, dt.datetime]:
        return (self.starts_at, self.ends_at)


def attendance_settings(*, center_id: int) -> AttendanceSettings:
    """The centre's attendance settings (the defaults, unsaved, if it has no row)."""
    return settings_rows.read(AttendanceSettings, center_id)


def default_categories(model: type[Model], center_id: int) -> list[Any]:
    """The default list of violation categories of a centre, unsaved (`model` is
    ViolationCategory, or its historical model in a data migration)."""
    return [
        model(center_id=center_id, name=name, default_points=pts, sort_order=i)
        for i, (name, pts) in enumerate(DEFAULT_CATEGORIES, start=1)
    ]


def categories_for(center_id: int) -> QuerySet[ViolationCategory]:
    """The centre's violation categories (the default list is made with the centre)."""
    return ViolationCategory.objects.filter(center_id=center_id).order_by("sort_order", "id")


def timetable_for(center_id: int, day: dt.date) -> Timetable | None:
    """The seasonal timetable whose dates contain `day` (latest start wins), else the default."""
    active = Timetable.objects.filter(center_id=center_id, is_active=True)
    seasonal = (
        active.filter(valid_from__lte=day, valid_to__gte=day).order_by("-valid_from", "-id").first()
    )
    if seasonal is not None:
        return seasonal
    return active.filter(valid_from__isnull=True).order_by("id").first()


def sessions_on(center_id: int, day: dt.date) -> list[SessionSpec]:
    """The sessions of `day` by its timetable (whether anyone is expected is `expected_staff`)."""
    timetable = timetable_for(center_id, day)
    if timetable is None:
        return []
    return [
        SessionSpec(
            name=s.name, starts_at=local_moment(day, s.start), ends_at=local_moment(day, s.end)
        )
        for s in Session.objects.filter(timetable=timetable).order_by("start")
    ]


@dataclass(frozen=True)
class ExpectedStaff:
    staff_id: int
    department_id: int | None
    window_ids: frozenset[int]
    on_duty_roster: bool


def assignments_on(center_id: int, day: dt.date) -> dict[int, StaffAssignment]:
    """Each staff member's assignment on `day` (the latest one begun by the day's end)."""
    day_start, day_end = day_span(day)
    rows = (
        StaffAssignment.objects.filter(center_id=center_id, started_at__lt=day_end)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=day_start))
        .order_by("staff_id", "started_at", "id")
        .prefetch_related("windows")
    )
    return {row.staff_id: row for row in rows}


def expected_staff(center_id: int, day: dt.date) -> list[ExpectedStaff]:
    """Who must attend on `day`: every staff member whose assignment covers the day on a working
    day (leaving ends the assignment, so past days keep their people); on a rest day only those
    on the duty roster."""
    assignments = assignments_on(center_id, day)
    if load_calendar().is_workday(day):
        ids = set(assignments)
        duty: set[int] = set()
    else:
        duty = set(
            DutyAssignment.objects.filter(
                center_id=center_id, date=day, cancelled=False
            ).values_list("staff_id", flat=True)
        )
        ids = duty & set(assignments)
    return [
        ExpectedStaff(
            staff_id=sid,
            department_id=assignments[sid].department_id,
            window_ids=frozenset(w.id for w in assignments[sid].windows.all()),
            on_duty_roster=sid in duty,
        )
        for sid in sorted(ids)
    ]


# --- figures ----------------------------------------------------------------------------------


def _record_aggregates() -> dict[str, Any]:
    zero = Decimal("0")
    S = AttendanceRecord.Status
    return {
        "present_days": Coalesce(
            Sum("day_fraction", filter=Q(status__in=[S.PRESENT, S.OUT])), zero
        ),
        "absent_days": Coalesce(Sum("day_fraction", filter=Q(status=S.ABSENT)), zero),
        "leave_days": Coalesce(Sum("day_fraction", filter=Q(status=S.LEAVE)), zero),
        "late": Count("id", filter=Q(late_minutes__gt=0)),
        "early": Count("id", filter=Q(early_minutes__gt=0)),
        "missing_punches": Coalesce(Sum("missing_punches"), 0),
    }


def _empty() -> dict[str, Any]:
    return {
        "working_days": 0,
        "staff_count": 0,
        "present_days": Decimal("0"),
        "late": 0,
        "early": 0,
        "missing_punches": 0,
        "absent_days": Decimal("0"),
        "leave_days": Decimal("0"),
        "temp_absences": 0,
        "scheduled_minutes": 0,
        "absence_from_post_minutes": 0,
        "violations": 0,
        "violation_points": Decimal("0"),
    }


def _empty_for(_key: Any) -> dict[str, Any]:
    return _empty()


def _merge_side_tables(
    out: dict[Any, dict[str, Any]],
    *,
    center_id: int,
    start: dt.date,
    end: dt.date,
    group: str | None,
    make: Any,
    only: dict[str, Any] | None = None,
) -> None:
    """Add temp absences, absence from post and violations into `out`, grouped by the field
    `group` (None: one total under the key None); rows filtered further by `only`."""
    since, until = day_span(start, end)
    only = only or {}
    sources = [
        (
            TemporaryAbsence.objects.filter(
                center_id=center_id, left_at__gte=since, left_at__lt=until, **only
            ),
            {"temp_absences": Count("id")},
        ),
        (
            PostAbsence.objects.filter(center_id=center_id, date__gte=start, date__lte=end, **only),
            {"absence_from_post_minutes": Coalesce(Sum("minutes"), 0)},
        ),
        (
            Violation.objects.filter(
                center_id=center_id, occurred_at__gte=since, occurred_at__lt=until, **only
            ).exclude(status=Violation.Status.UPHELD),
            {
                "violations": Count("id"),
                "violation_points": Coalesce(Sum("points"), Decimal("0")),
            },
        ),
    ]
    for qs, aggregates in sources:
        if group is None:
            rows = [{**qs.aggregate(**aggregates), "key": None}]
        else:
            rows = [
                {**row, "key": row[group]}
                for row in qs.values(group).annotate(**aggregates).order_by()
            ]
        for row in rows:
            key = row["key"]
            if group is not None and key is None:
                continue
            if key not in out:
                out[key] = make(key)
            for name in aggregates:
                out[key][name] += row[name]


def _records(*, center_id: int, start: dt.date, end: dt.date, **only: Any) -> QuerySet:
    return AttendanceRecord.objects.filter(
        center_id=center_id, date__gte=start, date__lte=end, **only
    )


def _expected_time(
    records: QuerySet, groups: Sequence[str | None]
) -> dict[str | None, dict[Any, dict[str, int]]]:
    """Expected staff-days (each person's days with an expected session, added up) and the
    minutes of those sessions, per value of each of `groups` (a field, or None: one total under
    the key None), so that a unit's 应出勤天数 is in the same staff-days as its 出勤天数.

    One read of the staff-days serves every grouping: a person's distinct days and the minutes
    of their sessions are counted within each value (the minutes rounded down there), then the
    people are added up."""
    days: dict[str | None, dict[tuple[Any, Any], set[dt.date]]] = {
        g: defaultdict(set) for g in groups
    }
    spans: dict[str | None, dict[tuple[Any, Any], dt.timedelta]] = {
        g: defaultdict(dt.timedelta) for g in groups
    }
    fields = ["staff_id", "date", *sorted({g for g in groups if g not in (None, "staff_id")})]
    for row in records.values(*fields).annotate(span=Sum(F("ends_at") - F("starts_at"))).order_by():
        for group in groups:
            person = (row["staff_id"], row[group] if group else None)
            days[group][person].add(row["date"])
            spans[group][person] += row["span"]
    out: dict[str | None, dict[Any, dict[str, int]]] = {}
    for group in groups:
        totals = out[group] = defaultdict(lambda: {"working_days": 0, "scheduled_minutes": 0})
        for (staff_id, value), dates in days[group].items():
            totals[value]["working_days"] += len(dates)
            totals[value]["scheduled_minutes"] += int(
                spans[group][staff_id, value].total_seconds() // 60
            )
    return out


def staff_figures(
    *,
    center_id: int,
    start: dt.date,
    end: dt.date,
    department_id: int | None = None,
) -> dict[int, dict[str, Any]]:
    """Figures per StaffProfile id over [start, end]. `working_days` is the staff member's own
    expected days (working days while assigned, plus duty days); `staff_count` is 1. With
    `department_id`, only the rows attributed to that department (the department of the day)."""
    only = {} if department_id is None else {"department_id": department_id}
    records = _records(center_id=center_id, start=start, end=end, **only)
    expected = _expected_time(records, ["staff_id"])["staff_id"]
    return _staff_figures(records, expected, center_id=center_id, start=start, end=end, only=only)


def _staff_figures(
    records: QuerySet,
    expected: dict[Any, dict[str, int]],
    *,
    center_id: int,
    start: dt.date,
    end: dt.date,
    only: dict[str, Any],
) -> dict[int, dict[str, Any]]:
    def make(_staff_id: int) -> dict[str, Any]:
        return _empty() | {"staff_count": 1}

    out: dict[int, dict[str, Any]] = {}
    for row in records.values("staff_id").annotate(**_record_aggregates()).order_by():
        figures = out[row["staff_id"]] = make(row["staff_id"])
        figures.update(expected[row["staff_id"]])
        for key in ("present_days", "absent_days", "leave_days", "late", "early"):
            figures[key] = row[key]
        figures["missing_punches"] = row["missing_punches"]
    _merge_side_tables(
        out, center_id=center_id, start=start, end=end, group="staff_id", make=make, only=only
    )
    return out


def department_figures(*, center_id: int, start: dt.date, end: dt.date) -> dict[int, dict]:
    """Figures per department id over [start, end] (inclusive, local days); every department of
    the centre appears. `working_days` is the expected staff-days of its people there (as its
    `present_days`, `absent_days`, `leave_days`: the staff rows added up); `staff_count` the
    staff with at least one expected session there."""
    records = _records(center_id=center_id, start=start, end=end, department__isnull=False)
    expected = _expected_time(records, ["department_id"])["department_id"]
    return _department_figures(expected, center_id=center_id, start=start, end=end)


def _department_figures(
    expected: dict[Any, dict[str, int]], *, center_id: int, start: dt.date, end: dt.date
) -> dict[int, dict]:
    out: dict[int, dict[str, Any]] = {
        dept_id: _empty()
        for dept_id in Department.objects.filter(center_id=center_id).values_list("id", flat=True)
    }
    records = _records(center_id=center_id, start=start, end=end, department__isnull=False)
    aggregates = _record_aggregates() | {"staff_count": Count("staff_id", distinct=True)}
    for row in records.values("department_id").annotate(**aggregates).order_by():
        figures = out.setdefault(row["department_id"], _empty())
        figures.update(expected[row["department_id"]])
        for key in aggregates:
            figures[key] = row[key]
    _merge_side_tables(
        out, center_id=center_id, start=start, end=end, group="department_id", make=_empty_for
    )
    return out


def center_figures(*, center_id: int, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The same figures for the whole centre (rows without a department included); its
    `working_days` are the expected staff-days of everyone."""
    records = _records(center_id=center_id, start=start, end=end)
    expected = _expected_time(records, [None])[None][None]
    return _center_figures(records, expected, center_id=center_id, start=start, end=end)


def _center_figures(
    records: QuerySet,
    expected: dict[str, int],
    *,
    center_id: int,
    start: dt.date,
    end: dt.date,
) -> dict[str, Any]:
    aggregates = _record_aggregates() | {"staff_count": Count("staff_id", distinct=True)}
    totals = _empty() | records.aggregate(**aggregates) | expected
    out: dict[Any, dict[str, Any]] = {None: totals}
    _merge_side_tables(out, center_id=center_id, start=start, end=end, group=None, make=None)
    return out[None]


def figure_rollup(*, center_id: int, start: dt.date, end: dt.date) -> Rollup:
    """The centre's, every department's and every staff member's figures (the evaluation's
    input; the tables are small, so each level keeps its own queries, but for the expected
    time: one read of the staff-days gives it to every level)."""
    period = {"center_id": center_id, "start": start, "end": end}
    records = _records(**period)
    expected = _expected_time(records, ["staff_id", "department_id", None])
    return Rollup(
        total=_center_figures(records, expected[None][None], **period),
        by={
            "department": _department_figures(expected["department_id"], **period),
            "staff": _staff_figures(records, expected["staff_id"], only={}, **period),
        },
    )


# --- who sees what ----------------------------------------------------------------------------


def visible_to(
    user: Any,
    qs: QuerySet,
    *,
    staff_field: str | None = "staff",
    department_field: str | None = "department",
) -> QuerySet:
    """Rows of `qs` the user may see: the centre's roles the whole centre, a unit lead their
    department, every other staff member their own rows (`staff_field`)."""
    scope = scope_for(user)
    if scope.whole_center or (department_field is None and staff_field is None):
        return scope.filter(qs, department_field=None)
    if scope.has_role(Role.UNIT_LEAD) or staff_field is None:
        return scope.filter(qs, department_field=department_field)
    return scope.filter(qs, department_field=department_field).filter(
        **{f"{staff_field}__user": user}
    )


def visible_row(user: Any, model: type[Model], pk: int) -> Any:
    """The row `pk` of `model` if the user may see it (`visible_to`), else None."""
    return visible_to(user, model._default_manager.all()).filter(pk=pk).first()


def leaves_awaiting(user: Any, statuses: list[str]) -> QuerySet[LeaveRequest]:
    """The leave requests the user sees at one of `statuses`, by their start."""
    return (
        visible_to(user, LeaveRequest.objects.all())
        .filter(status__in=statuses)
        .select_related("staff__user", "department")
        .order_by("start")
    )


def appeals_awaiting(user: Any) -> QuerySet[Violation]:
    """The appealed violations the user sees, waiting for a decision."""
    return (
        visible_to(user, Violation.objects.all())
        .filter(status=Violation.Status.APPEALED)
        .select_related("staff__user", "category", "department")
        .prefetch_related("events")
    )


def open_absence(user: Any) -> TemporaryAbsence | None:
    """The user's temporary absence not yet ended by their return, if any."""
    return TemporaryAbsence.objects.filter(staff__user=user, returned_at__isnull=True).first()


@dataclass(frozen=True)
class OwnAttendance:
    """What "my attendance" shows of one staff member."""

    punches: QuerySet[Punch]  # the day's, in order
    records: QuerySet[AttendanceRecord]  # the period's
    leaves: QuerySet[LeaveRequest]  # the latest 20
    violations: QuerySet[Violation]  # the latest 20


def own_attendance(
    staff: StaffProfile, *, day: dt.date, start: dt.date, end: dt.date
) -> OwnAttendance:
    """The staff member's punches of `day`, records from `start` to `end`, leaves and violations."""
    return OwnAttendance(
        punches=Punch.objects.filter(staff=staff, punched_at__date=day, voided=False).order_by(
            "punched_at"
        ),
        records=AttendanceRecord.objects.filter(staff=staff, date__gte=start, date__lte=end),
        leaves=LeaveRequest.objects.filter(staff=staff)[:20],
        violations=Violation.objects.filter(staff=staff).select_related("category")[:20],
    )


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """'2026-10' → (2026-10-01, 2026-10-31); ValueError if malformed."""
    first = dt.datetime.strptime(month, "%Y-%m").date()
    if not MIN_YEAR <= first.year <= MAX_YEAR:
        raise ValueError(month)
    return month_span(first.year, first.month)


# --- staff stability --------------------------------------------------------------------------


def department_stability(
    *, center_id: int, start: dt.date, end: dt.date
) -> dict[int | None, dict[str, Any]]:
    """Assignment changes per department over [start, end] (seeds 001/004: 人员不稳定,轮换频繁).

    joined: staff who came into the department (or were first assigned) in the period; left:
    staff who moved out of it or left the hall; window_changes: moves between the department's
    windows; changes = joined + left + window_changes; headcounts at the period's start and end;
    change_rate = changes ÷ the larger headcount (0 when nobody).
    """
    since, until = day_span(start, end)
    out: dict[int | None, dict[str, Any]] = defaultdict(
        lambda: {
            "headcount_start": 0,
            "headcount_end": 0,
            "joined": 0,
            "left": 0,
            "window_changes": 0,
        }
    )
    by_staff: dict[int, list[StaffAssignment]] = defaultdict(list)
    for row in (
        StaffAssignment.objects.filter(center_id=center_id, started_at__lt=until)
        .order_by("staff_id", "started_at", "id")
        .prefetch_related("windows")
    ):
        by_staff[row.staff_id].append(row)

    def covers(row: StaffAssignment, moment: dt.datetime) -> bool:
        return row.started_at <= moment and (row.ended_at is None or row.ended_at > moment)

    for rows in by_staff.values():
        previous: StaffAssignment | None = None
        for row in rows:
            if covers(row, since):
                out[row.department_id]["headcount_start"] += 1
            if covers(row, until - dt.timedelta(seconds=1)):
                out[row.department_id]["headcount_end"] += 1
            if since <= row.started_at < until:
                if previous is None or previous.department_id != row.department_id:
                    out[row.department_id]["joined"] += 1
                    if previous is not None:
                        out[previous.department_id]["left"] += 1
                elif {w.pk for w in previous.windows.all()} != {w.pk for w in row.windows.all()}:
                    out[row.department_id]["window_changes"] += 1
            previous = row
        last = rows[-1]
        if last.ended_at is not None and since <= last.ended_at < until:
            out[last.department_id]["left"] += 1
    result: dict[int | None, dict[str, Any]] = {}
    for department_id, figures in out.items():
        changes = figures["joined"] + figures["left"] + figures["window_changes"]
        base = max(figures["headcount_start"], figures["headcount_end"])
        result[department_id] = figures | {
            "changes": changes,
            "change_rate": round(changes / base, 4) if base else 0,
        }
    return result


def staff_in_hall_on(*, center_id: int, day: dt.date) -> int:
    """Staff assigned in the hall on `day` (seed 001: 51名工作人员): their assignment covers it."""
    return len(assignments_on(center_id, day))


def staff_stability(*, center_id: int, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The hall's staff stability over [start, end] (seed 001: 人员不稳定,轮换频繁).

    staff_at_start: staff whose assignment covers the period's first moment; staff_retained:
    those of them whose assignment at the period's last moment is in the same department (a
    move to another unit or leaving the hall loses them); stability_rate = staff_retained ÷
    staff_at_start (None when nobody was assigned); staff_at_end: staff assigned at the last
    moment; staff_turnover: moves out of a department or out of the hall in the period (the sum
    of `department_stability`'s ``left``).
    """
    since, until = day_span(start, end)
    last = until - dt.timedelta(seconds=1)
    rows = StaffAssignment.objects.filter(center_id=center_id, started_at__lte=last).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=since)
    )
    at_start: dict[int, int | None] = {}
    at_end: dict[int, int | None] = {}
    for staff_id, department_id, started, ended in rows.order_by(
        "staff_id", "started_at", "id"
    ).values_list("staff_id", "department_id", "started_at", "ended_at"):
        for moment, holder in ((since, at_start), (last, at_end)):
            if started <= moment and (ended is None or ended > moment):
                holder[staff_id] = department_id
    retained = sum(
        1 for staff_id, unit in at_start.items() if staff_id in at_end and at_end[staff_id] == unit
    )
    turnover = sum(
        f["left"] for f in department_stability(center_id=center_id, start=start, end=end).values()
    )
    return {
        "staff_at_start": len(at_start),
        "staff_at_end": len(at_end),
        "staff_retained": retained,
        "stability_rate": retained / len(at_start) if at_start else None,
        "staff_turnover": turnover,
    }


# --- the monthly attendance table (考勤考核汇总表) ---------------------------------------------


@dataclass(frozen=True)
class TableRow:
    label: str
    department: str
    staff_number: str
    figures: dict[str, Any]

    @property
    def values(self) -> list[Any]:
        return [self.figures[k] for k in FIGURE_KEYS]


@dataclass(frozen=True)
class MonthlyTable:
    start: dt.date
    end: dt.date
    staff_rows: list[TableRow]
    department_rows: list[TableRow]
    total: dict[str, Any]
    derived_until: dt.date | None = None

    @property
    def through(self) -> dt.date:
        """The last day the figures cover: the last derived day of a month still being derived
        (the nightly run derives each day after it), else the month's end."""
        return min(self.end, self.derived_until or self.end)

    @property
    def total_values(self) -> list[Any]:
        return [self.total[k] for k in FIGURE_KEYS]


def monthly_table(
    *, center_id: int, start: dt.date, end: dt.date, department_id: int | None = None
) -> MonthlyTable:
    """The table by staff and by department; limited to one department when given (its total is
    then that department's figures)."""
    departments = {d.pk: d.name for d in Department.objects.filter(center_id=center_id).order_by()}
    by_staff = staff_figures(center_id=center_id, start=start, end=end, department_id=department_id)
    profiles = {
        p.pk: p
        for p in StaffProfile.objects.filter(pk__in=list(by_staff)).select_related(
            "user", "department"
        )
    }
    staff_rows = sorted(
        (
            TableRow(
                label=str(profiles[sid].user.display_name),
                department=departments.get(profiles[sid].department_id, ""),
                staff_number=profiles[sid].staff_number,
                figures=figures,
            )
            for sid, figures in by_staff.items()
        ),
        key=lambda r: (r.department, r.staff_number),
    )
    by_department = department_figures(center_id=center_id, start=start, end=end)
    if department_id is not None:
        by_department = {department_id: by_department.get(department_id, _empty())}
    ordered = Department.objects.filter(pk__in=list(by_department)).order_by("sort_order", "name")
    department_rows = [
        TableRow(label=d.name, department=d.name, staff_number="", figures=by_department[d.pk])
        for d in ordered
    ]
    if department_id is not None:
        total = by_department[department_id]
    else:
        total = center_figures(center_id=center_id, start=start, end=end)
    derived = AttendanceRecord.objects.filter(
        center_id=center_id, date__gte=start, date__lte=end
    ).aggregate(last=Max("date"))["last"]
    return MonthlyTable(
        start=start,
        end=end,
        staff_rows=staff_rows,
        department_rows=department_rows,
        total=total,
        derived_until=derived,
    )


def may_download_violation(user: Any, violation: Violation) -> bool:
    """Whether the user may open the violation's photo: whoever may see the violation."""
    return (
        user.has_perm("attendance.view_violation")
        and visible_to(user, Violation.objects.filter(pk=violation.pk)).exists()
    )
