"""Punches: self sign-in, entries by an administrator, window terminals, machine imports."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.attendance import punch_files
from govhall.attendance.errors import AttendanceError
from govhall.attendance.models import Punch, PunchImport
from govhall.attendance.services.common import profile_of, require_over
from govhall.core.models import Center
from govhall.core.writes import acting_user, validated_save
from govhall.org.models import StaffProfile, Window
from govhall.org.scoping import require_perm, scope_for
from govhall.queueing.models import WindowSession


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
        raise AttendanceError.PUNCH_TIME_NAIVE(_("打卡时间必须带时区。"))
    if at > timezone.now() + dt.timedelta(minutes=1):
        raise AttendanceError.TIME_IN_FUTURE(_("打卡时间不能晚于当前时间。"))
    return validated_save(
        Punch(
            center_id=staff.center_id,
            staff=staff,
            punched_at=at.replace(microsecond=0),
            kind=kind,
            source=source,
            window=window,
            reference=reference,
            entered_by=acting_user(actor),
            note=note,
            batch=batch,
        )
    )


@transaction.atomic
def self_punch(*, user: Any, kind: str) -> Punch:
    """The staff member signs in or out now (本人签到/签退)."""
    staff = profile_of(user)
    if kind not in (Punch.Kind.IN, Punch.Kind.OUT):
        raise AttendanceError.PUNCH_KIND_INVALID(_("签到类型无效。"))
    return _record_punch(staff=staff, kind=kind, source=Punch.Source.SELF, at=timezone.now())


@transaction.atomic
def enter_punch(*, actor: Any, staff: StaffProfile, kind: str, at: dt.datetime, note: str) -> Punch:
    """An administrator or the unit lead enters a punch for a staff member (补录), with a note."""
    require_over(actor, "attendance.enter_punch", staff)
    if not note.strip():
        raise AttendanceError.REASON_REQUIRED(_("补录打卡须说明原因。"))
    if Punch.objects.filter(staff=staff, punched_at=at, kind=kind, source=Punch.Source.ENTRY):
        raise AttendanceError.PUNCH_EXISTS(_("该打卡记录已存在。"))
    return _record_punch(
        staff=staff, kind=kind, source=Punch.Source.ENTRY, at=at, actor=actor, note=note
    )


@transaction.atomic
def void_punch(*, actor: Any, punch: Punch, note: str) -> Punch:
    """Void a wrong punch (it stays on record, the derivation ignores it)."""
    require_perm(
        actor,
        "attendance.enter_punch",
        department_id=punch.staff.department_id,
        center_id=punch.center_id,
    )
    punch.voided = True
    punch.note = note or punch.note
    return validated_save(punch)


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
    require_perm(actor, "attendance.import_punches", department_id=None, center_id=center.pk)
    if not scope_for(actor).whole_center:
        raise AttendanceError.CENTER_ONLY(_("只有中心管理员可以导入考勤机数据。"))
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
        raise AttendanceError.PUNCH_FILE_INVALID(
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
    batch = validated_save(
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
