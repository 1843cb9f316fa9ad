import csv
import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from govhall.cases.errors import CaseError
from govhall.cases.importing import DEFAULT_MAPPING, parse_mapping
from govhall.cases.models import Case, CaseEvent
from govhall.cases.selectors import cases_to_xlsx
from govhall.cases.services import import_cases
from govhall.core.errors import PermissionDenied, ValidationFailed
from govhall.core.models import OutboxEvent
from govhall.core.roles import Role
from tests.cases.factories import refusal
from tests.factories import ServiceItemFactory, WindowFactory, make_id_number, make_uscc

pytestmark = pytest.mark.django_db

HEADER = [
    "事项编码",
    "申请人类型",
    "申请人",
    "证件号码",
    "联系电话",
    "受理窗口",
    "受理时间",
    "办结时间",
    "办理结果",
    "送达时间",
]


@pytest.fixture
def item(center, department):
    return ServiceItemFactory(
        center=center, department=department, code="ITEM-1", promised_limit_days=5
    )


def good_rows(n: int) -> list[list[str]]:
    return [
        [
            "ITEM-1",
            "自然人",
            f"申请人{i}",
            make_id_number(i),
            "13800001234",
            "1",
            "2026-03-02 09:30",
            "2026-03-04 16:00",
            "准予许可",
            "2026-03-05 10:00",
        ]
        for i in range(n)
    ]


def csv_file(rows, header=HEADER) -> io.BytesIO:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    return io.BytesIO(buf.getvalue().encode("utf-8-sig"))


def xlsx_file(rows, header=HEADER) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_good_csv_imports_every_row(center, item):
    WindowFactory(center=center, number="1")
    report = import_cases(center=center, source=csv_file(good_rows(3)), filename="a.csv")
    assert report.ok and report.imported == 3
    case = Case.objects.order_by("number").first()
    assert case.state == Case.State.DELIVERED
    assert case.number == f"{center.region_code}20260302000001"
    assert case.due_date == dt.date(2026, 3, 9)
    assert case.elapsed_workdays == 2 and not case.completed_late
    assert case.window.number == "1"
    assert CaseEvent.objects.filter(type="imported").count() == 3
    assert OutboxEvent.objects.filter(kind="case.imported").count() == 3


def test_one_bad_row_imports_nothing_and_names_the_row(center, item):
    WindowFactory(center=center, number="1")
    rows = good_rows(4)
    rows[2][3] = "110101199003074515"  # bad check digit: file row 4
    report = import_cases(center=center, source=xlsx_file(rows), filename="a.xlsx")
    assert not report.ok
    assert [e.row for e in report.errors] == [4]
    assert "身份证号码无效" in report.errors[0].message
    assert not Case.objects.exists()
    assert not OutboxEvent.objects.exists()


def test_dry_run_lists_every_bad_row_and_writes_nothing(center, item):
    rows = good_rows(3)
    rows[0][0] = "NOPE"
    rows[1][6] = "昨天"
    rows[2][5] = ""
    rows[2][7] = ""  # result without completion time
    report = import_cases(center=center, source=csv_file(rows), filename="a.csv", dry_run=True)
    assert [e.row for e in report.errors] == [2, 3, 4]
    assert "NOPE" in report.errors[0].message
    assert "受理时间" in report.errors[1].message
    assert "办理结果" in report.errors[2].message
    assert not Case.objects.exists()


def test_dry_run_of_a_good_file_writes_nothing(center, item):
    WindowFactory(center=center, number="1")
    report = import_cases(
        center=center, source=csv_file(good_rows(2)), filename="a.csv", dry_run=True
    )
    assert report.ok and report.total == 2 and report.imported == 0
    assert not Case.objects.exists()


def test_column_mapping_and_company_applicant(center, item):
    mapping = parse_mapping("item_code=事项代码,identifier=信用代码,accepted_at=受理日期")
    header = ["事项代码", "申请人类型", "申请人", "信用代码", "联系电话", "受理日期"]
    rows = [["ITEM-1", "法人", "某公司", make_uscc(3), "0396-1234567", "2026-03-02"]]
    report = import_cases(
        center=center, source=csv_file(rows, header), filename="b.csv", mapping=mapping
    )
    assert report.imported == 1
    case = Case.objects.get()
    assert case.uscc == make_uscc(3) and case.state == Case.State.ACCEPTED


def test_existing_and_duplicate_numbers_are_bad_rows(center, item):
    header = [*HEADER[:5], "受理时间", "办件编号"]
    rows = [[*r[:5], r[6], "N-1"] for r in good_rows(2)]
    report = import_cases(center=center, source=csv_file(rows, header), filename="c.csv")
    assert [e.row for e in report.errors] == [3]
    rows = [[*good_rows(1)[0][:5], "2026-03-02", "N-2"]]
    assert import_cases(center=center, source=csv_file(rows, header), filename="c.csv").ok
    report = import_cases(center=center, source=csv_file(rows, header), filename="c.csv")
    assert "已存在" in report.errors[0].message


def test_missing_column_and_unknown_format_are_clear_errors(center, item):
    with refusal(CaseError.BAD_HEADER, match="缺少列"):
        import_cases(center=center, source=csv_file([], ["事项编码"]), filename="a.csv")
    with pytest.raises(ValidationFailed, match="xlsx"):
        import_cases(center=center, source=io.BytesIO(b"x"), filename="a.txt")
    with pytest.raises(ValidationFailed):
        import_cases(center=center, source=io.BytesIO(b"not a zip"), filename="a.xlsx")


def test_bad_mapping_is_rejected():
    with pytest.raises(ValueError):
        parse_mapping("colour=颜色")
    assert parse_mapping("")["item_code"] == DEFAULT_MAPPING["item_code"]


def test_import_needs_the_permission(center, item, make_user, department):
    clerk = make_user(Role.WINDOW_STAFF, department=department)
    with pytest.raises(PermissionDenied):
        import_cases(center=center, source=csv_file(good_rows(1)), filename="a.csv", actor=clerk)
    assert not Case.objects.exists()


def test_export_masks_identifiers(center, item):
    WindowFactory(center=center, number="1")
    import_cases(center=center, source=csv_file(good_rows(2)), filename="a.csv")
    data = cases_to_xlsx(Case.objects.all())
    ws = load_workbook(io.BytesIO(data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) == 3
    flat = " ".join(str(v) for v in rows[1])
    assert make_id_number(0) not in flat
    assert "138****1234" in flat


def test_an_unreadable_file_is_named_in_words_not_with_python_text(center, item):
    with pytest.raises(ValidationFailed) as caught:
        import_cases(center=center, source=io.BytesIO(b"not a zip"), filename="a.xlsx")
    assert "zip" not in caught.value.message and "Error" not in caught.value.message
