"""Reads of training and rotation: who a session is for, and the year's figures (seeds 003/004)."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from govhall.org.models import Department, StaffProfile
from govhall.org.scoping import Scope
from govhall.training.errors import TrainingError
from govhall.training.models import Rotation, TrainingAttendance, TrainingSession


def visible_sessions(scope: Scope, *, year: int | None = None) -> QuerySet[TrainingSession]:
    """Sessions of the user's centre (a session is the hall's, whoever its audience is)."""
    qs = scope.filter(TrainingSession.objects.all(), department_field=None)
    if year is not None:
        qs = qs.filter(held_on__year=year)
    return qs.prefetch_related("departments")


def visible_session(scope: Scope, pk: int) -> TrainingSession:
    """One session of the user's centre, or `session_not_found`."""
    session = visible_sessions(scope).filter(pk=pk).first()
    if session is None:
        raise TrainingError.SESSION_NOT_FOUND(_("培训不存在。"))
    return session


def visible_rotations(scope: Scope, *, year: int | None = None) -> QuerySet[Rotation]:
    qs = scope.filter(Rotation.objects.all(), department_field="department")
    if year is not None:
        qs = qs.filter(started_on__year=year)
    return qs.select_related("staff__user", "department", "to_window")


def audience(session: TrainingSession) -> QuerySet[StaffProfile]:
    """The people a session is for: the active staff of its departments (all of them when it
    names none), and anyone already recorded for it."""
    staff = StaffProfile.objects.filter(center_id=session.center_id, active=True)
    department_ids = [d.pk for d in session.departments.all()]
    if department_ids:
        staff = staff.filter(department_id__in=department_ids)
    recorded = session.attendances.values("staff_id")
    return (
        (
            StaffProfile.objects.filter(pk__in=staff.values("pk"))
            | StaffProfile.objects.filter(pk__in=recorded)
        )
        .select_related("user", "department")
        .order_by("department__sort_order", "department__name", "staff_number")
    )


def rotatable_staff(scope: Scope) -> QuerySet[StaffProfile]:
    """The active staff whose rotation the user may register (their centre, or their unit)."""
    return scope.filter(
        StaffProfile.objects.filter(active=True).select_related("user", "department")
    )


def attendance_of(session: TrainingSession, scope: Scope) -> QuerySet[TrainingAttendance]:
    return scope.filter(session.attendances.all(), department_field="department").select_related(
        "staff__user", "department"
    )


def _ratio(part: int, whole: int) -> Decimal | None:
    return Decimal(part) / Decimal(whole) if whole else None


@dataclass
class UnitTraining:
    """One department's training year; `coverage` is None where the unit has no staff."""

    department_id: int
    name: str
    staff: int = 0
    trained: int = 0
    attendances: int = 0
    person_hours: Decimal = Decimal(0)
    rotations: int = 0

    @property
    def coverage(self) -> Decimal | None:
        return _ratio(self.trained, self.staff)


@dataclass
class TrainingYear:
    """The figures of one year: 培训N期、N人次、N人·学时,轮岗交流N次,学习覆盖率N%."""

    year: int
    sessions_held: int
    sessions_planned: int
    attendances: int
    person_hours: Decimal
    staff: int
    trained: int
    rotations: int
    by_topic: dict[str, int] = field(default_factory=dict)
    units: list[UnitTraining] = field(default_factory=list)

    @property
    def coverage(self) -> Decimal | None:
        return _ratio(self.trained, self.staff)


def training_year(*, center_id: int, year: int, department_id: int | None = None) -> TrainingYear:
    """The year's training and rotation, for the centre or one department.

    Sessions count once held (the centre's sessions, also for one department); 人次 counts the
    present; the coverage (学习覆盖率) is the share of today's active staff who took part in at
    least one session of the year. Attendances and rotations count under the unit the person
    belonged to at the time.
    """
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    sessions = TrainingSession.objects.filter(center_id=center_id, held_on__range=(start, end))
    held = sessions.filter(state=TrainingSession.State.HELD)
    present = TrainingAttendance.objects.filter(center_id=center_id, session__in=held, present=True)
    staff = StaffProfile.objects.filter(center_id=center_id, active=True)
    rotations = Rotation.objects.filter(center_id=center_id, started_on__range=(start, end))
    departments = Department.objects.filter(center_id=center_id, is_active=True)
    if department_id is not None:
        present = present.filter(department_id=department_id)
        staff = staff.filter(department_id=department_id)
        rotations = rotations.filter(department_id=department_id)
        departments = departments.filter(pk=department_id)

    units = {d.pk: UnitTraining(d.pk, d.name) for d in departments}
    trained_ids = set(present.values_list("staff_id", flat=True))
    for staff_id, unit_id in staff.values_list("pk", "department_id"):
        if unit_id in units:
            units[unit_id].staff += 1
            units[unit_id].trained += staff_id in trained_ids
    for unit_id, hours in present.values_list("department_id", "session__hours"):
        if unit_id in units:
            units[unit_id].attendances += 1
            units[unit_id].person_hours += hours
    for unit_id in rotations.values_list("department_id", flat=True):
        if unit_id in units:
            units[unit_id].rotations += 1

    held_topics = Counter(held.values_list("topic", flat=True))
    topics = dict(TrainingSession.Topic.choices)
    return TrainingYear(
        year=year,
        sessions_held=sum(held_topics.values()),
        sessions_planned=sessions.filter(state=TrainingSession.State.PLANNED).count(),
        attendances=sum(u.attendances for u in units.values()),
        person_hours=sum((u.person_hours for u in units.values()), Decimal(0)),
        staff=sum(u.staff for u in units.values()),
        trained=sum(u.trained for u in units.values()),
        rotations=sum(u.rotations for u in units.values()),
        by_topic={str(topics[k]): n for k, n in sorted(held_topics.items())},
        units=sorted(units.values(), key=lambda u: (-u.attendances, u.name)),
    )
