"""The monthly attendance table (考勤考核汇总表) as .xlsx, from `selectors.monthly_table`."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from govhall.attendance.selectors import FIGURE_KEYS, FIGURE_LABELS, MonthlyTable
from govhall.core.spreadsheets import row


def _sheet(workbook: Workbook, title: str, heading: str, columns: list[str]):
    sheet = workbook.create_sheet(title)
    sheet.append(row([heading]))
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(row(columns))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for index in range(1, len(columns) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 12
    sheet.freeze_panes = "A3"
    return sheet


def monthly_workbook(table: MonthlyTable, *, center_name: str) -> bytes:
    """Two sheets, 按人员 and 按单位 (with the total row), figures in FIGURE_KEYS order."""
    labels = [str(FIGURE_LABELS[key]) for key in FIGURE_KEYS]
    heading = _("%(center)s 考勤考核汇总表(%(start)s 至 %(end)s)") % {
        "center": center_name,
        "start": table.start.isoformat(),
        "end": table.through.isoformat(),
    }
    workbook = Workbook()
    workbook.remove(workbook.active)
    by_staff = _sheet(workbook, _("按人员"), heading, [_("工号"), _("姓名"), _("单位"), *labels])
    for line in table.staff_rows:
        by_staff.append(
            row(
                [
                    line.staff_number,
                    line.label,
                    line.department,
                    *(line.figures[k] for k in FIGURE_KEYS),
                ]
            )
        )
    by_department = _sheet(workbook, _("按单位"), heading, [_("单位"), *labels])
    for line in table.department_rows:
        by_department.append(row([line.label, *(line.figures[k] for k in FIGURE_KEYS)]))
    by_department.append(row([_("合计"), *(table.total[k] for k in FIGURE_KEYS)]))
    for cell in by_department[by_department.max_row]:
        cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
