"""The campaign's tables as .xlsx (openpyxl), built from the same selectors as the pages."""

import datetime as dt
from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from govhall.core.spreadsheets import row, xlsx_response
from govhall.org.scoping import Scope
from govhall.supervision import selectors
from govhall.supervision.models import Campaign, CampaignUnit


def progress_filename(campaign: Campaign, on: dt.date) -> str:
    return _("整改进度表-%(id)s-%(on)s.xlsx") % {"id": campaign.pk, "on": on.isoformat()}


def progress_headers() -> list[str]:
    return [
        _("序号"),
        _("单位"),
        _("类型"),
        _("发现问题"),
        _("按期整改"),
        _("逾期整改"),
        _("未整改"),
        _("其中已超期"),
        _("已确认"),
        _("统计表已报送"),
        _("签字人"),
        _("签字时间"),
    ]


def progress_download(scope: Scope, campaign: Campaign, *, on: dt.date) -> HttpResponse:
    """`progress_workbook` of the units the user sees, as a download named by
    `progress_filename`."""
    unit_ids = selectors.visible_unit_ids(scope, campaign_id=campaign.pk)
    content = progress_workbook(campaign=campaign, on=on, unit_ids=unit_ids)
    return xlsx_response(content, filename=progress_filename(campaign, on))


def _head(ws: Worksheet, title: str, headers: list[str]) -> None:
    """Row 1: the title, centred across the table; row 2: the column headers."""
    ws.append(row([title]))
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(row(headers))


def _finish(ws: Worksheet, header_row: int, widths: list[int]) -> None:
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)


def progress_workbook(
    *, campaign: Campaign, on: dt.date, unit_ids: list[int] | None = None
) -> bytes:
    """As of the close of `on`. Sheet 1: progress per unit (`selectors.campaign_progress`) with
    a totals row; sheet 2: the problem list; sheet 3: the census."""
    progress = selectors.campaign_progress(campaign_id=campaign.pk, on=on, unit_ids=unit_ids)
    kinds = dict(CampaignUnit.Kind.choices)
    wb = Workbook()
    ws = wb.active
    ws.title = _("整改进度")
    _head(
        ws,
        _("%(title)s 整改进度表(截至 %(on)s)") % {"title": campaign.title, "on": on},
        progress_headers(),
    )
    for number, unit in enumerate(progress.rows, start=1):
        ws.append(
            row(
                [
                    number,
                    unit.unit_name,
                    kinds.get(unit.unit_kind, unit.unit_kind),
                    unit.found,
                    unit.fixed_on_time,
                    unit.fixed_late,
                    unit.open,
                    unit.overdue,
                    unit.confirmed,
                    _("是") if unit.census_filed else _("否"),
                    unit.signer_name,
                    timezone.localtime(unit.signed_at).strftime("%Y-%m-%d %H:%M")
                    if unit.signed_at
                    else "",
                ]
            )
        )
    totals = progress.totals
    ws.append(
        row(
            [
                _("合计"),
                "",
                "",
                *(totals[name] for name in selectors.PROGRESS_FIGURES),
                "",
                "",
                "",
            ]
        )
    )
    _finish(ws, 2, [6, 28, 10, 10, 10, 10, 10, 10, 10, 12, 12, 18])

    _problem_sheet(wb, campaign=campaign, on=on, unit_ids=unit_ids)
    _census_sheet(wb, campaign=campaign, on=on, unit_ids=unit_ids)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def _problem_sheet(
    wb: Workbook, *, campaign: Campaign, on: dt.date, unit_ids: list[int] | None
) -> None:
    """The problems found by `on`, each with the deadline, state, fix and evidence it had at the
    close of that day (`selectors.problems_on`), so that 是否超期 marks what 整改进度 counts as
    fixed late or overdue."""
    ws = wb.create_sheet(_("整改清单"))
    headers = [
        _("序号"),
        _("单位"),
        _("类别"),
        _("问题"),
        _("发现方式"),
        _("整改措施"),
        _("责任人"),
        _("整改时限"),
        _("状态"),
        _("整改完成日期"),
        _("是否超期"),
        _("佐证材料(份)"),
    ]
    _head(
        ws,
        _("%(title)s 问题整改清单(截至 %(on)s)") % {"title": campaign.title, "on": on},
        headers,
    )
    problems = selectors.problems_on(campaign_id=campaign.pk, on=on, unit_ids=unit_ids)
    for number, p in enumerate(problems, start=1):
        ws.append(
            row(
                [
                    number,
                    p.problem.unit.name,
                    p.problem.category.name,
                    p.problem.description,
                    p.problem.get_found_by_display(),
                    p.problem.measure,
                    p.problem.owner,
                    p.deadline,
                    p.status_label,
                    p.fixed_on,
                    _("是") if selectors.missed_deadline(p, on) else "",
                    p.evidence,
                ]
            )
        )
    _finish(ws, 2, [6, 24, 20, 48, 16, 40, 10, 12, 10, 14, 10, 12])


def _census_sheet(
    wb: Workbook, *, campaign: Campaign, on: dt.date, unit_ids: list[int] | None
) -> None:
    """The census reports first filed by `on` (with their lines as last filed), and the units
    that had not reported by then."""
    ws = wb.create_sheet(_("窗口统计表"))
    headers = [
        _("单位"),
        _("零报告"),
        _("类型"),
        _("名称"),
        _("地址"),
        _("窗口数"),
        _("办理事项数"),
        _("工作人员数"),
        _("主要负责人"),
        _("报送时间"),
        _("逾期"),
    ]
    _head(ws, _("%(title)s 设立窗口和服务大厅统计表") % {"title": campaign.title}, headers)
    # First filed after the campaign's census deadline, as the census page marks them.
    late = set(selectors.late_census_reports(campaign_id=campaign.pk).values_list("pk", flat=True))
    for report in selectors.census_reports(campaign_id=campaign.pk, unit_ids=unit_ids, on=on):
        filed = timezone.localtime(report.first_filed_at).strftime("%Y-%m-%d %H:%M")
        was_late = _("是") if report.pk in late else ""
        lines = list(report.entries.all())
        if not lines:
            ws.append(
                row(
                    [
                        report.unit.name,
                        _("是"),
                        "",
                        "",
                        "",
                        0,
                        0,
                        0,
                        report.signed_by_name,
                        filed,
                        was_late,
                    ]
                )
            )
        for line in lines:
            ws.append(
                row(
                    [
                        report.unit.name,
                        "",
                        line.get_kind_display(),
                        line.name,
                        line.address,
                        line.windows,
                        line.items,
                        line.staff,
                        report.signed_by_name,
                        filed,
                        was_late,
                    ]
                )
            )
    missing = selectors.missing_census_units(campaign_id=campaign.pk, on=on)
    if unit_ids is not None:
        missing = missing.filter(pk__in=unit_ids)
    for unit in missing:
        ws.append(row([unit.name, "", "", _("未报送"), "", "", "", "", "", "", ""]))
    _finish(ws, 2, [24, 8, 10, 24, 30, 8, 12, 12, 12, 18, 6])
