"""Writes of attendance: one function per business action, each one transaction.

Authorisation of a person's action is checked here (actor + scope), so the pages and the API
behave the same.
"""

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.attendance import intervals, punch_files, selectors
from govhall.attendance.intervals import Interval
from govhall.attendance.models import (
    AttendanceRecord,
    DutyAssignment,
    Inspection,
    LeaveEvent,
    LeaveRequest,
    PostAbsence,
    Punch,
    PunchImport,
    Session,
    StaffAssignment,
    TemporaryAbsence,
    Timetable,
    Violation,
    ViolationCategory,
    ViolationEvent,
)
from govhall.core.errors import (
    Conflict,
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
)
from govhall.core.models import Center
from govhall.core.roles import Role
from govhall.core.workdays import is_workday
from govhall.org.models import Department, StaffProfile, Window
from govhall.org.scoping import scope_for
from govhall.queueing.models import WindowPause, WindowSession

# --- helpers ----------------------------------------------------------------------------------


M = TypeVar("M", bound=Model)


def _lock(qs: QuerySet[M]) -> QuerySet[M]:
    """The one row-lock helper: lock in primary-key order so concurrent writers never deadlock."""
    return qs.select_for_update().order_by("pk")


def _save(obj: Model) -> Model:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise ValidationFailed(
            _("输入有误:%(msg)s") % {"msg": "; ".join(exc.messages)},
            detail=getattr(exc, "message_dict", exc.messages),
        ) from exc
    obj.save()
    return obj


def _require(actor: Any, perm: str, *, department_id: int | None, center_id: int) -> None:
    scope = scope_for(actor)
    scope.require(perm)
    scope.check_department(department_id, center_id)


def _profile_of(user: Any) -> StaffProfile:
    profile = StaffProfile.objects.filter(user=user).first() if user.is_authenticated else None
    if profile is None or not profile.active:
        raise PermissionDenied(_("您没有在岗的工作人员档案。"))
    return profile


def _is_self(actor: Any, staff: StaffProfile) -> bool:
    return bool(actor.is_authenticated and staff.user_id == actor.pk)


# --- timetables and duty ----------------------------------------------------------------------


@transaction.atomic
def create_timetable(
    *,
    center: Center,
    name: str,
    sessions: Sequence[tuple[str, dt.time, dt.time]],
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> Timetable:
    """A timetable with its sessions, e.g. ("上午", 09:00, 12:00), ("下午", 13:30, 17:30)."""
    if not sessions:
        raise ValidationFailed(_("作息时间表至少要有一个时段。"))
    ordered = sorted(sessions, key=lambda s: s[1])
    for (_n1, _s1, end1), (_n2, start2, _e2) in itertools.pairwise(ordered):
        if start2 < end1:
            raise ValidationFailed(_("时段不能重叠。"))
    timetable = _save(Timetable(center=center, name=name, valid_from=valid_from, valid_to=valid_to))
    for session_name, start, end in ordered:
        _save(Session(timetable=timetable, name=session_name, start=start, end=end))
    return timetable


@transaction.atomic
def schedule_duty(
    *, actor: Any, staff: StaffProfile, date: dt.date, note: str = ""
) -> DutyAssignment:
    """Put a staff member on the weekend duty roster (expected on that rest day)."""
    _require(
        actor,
        "attendance.add_dutyassignment",
        department_id=staff.department_id,
        center_id=staff.center_id,
    )
    if is_workday(date):
        raise ValidationFailed(_("%(date)s 是工作日,无需排值班。") % {"date": date})
    duty = DutyAssignment.objects.filter(staff=staff, date=date).first()
    if duty is not None:
        if not duty.cancelled:
            raise Conflict(_("该工作人员当天已在值班表中。"))
        duty.cancelled = False
        duty.note = note
        return _save(duty)
    return _save(DutyAssignment(center_id=staff.center_id, staff=staff, date=date, note=note))


@transaction.atomic
def cancel_duty(*, actor: Any, duty: DutyAssignment) -> DutyAssignment:
    _require(
        actor,
        "attendance.change_dutyassignment",
        department_id=duty.staff.department_id,
        center_id=duty.center_id,
    )
    duty.cancelled = True
    return _save(duty)


# --- punches ----------------------------------------------------------------------------------


def _record_punch(
    *,
    staff: StaffProfile,
    kind: str,
    source: str,
    at: dt.datetime,
    window: Window | None = None,
    reference: str = "",
    actor: Any = None,
    note: str = "",
    batch: PunchImport | None = None,
) -> Punch:
    if timezone.is_naive(at):
        raise ValidationFailed(_("打卡时间必须带时区。"))
    if at > timezone.now() + dt.timedelta(minutes=1):
        raise ValidationFailed(_("打卡时间不能晚于当前时间。"))
    return _save(
        Punch(
            center_id=staff.center_id,
            staff=staff,
            punched_at=at.replace(microsecond=0),
            kind=kind,
            source=source,
            window=window,
            reference=reference,
            entered_by=actor if getattr(actor, "is_authenticated", False) else None,
            note=note,
            batch=batch,
        )
    )


@transaction.atomic
def self_punch(*, user: Any, kind: str) -> Punch:
    """The staff member signs in or out now (本人签到/签退)."""
    staff = _profile_of(user)
    if kind not in (Punch.Kind.IN, Punch.Kind.OUT):
        raise ValidationFailed(_("签到类型无效。"))
    return _record_punch(staff=staff, kind=kind, source=Punch.Source.SELF, at=timezone.now())


@transaction.atomic
def enter_punch(*, actor: Any, staff: StaffProfile, kind: str, at: dt.datetime, note: str) -> Punch:
    """An administrator or the unit lead enters a punch for a staff member (补录), with a note."""
    _require(
        actor,
        "attendance.enter_punch",
        department_id=staff.department_id,
        center_id=staff.center_id,
    )
    if not note.strip():
        raise ValidationFailed(_("补录打卡须说明原因。"))
    if Punch.objects.filter(staff=staff, punched_at=at, kind=kind, source=Punch.Source.ENTRY):
        raise Conflict(_("该打卡记录已存在。"))
    return _record_punch(
        staff=staff, kind=kind, source=Punch.Source.ENTRY, at=at, actor=actor, note=note
    )


@transaction.atomic
def void_punch(*, actor: Any, punch: Punch, note: str) -> Punch:
    """Void a wrong punch (it stays on record, the derivation ignores it)."""
    _require(
        actor,
        "attendance.enter_punch",
        department_id=punch.staff.department_id,
        center_id=punch.center_id,
    )
    punch.voided = True
    punch.note = note or punch.note
    return _save(punch)


def terminal_reference(session: WindowSession, kind: str) -> str:
    return f"ws:{session.pk}:{kind}"


@transaction.atomic
def record_terminal_punches(*, window_session: WindowSession) -> list[Punch]:
    """Check-in and check-out from a window terminal login and logout (idempotent).

    The queueing terminal may call it on login and again on logout; `derive_day` also calls it
    for every terminal session of the day, so nothing is lost if the terminal never does.
    """
    staff = window_session.staff
    made: list[Punch] = []
    pairs = [(Punch.Kind.IN, window_session.opened_at)]
    if window_session.closed_at is not None:
        pairs.append((Punch.Kind.OUT, window_session.closed_at))
    for kind, at in pairs:
        reference = terminal_reference(window_session, kind)
        if Punch.objects.filter(
            center_id=staff.center_id, source=Punch.Source.TERMINAL, reference=reference
        ).exists():
            continue
        made.append(
            _record_punch(
                staff=staff,
                kind=kind,
                source=Punch.Source.TERMINAL,
                at=at,
                window=window_session.window,
                reference=reference,
            )
        )
    return made


@dataclass
class ImportReport:
    rows: int
    created: int
    skipped: int
    dry_run: bool
    batch_id: int | None = None
    preview: list[dict[str, Any]] = field(default_factory=list)


@transaction.atomic
def import_punches(
    *, actor: Any, center: Center, filename: str, content: bytes, dry_run: bool
) -> ImportReport:
    """Import an attendance machine's export (.csv or .xlsx): all rows or none.

    Columns: 工号 and 打卡时间 (or 日期 + 时间), optionally 类型 (上班/签到/下班/签退). Every row is
    checked first; the first bad row is named in the error and nothing is saved. A punch already
    imported is skipped, so importing the same file twice changes nothing.
    """
    _require(actor, "attendance.import_punches", department_id=None, center_id=center.pk)
    if not scope_for(actor).whole_center:
        raise PermissionDenied(_("只有中心管理员可以导入考勤机数据。"))
    parsed, errors = punch_files.parse(filename, content)
    staff_by_number = {
        s.staff_number: s
        for s in StaffProfile.objects.filter(
            center=center, staff_number__in={row.staff_number for row in parsed}
        )
    }
    now = timezone.now()
    for row in parsed:
        if row.staff_number not in staff_by_number:
            errors.append(
                {"row": row.line, "reason": _("工号 %(n)s 不存在") % {"n": row.staff_number}}
            )
        elif row.punched_at > now:
            errors.append({"row": row.line, "reason": _("打卡时间晚于当前时间")})
    if errors:
        errors.sort(key=lambda e: e["row"])
        first = errors[0]
        raise ValidationFailed(
            _("第%(row)s行:%(reason)s。文件未导入,请修改后重试。")
            % {"row": first["row"], "reason": first["reason"]},
            detail={"errors": errors},
        )
    existing = set(
        Punch.objects.filter(
            center=center,
            source=Punch.Source.MACHINE,
            staff__in=list(staff_by_number.values()),
            punched_at__in={row.punched_at for row in parsed},
        ).values_list("staff_id", "punched_at", "kind")
    )
    fresh: list[Punch] = []
    seen: set[tuple[int, dt.datetime, str]] = set()
    for row in parsed:
        staff = staff_by_number[row.staff_number]
        key = (staff.pk, row.punched_at, row.kind)
        if key in existing or key in seen:
            continue
        seen.add(key)
        fresh.append(
            Punch(
                center=center,
                staff=staff,
                punched_at=row.punched_at,
                kind=row.kind,
                source=Punch.Source.MACHINE,
                entered_by=actor,
            )
        )
    report = ImportReport(
        rows=len(parsed),
        created=len(fresh),
        skipped=len(parsed) - len(fresh),
        dry_run=dry_run,
        preview=[
            {
                "staff_number": p.staff.staff_number,
                "punched_at": p.punched_at.isoformat(),
                "kind": p.kind,
            }
            for p in fresh[:20]
        ],
    )
    if dry_run:
        return report
    batch = _save(
        PunchImport(
            center=center,
            filename=filename[:255],
            rows=report.rows,
            created=report.created,
            skipped=report.skipped,
            imported_by=actor,
        )
    )
    for punch in fresh:
        punch.batch = batch
    Punch.objects.bulk_create(fresh)
    report.batch_id = batch.pk
    return report


# --- leave (请销假) -----------------------------------------------------------------------------


def _leave_event(leave: LeaveRequest, type_: str, actor: Any, **details: Any) -> None:
    LeaveEvent.objects.create(leave=leave, type=type_, actor=actor, details=details)


def _locked_leave(leave: LeaveRequest) -> LeaveRequest:
    return _lock(LeaveRequest.objects.filter(pk=leave.pk)).get()


@transaction.atomic
def request_leave(
    *,
    actor: Any,
    kind: str,
    start: dt.datetime,
    end: dt.datetime,
    reason: str,
    staff: StaffProfile | None = None,
) -> LeaveRequest:
    """A staff member asks for leave (for themself; a unit lead may file it for their staff)."""
    staff = staff or _profile_of(actor)
    if not _is_self(actor, staff):
        _require(
            actor,
            "attendance.approve_leave_unit",
            department_id=staff.department_id,
            center_id=staff.center_id,
        )
    if not reason.strip():
        raise ValidationFailed(_("请填写请假事由。"))
    overlapping = LeaveRequest.objects.filter(
        staff=staff,
        status__in=[
            LeaveRequest.Status.PENDING_UNIT,
            LeaveRequest.Status.PENDING_CENTER,
            LeaveRequest.Status.APPROVED,
        ],
        start__lt=end,
        end__gt=start,
    )
    if overlapping.exists():
        raise Conflict(_("该时段已有请假申请。"))
    leave = _save(
        LeaveRequest(
            center_id=staff.center_id,
            staff=staff,
            department_id=staff.department_id,
            kind=kind,
            start=start,
            end=end,
            reason=reason,
        )
    )
    _leave_event(leave, LeaveEvent.Type.SUBMITTED, actor)
    return leave


@transaction.atomic
def approve_leave_as_unit(*, actor: Any, leave: LeaveRequest, comment: str = "") -> LeaveRequest:
    """First step: the unit lead of the staff member's department agrees (the centre takes this
    step for staff who belong to no department)."""
    leave = _locked_leave(leave)
    _require(
        actor,
        "attendance.approve_leave_unit"
        if leave.department_id is not None
        else "attendance.approve_leave_center",
        department_id=leave.department_id,
        center_id=leave.center_id,
    )
    if leave.status != LeaveRequest.Status.PENDING_UNIT:
        raise InvalidTransition(_("该请假不在待单位审批状态。"))
    if _is_self(actor, leave.staff):
        raise PermissionDenied(_("不能审批本人的请假。"))
    leave.status = LeaveRequest.Status.PENDING_CENTER
    _save(leave)
    _leave_event(leave, LeaveEvent.Type.UNIT_APPROVED, actor, comment=comment)
    return leave


@transaction.atomic
def approve_leave_as_center(*, actor: Any, leave: LeaveRequest, comment: str = "") -> LeaveRequest:
    """Second step: the centre approves; from now on the leave excuses the absence."""
    leave = _locked_leave(leave)
    _require(
        actor,
        "attendance.approve_leave_center",
        department_id=leave.department_id,
        center_id=leave.center_id,
    )
    if leave.status == LeaveRequest.Status.PENDING_UNIT:
        raise InvalidTransition(_("该请假须先经单位审批。"))
    if leave.status != LeaveRequest.Status.PENDING_CENTER:
        raise InvalidTransition(_("该请假不在待中心审批状态。"))
    if _is_self(actor, leave.staff):
        raise PermissionDenied(_("不能审批本人的请假。"))
    leave.status = LeaveRequest.Status.APPROVED
    _save(leave)
    _leave_event(leave, LeaveEvent.Type.CENTER_APPROVED, actor, comment=comment)
    return leave


@transaction.atomic
def reject_leave(*, actor: Any, leave: LeaveRequest, reason: str) -> LeaveRequest:
    """The approver of the current step refuses the leave, with a reason."""
    leave = _locked_leave(leave)
    perm = {
        LeaveRequest.Status.PENDING_UNIT: "attendance.approve_leave_unit",
        LeaveRequest.Status.PENDING_CENTER: "attendance.approve_leave_center",
    }.get(leave.status)
    if perm is None:
        raise InvalidTransition(_("该请假已办结,不能驳回。"))
    _require(actor, perm, department_id=leave.department_id, center_id=leave.center_id)
    if not reason.strip():
        raise ValidationFailed(_("请填写驳回理由。"))
    leave.status = LeaveRequest.Status.REJECTED
    _save(leave)
    _leave_event(leave, LeaveEvent.Type.REJECTED, actor, reason=reason)
    return leave


@transaction.atomic
def cancel_leave(*, actor: Any, leave: LeaveRequest) -> LeaveRequest:
    """The staff member withdraws a request not yet approved."""
    leave = _locked_leave(leave)
    if not _is_self(actor, leave.staff):
        raise PermissionDenied(_("只能撤销本人的请假。"))
    if leave.status not in (LeaveRequest.Status.PENDING_UNIT, LeaveRequest.Status.PENDING_CENTER):
        raise InvalidTransition(_("只能撤销尚未批准的请假;已批准的请办理销假。"))
    leave.status = LeaveRequest.Status.CANCELLED
    _save(leave)
    _leave_event(leave, LeaveEvent.Type.CANCELLED, actor)
    return leave


@transaction.atomic
def report_back(*, actor: Any, leave: LeaveRequest, at: dt.datetime | None = None) -> LeaveRequest:
    """销假: the staff member reports back; an early return shortens the leave."""
    leave = _locked_leave(leave)
    if not _is_self(actor, leave.staff):
        _require(
            actor,
            "attendance.approve_leave_unit",
            department_id=leave.department_id,
            center_id=leave.center_id,
        )
    if leave.status != LeaveRequest.Status.APPROVED:
        raise InvalidTransition(_("只有已批准的请假可以销假。"))
    if leave.returned_at is not None:
        raise InvalidTransition(_("该请假已销假。"))
    at = at or timezone.now()
    if at < leave.start:
        raise ValidationFailed(_("销假时间不能早于请假开始时间。"))
    leave.returned_at = at
    _save(leave)
    _leave_event(leave, LeaveEvent.Type.RETURNED, actor, at=at.isoformat())
    return leave


# --- temporary absence (临时外出登记) ---------------------------------------------------------


@transaction.atomic
def register_temporary_absence(
    *,
    actor: Any,
    reason: str,
    left_at: dt.datetime | None = None,
    returned_at: dt.datetime | None = None,
    staff: StaffProfile | None = None,
) -> TemporaryAbsence:
    """Register leaving the post for a while (time out, reason; time back now or later)."""
    staff = staff or _profile_of(actor)
    if not _is_self(actor, staff):
        _require(
            actor,
            "attendance.register_absence_for_others",
            department_id=staff.department_id,
            center_id=staff.center_id,
        )
    if not reason.strip():
        raise ValidationFailed(_("请填写外出事由。"))
    left_at = left_at or timezone.now()
    if TemporaryAbsence.objects.filter(staff=staff, returned_at__isnull=True).exists():
        raise Conflict(_("上一次外出尚未登记返回。"))
    return _save(
        TemporaryAbsence(
            center_id=staff.center_id,
            staff=staff,
            department_id=staff.department_id,
            left_at=left_at,
            returned_at=returned_at,
            reason=reason,
            registered_by=actor,
        )
    )


@transaction.atomic
def register_return(
    *, actor: Any, absence: TemporaryAbsence, at: dt.datetime | None = None
) -> TemporaryAbsence:
    absence = _lock(TemporaryAbsence.objects.filter(pk=absence.pk)).get()
    if not _is_self(actor, absence.staff):
        _require(
            actor,
            "attendance.register_absence_for_others",
            department_id=absence.department_id,
            center_id=absence.center_id,
        )
    if absence.returned_at is not None:
        raise InvalidTransition(_("该外出已登记返回。"))
    at = at or timezone.now()
    if at <= absence.left_at:
        raise ValidationFailed(_("返回时间须晚于外出时间。"))
    absence.returned_at = at
    return _save(absence)


# --- inspections and violations ---------------------------------------------------------------


@transaction.atomic
def start_inspection(
    *, actor: Any, center: Center, area: str = "", started_at: dt.datetime | None = None
) -> Inspection:
    _require(actor, "attendance.record_inspection", department_id=None, center_id=center.pk)
    if not scope_for(actor).whole_center:
        raise PermissionDenied(_("只有督查人员可以巡查。"))
    return _save(
        Inspection(
            center=center, inspector=actor, area=area, started_at=started_at or timezone.now()
        )
    )


@transaction.atomic
def finish_inspection(*, actor: Any, inspection: Inspection, note: str = "") -> Inspection:
    _require(
        actor, "attendance.record_inspection", department_id=None, center_id=inspection.center_id
    )
    if inspection.ended_at is not None:
        raise InvalidTransition(_("该巡查已结束。"))
    inspection.ended_at = timezone.now()
    inspection.note = note or inspection.note
    return _save(inspection)


@transaction.atomic
def record_violation(
    *,
    actor: Any,
    staff: StaffProfile,
    category: ViolationCategory,
    occurred_at: dt.datetime,
    inspection: Inspection | None = None,
    window: Window | None = None,
    points: Decimal | None = None,
    description: str = "",
    photo: UploadedFile | None = None,
) -> Violation:
    """An inspector records a violation (points default to the category's)."""
    _require(actor, "attendance.record_inspection", department_id=None, center_id=staff.center_id)
    if not scope_for(actor).whole_center:
        raise PermissionDenied(_("只有督查人员可以记录违规。"))
    for obj in (category, inspection, window):
        if obj is not None and obj.center_id != staff.center_id:
            raise ValidationFailed(_("记录中的对象不属于同一中心。"))
    if not category.is_active:
        raise ValidationFailed(_("该违规类别已停用。"))
    if occurred_at > timezone.now() + dt.timedelta(minutes=1):
        raise ValidationFailed(_("发现时间不能晚于当前时间。"))
    violation = Violation(
        center_id=staff.center_id,
        inspection=inspection,
        category=category,
        staff=staff,
        department_id=staff.department_id,
        window=window,
        occurred_at=occurred_at,
        description=description,
        points=category.default_points if points is None else points,
        recorded_by=actor,
    )
    if photo is not None:
        violation.photo = photo
    _save(violation)
    ViolationEvent.objects.create(
        violation=violation,
        type=ViolationEvent.Type.RECORDED,
        actor=actor,
        details={"category": category.name, "points": str(violation.points)},
    )
    return violation


@transaction.atomic
def appeal_violation(*, actor: Any, violation: Violation, reason: str) -> Violation:
    """The staff member (or their unit lead) appeals a violation; the centre will decide."""
    violation = _lock(Violation.objects.filter(pk=violation.pk)).get()
    if not _is_self(actor, violation.staff):
        _require(
            actor,
            "attendance.appeal_violation",
            department_id=violation.department_id,
            center_id=violation.center_id,
        )
        if not scope_for(actor).has_role(Role.UNIT_LEAD):
            raise PermissionDenied(_("只能由本人或本单位首席代表申诉。"))
    if violation.status != Violation.Status.RECORDED:
        raise InvalidTransition(_("该记录已申诉或已裁定。"))
    if not reason.strip():
        raise ValidationFailed(_("请填写申诉理由。"))
    violation.status = Violation.Status.APPEALED
    _save(violation)
    ViolationEvent.objects.create(
        violation=violation,
        type=ViolationEvent.Type.APPEALED,
        actor=actor,
        details={"reason": reason},
    )
    return violation


@transaction.atomic
def decide_appeal(*, actor: Any, violation: Violation, upheld: bool, comment: str) -> Violation:
    """The centre decides: an upheld appeal takes the violation out of the figures (kept)."""
    violation = _lock(Violation.objects.filter(pk=violation.pk)).get()
    _require(
        actor,
        "attendance.decide_appeal",
        department_id=violation.department_id,
        center_id=violation.center_id,
    )
    if violation.status != Violation.Status.APPEALED:
        raise InvalidTransition(_("该记录没有待裁定的申诉。"))
    if not comment.strip():
        raise ValidationFailed(_("请填写裁定意见。"))
    violation.status = Violation.Status.UPHELD if upheld else Violation.Status.CONFIRMED
    _save(violation)
    ViolationEvent.objects.create(
        violation=violation,
        type=ViolationEvent.Type.UPHELD if upheld else ViolationEvent.Type.CONFIRMED,
        actor=actor,
        details={"comment": comment},
    )
    return violation


# --- staff assignments (stability) -------------------------------------------------------------


def _open_assignment(staff: StaffProfile) -> StaffAssignment | None:
    return _lock(StaffAssignment.objects.filter(staff=staff, ended_at__isnull=True)).first()


def _start_assignment(
    *,
    staff: StaffProfile,
    department_id: int | None,
    window_ids: Iterable[int],
    at: dt.datetime,
    reason: str,
    actor: Any,
) -> StaffAssignment:
    assignment = _save(
        StaffAssignment(
            center_id=staff.center_id,
            staff=staff,
            department_id=department_id,
            started_at=at,
            reason=reason,
            changed_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
    )
    assignment.windows.set(list(window_ids))
    return assignment


def _record_assignment(
    *, staff: StaffProfile, at: dt.datetime, reason: str, actor: Any
) -> StaffAssignment | None:
    """Close the open assignment and open one matching the profile, if they differ."""
    window_ids = set(staff.windows.values_list("id", flat=True))
    current = _open_assignment(staff)
    if current is not None:
        same = current.department_id == staff.department_id and window_ids == set(
            current.windows.values_list("id", flat=True)
        )
        if same:
            return None
        current.ended_at = max(at, current.started_at)
        _save(current)
        at = current.ended_at
    return _start_assignment(
        staff=staff,
        department_id=staff.department_id,
        window_ids=window_ids,
        at=at,
        reason=reason,
        actor=actor,
    )


@transaction.atomic
def change_assignment(
    *,
    actor: Any,
    staff: StaffProfile,
    department: Department | None,
    windows: Sequence[Window],
    reason: str,
    at: dt.datetime | None = None,
) -> StaffAssignment | None:
    """Move a staff member to a department and windows; the assignment history records it."""
    _require(
        actor,
        "attendance.change_staff_assignment",
        department_id=None,
        center_id=staff.center_id,
    )
    if not scope_for(actor).whole_center:
        raise PermissionDenied(_("人员派驻调整须由中心办理。"))
    if not reason.strip():
        raise ValidationFailed(_("请填写变动原因。"))
    for obj in (department, *windows):
        if obj is not None and obj.center_id != staff.center_id:
            raise ValidationFailed(_("单位或窗口不属于该中心。"))
    staff = _lock(StaffProfile.objects.filter(pk=staff.pk)).get()
    staff.department = department
    _save(staff)
    staff.windows.set(windows)
    return _record_assignment(staff=staff, at=at or timezone.now(), reason=reason, actor=actor)


def _first_seen(staff: StaffProfile) -> dt.datetime:
    first = staff.history.order_by("history_date").values_list("history_date", flat=True).first()
    return first or timezone.now()


@transaction.atomic
def sync_assignments(
    *, center: Center, at: dt.datetime | None = None, since: dt.datetime | None = None
) -> int:
    """Record the changes made outside `change_assignment` (e.g. in the admin).

    A staff member no longer active (离岗) has their open assignment ended at `at`. Active staff
    with no assignment yet get one from their profile's creation (its first
    simple_history row), or from `since` when given; the others get a new one from `at` whenever
    their profile's department or windows differ from their open assignment. Returns the number
    of assignments opened.
    """
    at = at or timezone.now()
    opened = 0
    open_rows = {
        row.staff_id: row
        for row in StaffAssignment.objects.filter(
            center=center, ended_at__isnull=True
        ).prefetch_related("windows")
    }
    known = set(StaffAssignment.objects.filter(center=center).values_list("staff_id", flat=True))
    for staff in StaffProfile.objects.filter(center=center).prefetch_related("windows"):
        window_ids = {w.pk for w in staff.windows.all()}
        if not staff.active:
            current = open_rows.get(staff.pk)
            if current is not None:
                current.ended_at = max(at, current.started_at)
                _save(current)
            continue
        if staff.pk not in known:
            _start_assignment(
                staff=staff,
                department_id=staff.department_id,
                window_ids=window_ids,
                at=since or min(_first_seen(staff), at),
                reason=_("初始派驻"),
                actor=None,
            )
            opened += 1
            continue
        current = open_rows.get(staff.pk)
        unchanged = (
            current is not None
            and current.department_id == staff.department_id
            and {w.pk for w in current.windows.all()} == window_ids
        )
        if not unchanged and _record_assignment(
            staff=staff, at=at, reason=_("档案变更"), actor=None
        ):
            opened += 1
    return opened


# --- the derivation (per day, idempotent) -----------------------------------------------------


@dataclass
class DeriveResult:
    date: dt.date
    records: int
    post_absences: int


def _excused_intervals(
    center_id: int, span: Interval
) -> tuple[dict[int, list[Interval]], dict[int, list[Interval]]]:
    """(approved leave, leave + temporary absence) intervals per staff overlapping `span`."""
    since, until = span
    leave: dict[int, list[Interval]] = defaultdict(list)
    for row in LeaveRequest.objects.filter(
        center_id=center_id, status=LeaveRequest.Status.APPROVED, start__lt=until, end__gt=since
    ):
        leave[row.staff_id].append((row.start, row.effective_end))
    excused: dict[int, list[Interval]] = defaultdict(list)
    for staff_id, ivs in leave.items():
        excused[staff_id].extend(ivs)
    for row in TemporaryAbsence.objects.filter(center_id=center_id, left_at__lt=until).filter(
        Q(returned_at__isnull=True) | Q(returned_at__gt=since)
    ):
        excused[row.staff_id].append((row.left_at, row.returned_at or until))
    return leave, excused


def _session_domains(sessions: list[selectors.SessionSpec], day: dt.date) -> list[Interval]:
    """Each session owns the punches from the midpoint after the previous session to the
    midpoint before the next (the first from midnight, the last to midnight)."""
    day_start, day_end = selectors.local_day_bounds(day)
    bounds = [day_start]
    for before, after in itertools.pairwise(sessions):
        bounds.append(before.ends_at + (after.starts_at - before.ends_at) / 2)
    bounds.append(day_end)
    return list(itertools.pairwise(bounds))


def _attendance_of(
    *,
    session: selectors.SessionSpec,
    domain: Interval,
    punches: list[tuple[dt.datetime, str]],
    leave: list[Interval],
    excused: list[Interval],
    late_tolerance: dt.timedelta,
    early_tolerance: dt.timedelta,
) -> dict[str, Any]:
    """The derived attendance of one person in one session."""
    start, end = session.span
    middle = start + (end - start) / 2
    ins = [
        at
        for at, kind in punches
        if domain[0] <= at < domain[1]
        and ((kind == Punch.Kind.IN and at < end) or (kind == Punch.Kind.ANY and at < middle))
    ]
    outs = [
        at
        for at, kind in punches
        if domain[0] <= at < domain[1]
        and ((kind == Punch.Kind.OUT and at > start) or (kind == Punch.Kind.ANY and at >= middle))
    ]
    check_in = min(ins) if ins else None
    # A check-out before the check-in (logout, then login again) closes nothing.
    outs = [at for at in outs if check_in is None or at > check_in]
    result: dict[str, Any] = {
        "check_in": check_in,
        "check_out": max(outs) if outs else None,
        "late_minutes": 0,
        "early_minutes": 0,
        "missing_punches": 0,
    }
    S = AttendanceRecord.Status
    if intervals.covers(leave, session.span):
        return result | {"status": S.LEAVE}
    if intervals.covers(excused, session.span):
        return result | {"status": S.OUT}
    if result["check_in"] is None and result["check_out"] is None:
        return result | {"status": S.ABSENT}
    due_in = intervals.covered_from_start(session.span, excused)
    due_out = intervals.covered_to_end(session.span, excused)
    check_in, check_out = result["check_in"], result["check_out"]
    if check_in is None or check_out is None:
        result["missing_punches"] = 1
    if check_in is not None and check_in > due_in + late_tolerance:
        result["late_minutes"] = intervals.minutes((due_in, check_in))
    if check_out is not None and check_out < due_out - early_tolerance:
        result["early_minutes"] = intervals.minutes((check_out, due_out))
    return result | {"status": S.PRESENT}


def _upsert(model: type[M], existing: dict[Any, M], wanted: dict[Any, dict[str, Any]]) -> None:
    """Make the stored rows equal `wanted` (keyed like `existing`), keeping the ids of the rows
    that stay, so rerunning the derivation changes nothing."""
    to_create: list[M] = []
    to_update: list[M] = []
    fields: set[str] = set()
    for key, values in wanted.items():
        row = existing.pop(key, None)
        if row is None:
            to_create.append(model(**values))
            continue
        changed = {k: v for k, v in values.items() if getattr(row, k) != v}
        for k, v in changed.items():
            setattr(row, k, v)
        if changed:
            fields.update(changed)
            to_update.append(row)
    if existing:
        model.objects.filter(pk__in=[r.pk for r in existing.values()]).delete()
    model.objects.bulk_create(to_create)
    if to_update:
        model.objects.bulk_update(to_update, sorted(fields))


def _window_department(window: Window, staff: list[selectors.ExpectedStaff]) -> int | None:
    """The department answerable for a window: its staff's department when they share one,
    else the window's only department, else none (counted for the centre only)."""
    departments = {p.department_id for p in staff if p.department_id is not None}
    if len(departments) == 1:
        return departments.pop()
    window_departments = [d.pk for d in window.departments.all()]
    return window_departments[0] if len(window_departments) == 1 else None


# Pause reasons that account for the time away from the counter; a break (临时休息) does not,
# and "other" does only with a written note.
REGISTERED_PAUSE_REASONS = frozenset(
    {
        WindowPause.Reason.MEETING,
        WindowPause.Reason.BUSINESS,
        WindowPause.Reason.CONSULT,
        WindowPause.Reason.EQUIPMENT,
    }
)


def _pause_registered(pause: WindowPause) -> bool:
    if pause.reason == WindowPause.Reason.OTHER:
        return bool(pause.note.strip())
    return pause.reason in REGISTERED_PAUSE_REASONS


def _post_absences(
    *,
    center: Center,
    day: dt.date,
    sessions: list[selectors.SessionSpec],
    expected: list[selectors.ExpectedStaff],
    excused: dict[int, list[Interval]],
    now: dt.datetime,
) -> dict[Any, dict[str, Any]]:
    """空岗 of the day: windows with expected staff and no terminal login, and pauses over the
    centre's limit without a registered reason, each clipped to the sessions (and to now)."""
    conf = selectors.settings_for(center.pk)
    min_gap = dt.timedelta(minutes=conf.post_gap_minutes)
    pause_limit = dt.timedelta(minutes=conf.pause_limit_minutes)
    day_start, day_end = selectors.local_day_bounds(day)
    horizon = min(now, day_end)
    by_window: dict[int, list[selectors.ExpectedStaff]] = defaultdict(list)
    for person in expected:
        for window_id in person.window_ids:
            by_window[window_id].append(person)
    department_of = {p.staff_id: p.department_id for p in expected}
    windows = Window.objects.filter(center=center, is_open=True, pk__in=list(by_window))
    logins: dict[int, list[Interval]] = defaultdict(list)
    for row in WindowSession.objects.filter(window__in=windows, opened_at__lt=day_end).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gt=day_start)
    ):
        logins[row.window_id].append((row.opened_at, row.closed_at or horizon))
    pauses: dict[int, list[WindowPause]] = defaultdict(list)
    for row in WindowPause.objects.filter(window__in=windows, started_at__lt=day_end).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=day_start)
    ):
        pauses[row.window_id].append(row)
    wanted: dict[Any, dict[str, Any]] = {}
    for window in windows.prefetch_related("departments"):
        staff = by_window[window.pk]
        department_id = _window_department(window, staff)
        single_staff = staff[0].staff_id if len(staff) == 1 else None
        nobody_due = excused.get(staff[0].staff_id, [])
        for person in staff[1:]:
            nobody_due = intervals.intersect(nobody_due, excused.get(person.staff_id, []))
        for session in sessions:
            span = (session.starts_at, min(session.ends_at, horizon))
            if span[0] >= span[1]:
                continue
            for gap in intervals.subtract(span, logins[window.pk] + nobody_due):
                if gap[1] - gap[0] < min_gap:
                    continue
                wanted[(window.pk, PostAbsence.Kind.NO_LOGIN, gap[0])] = {
                    "center_id": center.pk,
                    "window_id": window.pk,
                    "department_id": department_id,
                    "staff_id": single_staff,
                    "date": day,
                    "kind": PostAbsence.Kind.NO_LOGIN,
                    "started_at": gap[0],
                    "ended_at": gap[1],
                    "minutes": intervals.minutes(gap),
                }
            for pause in pauses[window.pk]:
                pause_end = pause.ended_at or horizon
                if _pause_registered(pause) or pause_end - pause.started_at <= pause_limit:
                    continue
                clipped = (max(pause.started_at, span[0]), min(pause_end, span[1]))
                if clipped[0] >= clipped[1]:
                    continue
                for part in intervals.subtract(clipped, excused.get(pause.staff_id, [])):
                    wanted[(window.pk, PostAbsence.Kind.LONG_PAUSE, part[0])] = {
                        "center_id": center.pk,
                        "window_id": window.pk,
                        "department_id": department_of.get(pause.staff_id, department_id),
                        "staff_id": pause.staff_id,
                        "date": day,
                        "kind": PostAbsence.Kind.LONG_PAUSE,
                        "started_at": part[0],
                        "ended_at": part[1],
                        "minutes": intervals.minutes(part),
                    }
    return wanted


def _sync_terminal_punches(center: Center, span: Interval) -> None:
    """The punches of the terminal sessions opened or closed in `span`, made in one insert
    (the bulk form of `record_terminal_punches`)."""
    wanted: dict[str, Punch] = {}
    for row in WindowSession.objects.filter(window__center=center).filter(
        Q(opened_at__gte=span[0], opened_at__lt=span[1])
        | Q(closed_at__gte=span[0], closed_at__lt=span[1])
    ):
        moments = [(Punch.Kind.IN, row.opened_at), (Punch.Kind.OUT, row.closed_at)]
        for kind, moment in moments:
            if moment is None:
                continue
            reference = terminal_reference(row, kind)
            wanted[reference] = Punch(
                center=center,
                staff_id=row.staff_id,
                punched_at=moment.replace(microsecond=0),
                kind=kind,
                source=Punch.Source.TERMINAL,
                window_id=row.window_id,
                reference=reference,
            )
    known = set(
        Punch.objects.filter(
            center=center, source=Punch.Source.TERMINAL, reference__in=list(wanted)
        ).values_list("reference", flat=True)
    )
    Punch.objects.bulk_create(
        [punch for ref, punch in wanted.items() if ref not in known], ignore_conflicts=True
    )


@transaction.atomic
def derive_day(*, center: Center, day: dt.date, now: dt.datetime | None = None) -> DeriveResult:
    """Derive the day's attendance records and absences from post (idempotent: rerunning it
    leaves the same rows; run it again after late punches, leave or imports)."""
    now = now or timezone.now()
    sync_assignments(center=center, at=now)
    return _derive(center=center, day=day, now=now)


def derive_range(
    *, center: Center, start: dt.date, end: dt.date, now: dt.datetime | None = None
) -> list[DeriveResult]:
    """`derive_day` for every date of [start, end] (each day its own transaction)."""
    now = now or timezone.now()
    sync_assignments(center=center, at=now)
    results = []
    day = start
    while day <= end:
        with transaction.atomic():
            results.append(_derive(center=center, day=day, now=now))
        day += dt.timedelta(days=1)
    return results


def _derive(*, center: Center, day: dt.date, now: dt.datetime) -> DeriveResult:
    day_span = selectors.local_day_bounds(day)
    _sync_terminal_punches(center, day_span)
    conf = selectors.settings_for(center.pk)
    sessions = selectors.sessions_on(center.pk, day)
    if day_span[0] > now:
        sessions = []
    expected = selectors.expected_staff(center.pk, day) if sessions else []
    punches: dict[int, list[tuple[dt.datetime, str]]] = defaultdict(list)
    for staff_id, at, kind in Punch.objects.filter(
        center=center,
        voided=False,
        punched_at__gte=day_span[0],
        punched_at__lt=day_span[1],
        staff_id__in=[p.staff_id for p in expected],
    ).values_list("staff_id", "punched_at", "kind"):
        punches[staff_id].append((at, kind))
    leave, excused = _excused_intervals(center.pk, day_span)
    domains = _session_domains(sessions, day)
    fraction = (Decimal(1) / len(sessions)).quantize(Decimal("0.0001")) if sessions else 0
    late_tolerance = dt.timedelta(minutes=conf.late_tolerance_minutes)
    early_tolerance = dt.timedelta(minutes=conf.early_tolerance_minutes)
    wanted: dict[Any, dict[str, Any]] = {}
    for person in expected:
        for session, domain in zip(sessions, domains, strict=True):
            if session.starts_at >= now:
                continue
            derived = _attendance_of(
                session=session,
                domain=domain,
                punches=punches[person.staff_id],
                leave=leave.get(person.staff_id, []),
                excused=excused.get(person.staff_id, []),
                late_tolerance=late_tolerance,
                early_tolerance=early_tolerance,
            )
            wanted[(person.staff_id, session.starts_at)] = {
                "center_id": center.pk,
                "staff_id": person.staff_id,
                "department_id": person.department_id,
                "date": day,
                "session_name": session.name,
                "starts_at": session.starts_at,
                "ends_at": session.ends_at,
                "day_fraction": fraction,
                "on_duty_roster": person.on_duty_roster,
                **derived,
            }
    existing = {
        (r.staff_id, r.starts_at): r
        for r in AttendanceRecord.objects.filter(center=center, date=day)
    }
    _upsert(AttendanceRecord, existing, wanted)
    absences = _post_absences(
        center=center, day=day, sessions=sessions, expected=expected, excused=excused, now=now
    )
    existing_absences = {
        (r.window_id, r.kind, r.started_at): r
        for r in PostAbsence.objects.filter(center=center, date=day)
    }
    _upsert(PostAbsence, existing_absences, absences)
    return DeriveResult(date=day, records=len(wanted), post_absences=len(absences))
