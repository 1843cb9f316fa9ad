"""Import of historical cases from a spreadsheet: every row checked, then all written at once
with bulk inserts (the case, its ``imported`` event and its outbox row)."""

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from django.db import connections, models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.cases.importing import (
    DEFAULT_MAPPING,
    ImportReport,
    MissingColumns,
    ParsedRow,
    RowChecker,
    RowError,
)
from govhall.cases.importing import (
    MAX_ROWS as MAX_IMPORT_ROWS,
)
from govhall.cases.models import Case, CaseEvent
from govhall.cases.selectors import get_case_settings
from govhall.cases.services.clocks import _apply_deadline
from govhall.cases.services.common import EventType, State, _next_numbers, outbox_payload
from govhall.catalog.models import ServiceItem
from govhall.core import tabular
from govhall.core.crypto import EncryptedTextField, KeyedHashField
from govhall.core.errors import PermissionDenied, ValidationFailed
from govhall.core.models import Center, OutboxEvent, User
from govhall.core.services import refresh_statistics
from govhall.core.workdays import load_calendar
from govhall.org.models import Window
from govhall.org.scoping import scope_for


def import_cases(
    *,
    center: Center,
    source: str | Path | IO[bytes],
    filename: str = "",
    mapping: dict[str, str] | None = None,
    dry_run: bool = False,
    actor: User | None = None,
    batch_size: int = 2000,
) -> ImportReport:
    """Import historical cases from an .xlsx or .csv file: all rows or none.

    Every row is checked first; a report lists each bad row (its number in the file, header =
    row 1) with the reasons. Only when every row is good (and not `dry_run`) are the cases
    written, in one transaction, with bulk inserts of `batch_size`: the case, an ``imported``
    event and its outbox row. Cases without a number get one from the centre's daily sequence;
    due dates are computed from the calendar and the item's limit.
    """
    if actor is not None:
        scope = scope_for(actor)
        scope.require("cases.import_cases")
        if not scope.all_centers and scope.center_id != center.pk:
            raise PermissionDenied(_("不能向其他中心导入办件。"))
    mapping = {**DEFAULT_MAPPING, **(mapping or {})}
    report = ImportReport(dry_run=dry_run)
    rows = tabular.rows(source, filename, max_rows=MAX_IMPORT_ROWS)
    header = next(rows, None)
    if header is None:
        raise ValidationFailed(_("文件为空。"))
    try:
        checker = RowChecker(
            header=header,
            mapping=mapping,
            items={
                i.code: (i.pk, i.limit_days)
                for i in ServiceItem.objects.filter(center=center).only(
                    "code", "immediate", "promised_limit_days", "legal_limit_days"
                )
            },
            windows=dict(Window.objects.filter(center=center).values_list("number", "pk")),
            now=timezone.now(),
        )
    except MissingColumns as exc:
        raise ValidationFailed(str(exc), code="bad_header") from exc
    parsed: list[ParsedRow] = []
    for offset, values in enumerate(rows, start=2):
        if not any(_cell_present(v) for v in values):
            continue
        report.total += 1
        outcome = checker.check(offset, values)
        if isinstance(outcome, RowError):
            report.errors.append(outcome)
        else:
            parsed.append(outcome)
    if report.total == 0:
        raise ValidationFailed(_("文件中没有办件数据。"))
    _check_existing_numbers(parsed, report)
    if report.errors or dry_run:
        report.errors.sort(key=lambda e: e.row)
        return report
    with transaction.atomic():
        _write_imported(center, parsed, actor=actor, batch_size=batch_size)
    refresh_statistics(Case, CaseEvent, OutboxEvent)
    report.imported = len(parsed)
    return report


def _cell_present(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def _check_existing_numbers(parsed: list[ParsedRow], report: ImportReport) -> None:
    numbered = {p.number: p for p in parsed if p.number}
    keys = list(numbered)
    for offset in range(0, len(keys), 5000):
        taken = Case.objects.filter(number__in=keys[offset : offset + 5000]).values_list(
            "number", flat=True
        )
        for number in taken:
            report.errors.append(
                RowError(numbered[number].row, _("办件编号 %(n)s 已存在") % {"n": number})
            )


def _write_imported(
    center: Center, parsed: list[ParsedRow], *, actor: User | None, batch_size: int
) -> None:
    cal = load_calendar()
    settings = get_case_settings(center.pk)
    items = ServiceItem.objects.filter(center=center).select_related("department").in_bulk()
    by_day: dict[dt.date, list[ParsedRow]] = {}
    for p in parsed:
        if not p.number:
            by_day.setdefault(timezone.localdate(p.accepted_at), []).append(p)
    for day, group in by_day.items():
        for p, number in zip(group, _next_numbers(center, day, len(group)), strict=True):
            p.number = number
    now = timezone.now()
    for offset in range(0, len(parsed), batch_size):
        cases = []
        for p in parsed[offset : offset + batch_size]:
            state = (
                State.DELIVERED
                if p.delivered_at
                else State.COMPLETED
                if p.completed_at
                else State.ACCEPTED
            )
            case = Case(
                center=center,
                number=p.number,
                item=items[p.item_id],
                department=items[p.item_id].department,
                applicant_type=p.applicant_type,
                applicant_name=p.applicant_name,
                id_number=p.id_number,
                uscc=p.uscc,
                phone=p.phone,
                channel=p.channel,
                window_id=p.window_id,
                state=state,
                result=p.result,
                reason=p.reason,
                limit_days=p.limit_days,
                accepted_at=p.accepted_at,
                completed_at=p.completed_at,
                delivered_at=p.delivered_at,
                delivery_method=Case.Delivery.WINDOW if p.delivered_at else "",
                imported=True,
            )
            _apply_deadline(case, cal=cal, settings=settings, stops=())
            cases.append(case)
        _fast_insert(Case, cases)
        ids = dict(
            Case.objects.filter(number__in=[c.number for c in cases]).values_list("number", "pk")
        )
        for case in cases:
            case.pk = ids[case.number]
        events = [
            CaseEvent(
                center=center,
                case=case,
                type=EventType.IMPORTED,
                actor=actor,
                at=now,
                from_state="",
                to_state=case.state,
            )
            for case in cases
        ]
        _fast_insert(CaseEvent, events)
        _fast_insert(
            OutboxEvent,
            [
                OutboxEvent(
                    center=center,
                    stream=f"case:{case.number}",
                    kind=f"case.{EventType.IMPORTED}",
                    payload=outbox_payload(case, event),
                    created_at=now,
                )
                for case, event in zip(cases, events, strict=True)
            ],
        )


_MAX_PARAMS = 30000  # below SQLite's 32766 and PostgreSQL's 65535 bind parameters


# Fields whose value the database cannot take as set: adapted dates, JSON and UUIDs, encrypted
# personal numbers and their keyed hashes (computed by ``pre_save``).
_PREPARED_FIELDS = (
    models.DateTimeField,
    models.DateField,
    models.JSONField,
    models.UUIDField,
    EncryptedTextField,
    KeyedHashField,
)


def _fast_insert(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """INSERT many new rows fast: COPY on PostgreSQL, multi-row INSERTs on SQLite.

    No signals, history or returned ids. `bulk_create` spends most of a 100,000-row import
    preparing each value through the query compiler; here only the values that need the
    database's adaptation (dates, JSON, UUIDs) or encryption (phones, ID numbers and their keyed
    hashes) go through their field.
    """
    if not objs:
        return
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    head = "INSERT INTO {} ({}) VALUES ".format(
        quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    )
    one_row = "({})".format(", ".join(["%s"] * len(fields)))
    plan = [(f.attname, f if isinstance(f, _PREPARED_FIELDS) else None) for f in fields]
    rows = []
    for obj in objs:
        row = []
        for attname, field in plan:
            if field is None:
                row.append(getattr(obj, attname))
                continue
            if getattr(obj, attname) is None and field.has_default():
                setattr(obj, attname, field.get_default())
            row.append(field.get_db_prep_save(field.pre_save(obj, True), connection))
        rows.append(row)
    if connection.vendor == "postgresql":
        columns = ", ".join(quote(f.column) for f in fields)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
            ) as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    per_statement = max(1, _MAX_PARAMS // len(fields))
    with connection.cursor() as cursor:
        for offset in range(0, len(rows), per_statement):
            chunk = rows[offset : offset + per_statement]
            cursor.execute(
                head + ", ".join([one_row] * len(chunk)), [v for row in chunk for v in row]
            )
