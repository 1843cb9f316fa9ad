"""Writes of the core app: the outbox, the working-day calendar and table statistics."""

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.db import connections, models, router, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from govhall.core.errors import ValidationFailed
from govhall.core.hooks import calendar_changed
from govhall.core.models import Center, OutboxEvent, WorkCalendarDay, WorkCalendarYear


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


def parse_calendar_csv(text: str) -> list[CalendarRow]:
    """Parse a State Council notice in govhall's CSV form (docs/calendar.md).

    Header ``date,kind,name``; one row per holiday on a weekday (kind ``holiday``) or make-up
    working day on a weekend (kind ``workday``). Every problem is reported, with its line.
    """
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if header is None or tuple(h.strip().lower() for h in header) != CALENDAR_COLUMNS:
        raise ValidationFailed(
            _("文件第1行应为表头 date,kind,name。"), code="bad_header", detail={"line": 1}
        )
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
        raise ValidationFailed(
            _("日历文件有%(n)s处错误,未导入任何数据。") % {"n": len(errors)},
            code="bad_calendar_file",
            detail=errors,
        )
    if not rows:
        raise ValidationFailed(_("日历文件没有数据行。"), code="empty_calendar_file")
    return rows


def import_calendar(*, text: str, file_name: str = "") -> list[int]:
    """Replace the years found in the file with its data (all or nothing); return those years."""
    rows = parse_calendar_csv(text)
    years = sorted({row.date.year for row in rows})
    with transaction.atomic():
        for year in years:
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
                [
                    WorkCalendarDay(year=record, date=r.date, kind=r.kind, name=r.name)
                    for r in rows
                    if r.date.year == year
                ],
                WorkCalendarDay,
            )
        calendar_changed(years=years)
    return years
