"""Writes of the core app: the outbox, the working-day calendar and table statistics."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections, models, router, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.utils import bulk_create_with_history

from govhall.core import settings_rows, tabular
from govhall.core.clients import client_address
from govhall.core.error_codes import CoreError
from govhall.core.hooks import calendar_changed
from govhall.core.models import (
    Center,
    OutboxEvent,
    SecurityEvent,
    User,
    WorkCalendarDay,
    WorkCalendarYear,
)
from govhall.core.workdays import load_calendar

# GB/T 22239-2019 8.1.4.3: audit records are kept at least six months.
MIN_SECURITY_EVENT_RETENTION_DAYS = 183


def emit_outbox(
    *, center: Center | int, stream: str, kind: str, payload: dict[str, Any]
) -> OutboxEvent:
    """Record a change for the upstream platform, inside the caller's transaction.

    Call it from the service that makes the change, in the same ``transaction.atomic`` block,
    so the change and its outbox row commit or roll back together.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("emit_outbox must run inside the transaction of the change it records")
    center_id = center if isinstance(center, int) else center.pk
    return OutboxEvent.objects.create(
        center_id=center_id, stream=stream, kind=kind, payload=payload
    )


def create_center(center: Center) -> Center:
    """Save the new, unsaved `center` with its settings rows (`settings_rows`), in one
    transaction: every way a centre is made (admin, demo, test factories) goes through here."""
    with transaction.atomic():
        center.save(force_insert=True)
        settings_rows.create_rows(center)
    return center


def record_security_event(
    *,
    kind: SecurityEvent.Kind | str,
    request: HttpRequest | None = None,
    actor: Any = None,
    username: str = "",
    target: str = "",
    detail: dict[str, Any] | None = None,
) -> SecurityEvent:
    """Write one row of the security audit trail, in the caller's transaction if there is one.

    `actor` is the account acting (or being acted on, for a login); without it the request's
    user. `username` is the name typed at a failed login. Exports and unmaskings call this
    with ``kind=SecurityEvent.Kind.EXPORT`` / ``UNMASK`` and say what in `target` and `detail`.
    """
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    account = actor if isinstance(actor, User) and actor.pk else None
    name = account.get_username() if account else username
    return SecurityEvent.objects.create(
        kind=kind,
        center_id=account.center_id if account else None,
        actor=account,
        username=name.replace("\x00", "")[:150],
        address=client_address(request)[:45] if request is not None else "",
        target=target[:200],
        detail=detail or {},
    )


def verify_totp(*, request: HttpRequest, device: TOTPDevice, token: str) -> bool:
    """Check a code from the user's authenticator; on success the session is verified (and a
    pending device becomes the user's confirmed one), on failure the attempt is recorded.
    django-otp slows repeated failures down (``OTP_TOTP_THROTTLE_FACTOR``): an unsaved device
    (`core.selectors.totp_device`, the secret shown at enrolment) is saved as the user's pending
    one first, so the failures count against it."""
    with transaction.atomic():
        if device.pk is None:
            device.save()
        if not device.verify_token(token.strip()):
            record_security_event(
                kind=SecurityEvent.Kind.OTP_FAILED, request=request, actor=device.user
            )
            return False
        if not device.confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            record_security_event(
                kind=SecurityEvent.Kind.OTP_ENROLLED, request=request, actor=device.user
            )
    otp_login(request, device)
    return True


def purge_security_events(*, now: dt.datetime | None = None) -> int:
    """Delete the audit rows older than ``GOVHALL_SECURITY_EVENT_RETENTION_DAYS``; refuse a
    retention under six months. Return how many rows went."""
    days = settings.GOVHALL_SECURITY_EVENT_RETENTION_DAYS
    if days < MIN_SECURITY_EVENT_RETENTION_DAYS:
        raise CoreError.RETENTION_TOO_SHORT(
            _("安全审计记录至少保存%(min)s天,当前设置为%(days)s天。")
            % {"min": MIN_SECURITY_EVENT_RETENTION_DAYS, "days": days}
        )
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    with transaction.atomic():
        deleted, _by_model = SecurityEvent.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def refresh_statistics(*model_classes: type[models.Model]) -> None:
    """Have the database re-read the sizes and spreads of tables just loaded in bulk.

    The query planner chooses by these statistics; right after a bulk load (an import, a
    simulated month) they still describe the empty table and the month's figures would be
    computed by nested loops over a table believed to hold one row. PostgreSQL's autovacuum
    catches up only later, SQLite never does by itself.
    """
    for model in model_classes:
        db = connections[router.db_for_write(model)]
        with db.cursor() as cursor:
            cursor.execute(f"ANALYZE {db.ops.quote_name(model._meta.db_table)}")


@dataclass(frozen=True)
class CalendarRow:
    line: int
    date: dt.date
    kind: str
    name: str


CALENDAR_COLUMNS = ("date", "kind", "name")
# Rows of one calendar file: a year's notice has a few dozen.
CALENDAR_MAX_ROWS = 1000


def parse_calendar_csv(text: str) -> list[CalendarRow]:
    """Parse a State Council notice in govhall's CSV form (docs/calendar.md).

    Header ``date,kind,name``; one row per holiday on a weekday (kind ``holiday``) or make-up
    working day on a weekend (kind ``workday``). Every problem is reported, with its line.
    """
    reader = tabular.rows(text.encode(), "calendar.csv", max_rows=CALENDAR_MAX_ROWS)
    header = next(reader, None)
    if header is None or tuple(h.strip().lower() for h in header) != CALENDAR_COLUMNS:
        message = _("文件第1行应为表头 date,kind,name。")
        raise CoreError.BAD_HEADER(message, detail=[{"line": 1, "message": message}])
    rows: list[CalendarRow] = []
    errors: list[dict[str, Any]] = []
    seen: dict[dt.date, int] = {}
    for line, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        problem = None
        if len(record) != 3:
            problem = _("应有3列(日期、类型、名称)。")
        else:
            raw_date, kind, name = (cell.strip() for cell in record)
            try:
                day = dt.date.fromisoformat(raw_date)
            except ValueError:
                day = None
                problem = _("日期“%(value)s”不是YYYY-MM-DD格式。") % {"value": raw_date}
            if day is not None:
                if kind not in (WorkCalendarDay.Kind.HOLIDAY, WorkCalendarDay.Kind.WORKDAY):
                    problem = _("类型应为 holiday 或 workday,而不是“%(value)s”。") % {"value": kind}
                elif kind == WorkCalendarDay.Kind.WORKDAY and day.weekday() < 5:
                    problem = _("%(date)s是工作日,不能登记为调休上班日。") % {"date": day}
                elif day in seen:
                    problem = _("日期%(date)s与第%(line)s行重复。") % {
                        "date": day,
                        "line": seen[day],
                    }
                else:
                    seen[day] = line
                    rows.append(CalendarRow(line, day, kind, name))
        if problem:
            errors.append({"line": line, "message": problem})
    if errors:
        raise CoreError.BAD_CALENDAR_FILE(
            _("日历文件有%(n)s处错误,未导入任何数据。") % {"n": len(errors)}, detail=errors
        )
    if not rows:
        raise CoreError.EMPTY_CALENDAR_FILE(_("日历文件没有数据行。"))
    return rows


def _reaching_back(rows: list[CalendarRow]) -> set[int]:
    """The years of which the file holds only December days and which the next year follows:
    a notice's 元旦 reaching back into the year before (the 2012 notice: 2011-12-31 worked;
    the 2019 notice: 2018-12-29 worked, 12-31 off)."""
    years = {row.date.year for row in rows}
    return {
        year
        for year in years
        if year + 1 in years and all(r.date.month == 12 for r in rows if r.date.year == year)
    }


def import_calendar(*, text: str, file_name: str = "") -> list[int]:
    """Replace the years found in the file with its data (all or nothing); return those years.

    A notice's days in the December before its year (`_reaching_back`) are added to that year's
    stored data instead, day by day: it must be stored already (a few December days cannot
    make a whole year known).

    Tells `calendar_changed` the years, the calendar as it was before (`before`) and the dates
    whose working-day status the import changed (`changed_dates`, in order; none when the same
    file is imported again)."""
    rows = parse_calendar_csv(text)
    years = sorted({row.date.year for row in rows})
    merged = _reaching_back(rows)
    unknown = merged - set(
        WorkCalendarYear.objects.filter(year__in=merged).values_list("year", flat=True)
    )
    if unknown:
        raise CoreError.BAD_CALENDAR_FILE(
            _("日历文件有%(n)s处错误,未导入任何数据。") % {"n": len(unknown)},
            detail=[
                {
                    "line": min(r.line for r in rows if r.date.year == year),
                    "message": _(
                        "%(year)s年尚无日历数据,不能只导入其12月的几天:请先导入%(year)s年的通知。"
                    )
                    % {"year": year},
                }
                for year in sorted(unknown)
            ],
        )
    with transaction.atomic():
        before = load_calendar()
        for year in years:
            mine = [r for r in rows if r.date.year == year]
            if year in merged:
                record = WorkCalendarYear.objects.get(year=year)
                record.save(update_fields=["updated_at"])  # the cached calendars reload
                record.days.filter(date__in=[r.date for r in mine]).delete()
            else:
                record, _created = WorkCalendarYear.objects.update_or_create(
                    year=year,
                    defaults={
                        "source": WorkCalendarYear.Source.IMPORT,
                        "official": True,
                        "imported_file": file_name[:255],
                    },
                )
                record.days.all().delete()
            bulk_create_with_history(
                [WorkCalendarDay(year=record, date=r.date, kind=r.kind, name=r.name) for r in mine],
                WorkCalendarDay,
            )
        calendar_changed(
            years=years,
            before=before,
            changed_dates=before.changed_workdays(load_calendar(), years),
        )
    return years
