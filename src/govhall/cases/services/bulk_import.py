"""Import of historical cases from a spreadsheet: every row checked, then all written at once
with the bulk writer `core.bulk.insert` (the case, its ``imported`` event and its outbox row)."""

import datetime as dt
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.cases.errors import CaseError
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
from govhall.cases.selectors import case_settings
from govhall.cases.services.clocks import _apply_deadline
from govhall.cases.services.common import EventType, State, case_outbox, next_numbers
from govhall.catalog.models import ServiceItem
from govhall.core import bulk, tabular
from govhall.core.models import Center, OutboxEvent, User
from govhall.core.services import refresh_statistics
from govhall.core.workdays import load_calendar
from govhall.org.models import Window
from govhall.org.scoping import scope_for


def authorize_import(*, actor: User | None, center: Center) -> None:
    """Who imports historical cases: the import permission, into their own centre (None: the
    system)."""
    if actor is None:
        return
    scope = scope_for(actor)
    scope.require("cases.import_cases")
    if not scope.all_centers and scope.center_id != center.pk:
        raise CaseError.OTHER_CENTER(_("不能向其他中心导入办件。"))


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
    authorize_import(actor=actor, center=center)
    mapping = {**DEFAULT_MAPPING, **(mapping or {})}
    report = ImportReport(dry_run=dry_run)
    rows = tabular.rows(source, filename, max_rows=MAX_IMPORT_ROWS)
    header = next(rows, None)
    if header is None:
        raise CaseError.FILE_EMPTY(_("文件为空。"))
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
        raise CaseError.BAD_HEADER(str(exc)) from exc
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
        raise CaseError.NO_ROWS(_("文件中没有办件数据。"))
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
    settings = case_settings(center_id=center.pk)
    items = ServiceItem.objects.filter(center=center).select_related("department").in_bulk()
    by_day: dict[dt.date, list[ParsedRow]] = {}
    for p in parsed:
        if not p.number:
            by_day.setdefault(timezone.localdate(p.accepted_at), []).append(p)
    for day, group in by_day.items():
        for p, number in zip(group, next_numbers(center, day, len(group)), strict=True):
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
        bulk.insert(Case, cases)  # sets their ids
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
        bulk.insert(CaseEvent, events)
        bulk.insert(
            OutboxEvent,
            [
                OutboxEvent(center=center, **case_outbox(case, event), created_at=now)
                for case, event in zip(cases, events, strict=True)
            ],
        )
