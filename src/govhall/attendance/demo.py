"""Demo part of attendance: timetables, a month of punches and terminal sessions with some
lateness, a few leaves, a duty day, an inspection round; then the month is derived.

Idempotent: each part is skipped when its data is already there. Needs the staff of the org
demo (it adds none of its own) and returns no logins.
"""

import csv
import datetime as dt
import io
import random

from django.utils import timezone

from govhall.attendance import selectors, services
from govhall.attendance.models import (
    DutyAssignment,
    Inspection,
    LeaveRequest,
    Punch,
    Timetable,
)
from govhall.core.dates import local_moment
from govhall.core.models import Center, User
from govhall.core.roles import Role
from govhall.core.workdays import load_calendar
from govhall.org.models import StaffProfile
from govhall.org.selectors import first_user_in_role
from govhall.queueing.models import WindowSession

DAYS = 30


def _timetables(center: Center) -> None:
    if Timetable.objects.filter(center=center).exists():
        return
    services.create_timetable(
        center=center,
        name="标准作息",
        sessions=[("上午", dt.time(9), dt.time(12)), ("下午", dt.time(13, 30), dt.time(17, 30))],
    )
    for year in (2026, 2027):
        services.create_timetable(
            center=center,
            name=f"{year}年夏季作息",
            valid_from=dt.date(year, 7, 1),
            valid_to=dt.date(year, 9, 30),
            sessions=[
                ("上午", dt.time(8, 30), dt.time(12)),
                ("下午", dt.time(14, 30), dt.time(18)),
            ],
        )


def _day_plan(rng: random.Random, sessions: list[selectors.SessionSpec]) -> list[tuple]:
    """(in, out) per session: mostly on time, sometimes late, early or without a punch."""
    plan = []
    for session in sessions:
        roll = rng.random()
        check_in = session.starts_at - dt.timedelta(minutes=rng.randint(2, 15))
        check_out = session.ends_at + dt.timedelta(minutes=rng.randint(0, 12))
        if roll < 0.06:
            check_in = session.starts_at + dt.timedelta(minutes=rng.randint(7, 35))
        elif roll < 0.08:
            check_out = session.ends_at - dt.timedelta(minutes=rng.randint(10, 40))
        elif roll < 0.095:
            check_out = None
        plan.append((check_in, check_out))
    return plan


def _month_of_attendance(center: Center, admin: User, today: dt.date) -> None:
    """Window staff sign in at their window's terminal (the first of a window's staff; the
    others and the back office punch the attendance machine, imported as its export)."""
    first = today - dt.timedelta(days=DAYS)
    since = local_moment(first)
    if Punch.objects.filter(center=center, punched_at__gte=since).exists():
        return
    services.sync_assignments(center=center, since=since - dt.timedelta(days=1))
    staff = list(
        StaffProfile.objects.filter(center=center, active=True)
        .select_related("user")
        .prefetch_related("windows")
        .order_by("staff_number")
    )
    at_terminal: dict[int, StaffProfile] = {}
    for person in staff:
        for window in person.windows.all():
            at_terminal.setdefault(window.pk, person)
    terminal_window = {p.pk: w for w, p in at_terminal.items()}
    duty = set(
        DutyAssignment.objects.filter(center=center, cancelled=False).values_list(
            "staff_id", "date"
        )
    )
    calendar = load_calendar()
    machine_rows: list[tuple[str, dt.datetime, str]] = []
    logins: list[WindowSession] = []
    day = first
    while day < today:
        sessions = selectors.sessions_on(center.pk, day)
        for person in staff:
            if not sessions or not (calendar.is_workday(day) or (person.pk, day) in duty):
                continue
            rng = random.Random(f"{person.staff_number}-{day}")
            plan = _day_plan(rng, sessions)
            if person.user.username == "window" and rng.random() < 0.3:
                plan[0] = (sessions[0].starts_at + dt.timedelta(minutes=12), plan[0][1])
            for (check_in, check_out), session in zip(plan, sessions, strict=True):
                if person.pk in terminal_window:
                    logins.append(
                        WindowSession(
                            center=center,
                            window_id=terminal_window[person.pk],
                            staff=person,
                            opened_at=check_in,
                            closed_at=check_out or session.ends_at - dt.timedelta(minutes=50),
                        )
                    )
                    continue
                machine_rows.append((person.staff_number, check_in, "上班"))
                if check_out:
                    machine_rows.append((person.staff_number, check_out, "下班"))
        day += dt.timedelta(days=1)
    WindowSession.objects.bulk_create(logins)
    if machine_rows:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["工号", "打卡时间", "类型"])
        for number, at, kind in machine_rows:
            writer.writerow([number, timezone.localtime(at).strftime("%Y-%m-%d %H:%M:%S"), kind])
        services.import_punches(
            actor=admin,
            center=center,
            filename="考勤机导出-演示.csv",
            content=buffer.getvalue().encode("utf-8"),
            dry_run=False,
        )


def _leaves(center: Center, lead: User, admin: User, today: dt.date) -> None:
    department_id = lead.staff_profile.department_id if hasattr(lead, "staff_profile") else None
    members = list(
        StaffProfile.objects.filter(center=center, department_id=department_id, active=True)
        .exclude(user=lead)
        .select_related("user")
        .order_by("staff_number")[:3]
    )
    if not members or LeaveRequest.objects.filter(center=center).exists():
        return
    calendar = load_calendar()
    day = today - dt.timedelta(days=10)
    while not calendar.is_workday(day):
        day -= dt.timedelta(days=1)
    first = services.request_leave(
        actor=members[0].user,
        kind=LeaveRequest.Kind.ANNUAL,
        start=local_moment(day, dt.time(8)),
        end=local_moment(day, dt.time(18)),
        reason="年休假",
    )
    services.approve_leave_as_unit(actor=lead, leave=first, comment="同意")
    services.approve_leave_as_center(actor=admin, leave=first, comment="同意")
    if len(members) > 1:
        services.request_leave(
            actor=members[1].user,
            kind=LeaveRequest.Kind.SICK,
            start=local_moment(today + dt.timedelta(days=2), dt.time(8)),
            end=local_moment(today + dt.timedelta(days=2), dt.time(12)),
            reason="复诊",
        )
    if len(members) > 2:
        services.register_temporary_absence(
            actor=members[2].user,
            reason="到不动产登记中心协调业务",
            left_at=local_moment(day, dt.time(10)),
            returned_at=local_moment(day, dt.time(10, 50)),
        )


def _duty(center: Center, admin: User, today: dt.date) -> None:
    if DutyAssignment.objects.filter(center=center).exists():
        return
    calendar = load_calendar()
    day = today - dt.timedelta(days=1)
    while calendar.is_workday(day):
        day -= dt.timedelta(days=1)
    for person in StaffProfile.objects.filter(center=center, active=True).order_by("id")[:2]:
        services.schedule_duty(actor=admin, staff=person, date=day, note="双休日值班")


def _inspection(center: Center, inspector: User, today: dt.date) -> None:
    if Inspection.objects.filter(center=center).exists():
        return
    staff = list(
        StaffProfile.objects.filter(center=center, active=True, windows__isnull=False)
        .distinct()
        .prefetch_related("windows")
        .order_by("staff_number")[:3]
    )
    if not staff:
        return
    categories = {c.name: c for c in selectors.categories_for(center.pk)}
    when = local_moment(today - dt.timedelta(days=3), dt.time(10, 15))
    round_ = services.start_inspection(
        actor=inspector, center=center, area="一楼综合服务区", started_at=when
    )
    found = ["玩手机/做与工作无关的事", "着装不规范", "服务用语不规范"]
    for minutes, (person, name) in enumerate(zip(staff, found, strict=False)):
        violation = services.record_violation(
            actor=inspector,
            staff=person,
            category=categories[name],
            occurred_at=when + dt.timedelta(minutes=5 * minutes),
            inspection=round_,
            window=person.windows.first(),
            description="巡查发现",
        )
        if minutes == 1:
            services.appeal_violation(
                actor=person.user, violation=violation, reason="当日为单位统一着装调整"
            )
    services.finish_inspection(actor=inspector, inspection=round_, note="共发现3处问题")


def load_demo(center: Center, *, password: str) -> list[tuple[str, str]]:
    today = timezone.localdate()
    _timetables(center)
    admin = first_user_in_role(center, Role.CENTER_ADMIN)
    if admin is None:
        return []
    _duty(center, admin, today)
    _month_of_attendance(center, admin, today)
    lead = first_user_in_role(center, Role.UNIT_LEAD)
    if lead is not None:
        _leaves(center, lead, admin, today)
    inspector = first_user_in_role(center, Role.INSPECTOR)
    if inspector is not None:
        _inspection(center, inspector, today)
    # Through yesterday, as the nightly derivation has it: today is derived after it ends.
    yesterday = today - dt.timedelta(days=1)
    services.derive_range(center=center, start=today - dt.timedelta(days=DAYS), end=yesterday)
    return []
