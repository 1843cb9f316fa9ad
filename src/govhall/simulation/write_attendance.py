"""Attendance for a simulated month: assignments, the timetable, punches with some lateness and
early leaving, approved leave, and inspectors' rounds with a few violations
(govhall.attendance models); the attendance records are then derived by the attendance app's own
service (`derive_range`), as the nightly job does.
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
    Timetable,
    Violation,
)
from govhall.attendance.selectors import categories_for
from govhall.attendance.services import derive_range
from govhall.core.models import User
from govhall.core.roles import Role
from govhall.core.workdays import Calendar
from govhall.simulation import profiles, rows
from govhall.simulation.world import World, person_name

MORNING = (9 * 3600, 12 * 3600)
AFTERNOON = (13 * 3600 + 1800, 17 * 3600 + 1800)


@dataclass
class AttendanceMonth:
    punches: int = 0
    late: int = 0
    leave_days: int = 0
    inspections: int = 0
    violations: int = 0
    records: int = 0


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
    known = set(StaffAssignment.objects.filter(center=center).values_list("staff_id", flat=True))
    fresh = [s for s in world.staff if s.pk not in known]
    assignments = rows.insert(
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
    rows.insert(
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


def write_attendance(
    world: World,
    workdays: list[dt.date],
    *,
    horizon: dt.datetime,
    cal: Calendar,
    rng: random.Random,
) -> AttendanceMonth:
    center = world.center
    month = AttendanceMonth()
    first = workdays[0] if workdays else horizon.date()
    _ensure_setup(world, rows.at(first - dt.timedelta(days=60), 8 * 3600))
    punches: list[Punch] = []
    leaves: list[LeaveRequest] = []
    for day in workdays:
        for s in world.staff:
            if rng.random() < profiles.LEAVE_SHARE:
                leaves.append(
                    LeaveRequest(
                        center=center,
                        staff=s,
                        department_id=s.department_id,
                        kind=rng.choice(["personal", "sick", "annual", "official"]),
                        start=rows.at(day, MORNING[0]),
                        end=rows.at(day, AFTERNOON[1]),
                        reason="因事请假",
                        status=LeaveRequest.Status.APPROVED,
                        created_at=rows.at(day - dt.timedelta(days=1), 16 * 3600),
                    )
                )
                continue
            for start, end in (MORNING, AFTERNOON):
                late = rng.random() < profiles.LATE_SHARE
                month.late += late
                arrive = start + (rng.randint(60, 1800) if late else -rng.randint(60, 900))
                early = rng.random() < profiles.EARLY_LEAVE_SHARE
                leave = end - rng.randint(300, 1800) if early else end + rng.randint(0, 900)
                punches += [
                    Punch(
                        center=center,
                        staff=s,
                        punched_at=rows.at(day, arrive),
                        kind=Punch.Kind.IN,
                        source=Punch.Source.MACHINE,
                        created_at=rows.at(day, arrive),
                    ),
                    Punch(
                        center=center,
                        staff=s,
                        punched_at=rows.at(day, leave),
                        kind=Punch.Kind.OUT,
                        source=Punch.Source.MACHINE,
                        created_at=rows.at(day, leave),
                    ),
                ]
    with rows.historical_timestamps(Punch, LeaveRequest, LeaveEvent):
        rows.insert(Punch, punches)
        rows.insert(LeaveRequest, leaves)
        rows.insert(
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
        )
    month.punches, month.leave_days = len(punches), len(leaves)

    inspector = _inspector(world)
    categories = list(categories_for(center.pk))
    staff_at = list(world.window_staff.items())
    inspections, violations = [], []
    for day in workdays:
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
            if categories and rng.random() < profiles.VIOLATION_PER_INSPECTION:
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
    rows.insert(Inspection, inspections)
    for v in violations:
        v.inspection_id = v.inspection.pk
    rows.insert(Violation, violations)
    month.inspections, month.violations = len(inspections), len(violations)

    if workdays:
        results = derive_range(center=center, start=workdays[0], end=workdays[-1], now=horizon)
        month.records = sum(r.records for r in results)
    return month
