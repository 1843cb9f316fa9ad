"""The layout of the bulletin (.docx, GB/T 9704) and of the tables (.xlsx), read back."""

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import load_workbook

from govhall.performance.documents import (
    BODY_FONT,
    HEADING_FONT,
    TITLE_FONT,
    bulletin_docx,
    tables_xlsx,
)
from govhall.performance.report import Bulletin, Section

HEADER = ["名次", "单位", "总分"]
ROWS = [[1, "市司法局", "98.50"], [2, "市教育局", "97.00"], [2, "市农业农村局", "97.00"]]


def _bulletin() -> Bulletin:
    return Bulletin(
        title="测试市民中心2026年5月进驻窗口单位服务效能评价情况通报",
        addressees="各进驻单位:",
        opening="现将情况通报如下。",
        sections=[Section("一、工作情况", [("(一)", "共受理办件11件。")])],
        attachment_title="2026年5月服务效能评价排名",
        ranking_header=HEADER,
        ranking_rows=ROWS,
        issuer="测试市民中心管理办公室",
        date_text="2026年6月1日",
    )


def _east_asia_font(run, paragraph) -> str:
    """The run's own Chinese font, else its paragraph style's."""
    for rpr in (run._element.rPr, paragraph.style.element.rPr):
        fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
        if fonts is not None and fonts.get(qn("w:eastAsia")):
            return fonts.get(qn("w:eastAsia"))
    return ""


def _size(run, paragraph) -> Pt:
    return run.font.size or paragraph.style.font.size


def test_bulletin_is_an_a4_official_document_with_a_landscape_ranking_annex():
    document = Document(io.BytesIO(bulletin_docx(_bulletin())))
    body, annex = document.sections
    mm = (body.page_width, body.page_height, body.top_margin, body.bottom_margin)
    mm += (body.left_margin, body.right_margin)
    assert [round(length.mm) for length in mm] == [210, 297, 37, 35, 28, 26]  # stored in twips
    assert annex.orientation == WD_ORIENT.LANDSCAPE

    title = document.paragraphs[0]
    assert title.text == _bulletin().title
    assert _east_asia_font(title.runs[0], title) == TITLE_FONT
    assert _size(title.runs[0], title) == Pt(22)
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    opening = next(p for p in document.paragraphs if p.text == "现将情况通报如下。")
    assert _east_asia_font(opening.runs[0], opening) == BODY_FONT
    assert _size(opening.runs[0], opening) == Pt(16)

    (table,) = document.tables
    cells = [[cell.paragraphs[0] for cell in row.cells] for row in table.rows]
    assert [[p.text for p in row] for row in cells] == [
        HEADER,
        *[[str(v) for v in r] for r in ROWS],
    ]
    for index, row in enumerate(cells):
        for paragraph in row:
            run = paragraph.runs[0]
            assert _east_asia_font(run, paragraph) == (HEADING_FONT if index == 0 else BODY_FONT)
            assert _size(run, paragraph) == Pt(12)
            assert paragraph.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_tables_have_a_caption_a_styled_header_and_bordered_cells():
    tables = [("服务效能评价排名", "2026年5月服务效能评价排名", HEADER, ROWS)] * 2
    workbook = load_workbook(io.BytesIO(tables_xlsx([tables[0], ("第二张", "说明", HEADER, [])])))
    sheet = workbook["服务效能评价排名"]
    assert sheet["A1"].value == "2026年5月服务效能评价排名" and sheet["A1"].font.b
    assert "A1:C1" in {str(r) for r in sheet.merged_cells.ranges}
    assert [c.value for c in sheet[2]] == HEADER
    assert all(c.font.b and c.fill.fgColor.rgb.endswith("EEF1F4") for c in sheet[2])
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=3)] == ROWS
    for row in sheet.iter_rows(min_row=2):
        assert all(c.border.left.style == "thin" and c.border.bottom.style == "thin" for c in row)
    assert sheet.freeze_panes == "C3"
    assert workbook["第二张"].max_row == 2


def test_rates_in_the_tables_read_as_percentages():
    """办结率 0.9464 and 按期办结率 1 printed as fractions read as counts ("1") on paper."""
    header = ["单位", "受理件数", "办结率", "按期办结率"]
    rows = [["县公安局", 133, 0.9464, 1], ["县财政局", 0, None, None]]
    workbook = load_workbook(io.BytesIO(tables_xlsx([("业务办理汇总表", "说明", header, rows)])))
    sheet = workbook["业务办理汇总表"]
    assert [c.value for c in sheet[3]] == ["县公安局", 133, 0.9464, 1]
    assert [c.number_format for c in sheet[3]] == ["General", "General", "0.00%", "0.00%"]
    assert sheet["C4"].value is None and sheet["C4"].border.left.style == "thin"
