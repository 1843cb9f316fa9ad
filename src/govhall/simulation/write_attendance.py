"""Attendance for a simulated month, from the days the roster drew (`staffing.plan_day`): the
back office punches the attendance machine, window staff are punched by their terminal logins
(written with the queue), leave is approved, registered temporary absences are kept, and
inspectors make their rounds with a few violations (govhall.attendance models). The records and
空岗 are then derived by the attendance app's own service (`derive_range`), as the nightly job
does.
"""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import Group

from govhall.attendance.models import (
    Inspection,
    LeaveEvent,
    LeaveRequest,
    Punch,
    Session,
    StaffAssignment,
    TemporaryAbsence,
    Timetable,
    Violation,
)
from govhall.attendance.selectors import categories_for
from govhall.attendance.services import derive_range
from govhall.core import bulk
from govhall.core.models import User
from govhall.core.roles import Role
from govhall.core.workdays import Calendar
from govhall.simulation import profiles, rows
from govhall.simulation.staffing import StaffDay
from govhall.simulation.world import World, person_name


@dataclass
class AttendanceMonth:
    punches: int = 0
    leave_days: int = 0
    outings: int = 0
    inspections: int = 0
    violations: int = 0
    records: int = 0


def ensure_setup(world: World, first: dt.date) -> None:
    """The timetable and every staff member's assignment, from two months before `first`."""
    _ensure_setup(world, rows.at(first - dt.timedelta(days=60), 8 * 3600))


def _ensure_setup(world: World, since: dt.datetime) -> None:
    center = world.center
    if not Timetable.objects.filter(center=center, is_active=True).exists():
        timetable = Timetable.objects.create(center=center, name="默认作息")
        Session.objects.bulk_create(
            [
                Session(timetable=timetable, name="上午", start=dt.time(9), end=dt.time(12)),
                Session(
                    timetable=timetable, name="下午", start=dt.time(13, 30), end=dt.time(17, 30)
                ),
            ]
        )
    # A month simulated before the months already simulated (May, then January): the staff's
    # first assignment, the simulation's own, began two months before May; it begins earlier
    # now, or nobody would be assigned, hence scheduled, in January (无出勤记录 for every unit).
    first: dict[int, StaffAssignment] = {}
    for row in StaffAssignment.objects.filter(center=center).order_by("staff_id", "started_at"):
        first.setdefault(row.staff_id, row)
    moved = [a for a in first.values() if a.reason == "初始派驻" and a.started_at > since]
    for a in moved:
        a.started_at = since
    StaffAssignment.objects.bulk_update(moved, ["started_at"])
    known = set(first)
    fresh = [s for s in world.staff if s.pk not in known]
    assignments = bulk.insert(
        StaffAssignment,
        (
            StaffAssignment(
                center=center,
                staff=s,
                department_id=s.department_id,
                started_at=since,
                reason="初始派驻",
            )
            for s in fresh
        ),
    )
    windows_of: dict[int, list[int]] = {}
    for w, s in world.window_staff.items():
        windows_of.setdefault(s.pk, []).append(w)
    Through = StaffAssignment.windows.through
    bulk.insert(
        Through,
        (
            Through(staffassignment_id=a.pk, window_id=w)
            for a in assignments
            for w in windows_of.get(a.staff_id, [])
        ),
    )


def _inspector(world: World) -> User:
    username = f"sim{world.center.region_code}-inspector"
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"center": world.center, "full_name": "督查室", "password": "!"},
    )
    if created:
        user.groups.add(Group.objects.get(name=Role.INSPECTOR.value))
    return user


def _punch(world: World, staff_id: int, day: dt.date, second: float, kind: str) -> Punch:
    moment = rows.at(day, second)
    return Punch(
        center=world.center,
        staff_id=staff_id,
        punched_at=moment,
        kind=kind,
        source=Punch.Source.MACHINE,
        created_at=moment,
    )


def write_attendance(
    world: World,
    roster: dict[dt.date, list[StaffDay]],
    *,
    horizon: dt.datetime,
    cal: Calendar,
    rng: random.Random,
) -> AttendanceMonth:
    center = world.center
    month = AttendanceMonth()
    workdays = sorted(roster)
    department_of = {s.pk: s.department_id for s in world.staff}
    punches: list[Punch] = []
    leaves: list[LeaveRequest] = []
    outings: list[TemporaryAbsence] = []
    for day in workdays:
        for plan in roster[day]:
            if plan.leave:
                leaves.append(
                    LeaveRequest(
                        center=center,
                        staff_id=plan.staff_id,
                        department_id=department_of[plan.staff_id],
                        kind=rng.choice(["personal", "sick", "annual", "official"]),
                        start=rows.at(day, 8 * 3600),
                        end=rows.at(day, 18 * 3600),
                        reason="因事请假",
                        status=LeaveRequest.Status.APPROVED,
                        created_at=rows.at(day - dt.timedelta(days=1), 16 * 3600),
                    )
                )
            if plan.window_id is None:  # window staff are punched by their terminal logins
                for arrive, leave in plan.attendance:
                    punches.append(_punch(world, plan.staff_id, day, arrive, Punch.Kind.IN))
                    punches.append(_punch(world, plan.staff_id, day, leave, Punch.Kind.OUT))
            for left, back in plan.outings:
                outings.append(
                    TemporaryAbsence(
                        center=center,
                        staff_id=plan.staff_id,
                        department_id=department_of[plan.staff_id],
                        left_at=rows.at(day, left),
                        returned_at=rows.at(day, back),
                        reason=rng.choice(["送达文书", "到后台协调", "外出核查"]),
                        created_at=rows.at(day, left),
                    )
                )
    bulk.insert(Punch, punches, keep_timestamps=True)
    bulk.insert(LeaveRequest, leaves, keep_timestamps=True)
    bulk.insert(TemporaryAbsence, outings, keep_timestamps=True)
    bulk.insert(
        LeaveEvent,
        (
            LeaveEvent(leave=lv, type=kind, at=lv.created_at + dt.timedelta(hours=h))
            for lv in leaves
            for kind, h in (
                (LeaveEvent.Type.SUBMITTED, 0),
                (LeaveEvent.Type.UNIT_APPROVED, 1),
                (LeaveEvent.Type.CENTER_APPROVED, 2),
            )
        ),
        keep_timestamps=True,
    )
    month.punches, month.leave_days, month.outings = len(punches), len(leaves), len(outings)

    inspector = _inspector(world)
    categories = list(categories_for(center.pk))
    inspections, violations = [], []
    for day in workdays:
        # Inspectors find people at their windows: those the roster has there that day.
        at_work = {p.staff_id for p in roster[day] if p.shifts}
        staff_at = [(w, s) for w, s in world.window_staff.items() if s.pk in at_work]
        for k in range(profiles.INSPECTIONS_PER_WORKDAY):
            started = rows.at(day, (10 if k == 0 else 15) * 3600 + rng.randint(0, 1800))
            insp = Inspection(
                center=center,
                inspector=inspector,
                started_at=started,
                ended_at=started + dt.timedelta(minutes=30),
                area="大厅",
                note="例行巡查",
            )
            inspections.append(insp)
            if staff_at and categories and rng.random() < profiles.VIOLATION_PER_INSPECTION:
                window_id, staff = rng.choice(staff_at)
                category = rng.choice(categories)
                violations.append(
                    Violation(
                        center=center,
                        inspection=insp,
                        category=category,
                        staff=staff,
                        department_id=staff.department_id,
                        window_id=window_id,
                        occurred_at=started + dt.timedelta(minutes=10),
                        description=f"{person_name(rng)}反映:{category.name}",
                        points=Decimal(category.default_points),
                        recorded_by=inspector,
                    )
                )
    bulk.insert(Inspection, inspections)
    for v in violations:
        v.inspection_id = v.inspection.pk
    bulk.insert(Violation, violations)
    month.inspections, month.violations = len(inspections), len(violations)

    if workdays:
        results = derive_range(center=center, start=workdays[0], end=workdays[-1], now=horizon)
        month.records = sum(r.records for r in results)
    return month
