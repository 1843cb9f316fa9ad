"""The bulletin as .docx (GB/T 9704 official-document layout) and the tables as .xlsx.

GB/T 9704-2012: A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; title in 2号
小标宋 (22 pt), body in 3号 仿宋 (16 pt), first-level headings in 黑体, second-level in 楷体;
22 lines of 28 characters, i.e. a fixed line pitch of about 28.9 pt; page numbers 4号 宋体.
"""

from io import BytesIO
from typing import Any

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter

from govhall.core import spreadsheets
from govhall.performance.report import RATE_COLUMNS, Bulletin

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
LINE_PITCH = Pt(28.9)


def _font(target: Any, name: str, size: float, bold: bool = False) -> None:
    """The font of a run or a style, Chinese (eastAsia) and Latin alike."""
    target.font.name = name
    target.font.size = Pt(size)
    target.font.bold = bold
    rpr = target.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), name)


def _cell_style(document: Any, name: str, font: str) -> Any:
    """A centred 12 pt paragraph style for the ranking table's cells: set once, not per cell."""
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    _font(style, font, 12)
    style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    style.paragraph_format.space_after = Pt(0)
    return style


def _paragraph(
    document: Any,
    text: str,
    *,
    font: str = BODY_FONT,
    size: float = 16,
    indent: bool = True,
    align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY,
    bold: bool = False,
) -> Any:
    paragraph = document.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    paragraph.alignment = align
    _font(paragraph.add_run(text), font, size, bold)
    return paragraph


def _title(document: Any, text: str, size: float) -> Any:
    """A title line: centred, in the title face, not indented."""
    return _paragraph(
        document, text, font=TITLE_FONT, size=size, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER
    )


def _page_number_footer(section: Any) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        run = paragraph.add_run()
        _font(run, "宋体", 14)
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._element.append(element)


def _table(document: Any, rows: list[list[Any]], styles: tuple[str, str]) -> None:
    """A bordered table: the first row in the header style, the others in the cell style."""
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for index, (row, values) in enumerate(zip(table.rows, rows, strict=True)):
        for cell, value in zip(row.cells, values, strict=True):
            paragraph = cell.paragraphs[0]
            paragraph._p.style = styles[min(index, 1)]
            paragraph.add_run(str(value))


def bulletin_docx(bulletin: Bulletin) -> bytes:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _page_number_footer(section)

    if bulletin.draft:  # on every page's header and above the title
        mark = _("草稿(未发布)")
        section.header.paragraphs[0].text = mark
        _paragraph(document, mark, font=HEADING_FONT, indent=False, align=WD_ALIGN_PARAGRAPH.LEFT)
    _title(document, bulletin.title, 22)
    _paragraph(document, "", indent=False)
    _paragraph(document, bulletin.addressees, indent=False)
    _paragraph(document, bulletin.opening)
    for section_ in bulletin.sections:
        _paragraph(document, section_.heading, font=HEADING_FONT)
        for lead, text in section_.paragraphs:
            paragraph = _paragraph(document, "")
            _font(paragraph.add_run(lead), SUBHEADING_FONT, 16)
            _font(paragraph.add_run(text), BODY_FONT, 16)
    # Nothing to attach (a yearly report before any published month): no 附件 line, no
    # header-only table to sign.
    attached = bool(bulletin.ranking_rows or bulletin.low_volume or bulletin.unranked_rows)
    _paragraph(document, "", indent=False)
    if attached:
        _paragraph(document, _("附件:%(title)s") % {"title": bulletin.attachment_title})
        _paragraph(document, "", indent=False)
    _paragraph(document, bulletin.issuer, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document, bulletin.date_text, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    if attached:
        _annex(document, bulletin)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _annex(document: Any, bulletin: Bulletin) -> None:
    """The attachment: the ranking table, on its own landscape page."""
    annex = document.add_section()
    annex.orientation = WD_ORIENT.LANDSCAPE
    annex.page_width, annex.page_height = Mm(297), Mm(210)
    annex.top_margin, annex.bottom_margin = Mm(28), Mm(26)
    annex.left_margin, annex.right_margin = Mm(37), Mm(35)
    _paragraph(document, _("附件"), font=HEADING_FONT, indent=False)
    _title(document, bulletin.attachment_title, 18)
    # Style ids set on the XML: python-docx's `paragraph.style = …` looks the style up among
    # all of the document's styles for every cell.
    styles = (
        _cell_style(document, _("排名表表头"), HEADING_FONT).style_id,
        _cell_style(document, _("排名表"), BODY_FONT).style_id,
    )
    _table(document, [bulletin.ranking_header, *bulletin.ranking_rows], styles)
    if bulletin.low_volume:
        _paragraph(document, "", indent=False)
        _paragraph(document, bulletin.low_volume.title, font=HEADING_FONT, indent=False)
        _table(document, [bulletin.low_volume.header, *bulletin.low_volume.rows], styles)
    if bulletin.unranked_rows:
        _paragraph(document, "", indent=False)
        _paragraph(document, _("未参加排名的单位"), font=HEADING_FONT, indent=False)
        _table(document, [[_("单位"), _("原因")], *bulletin.unranked_rows], styles)


THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CAPTION, HEADER, CELL = "govhall-caption", "govhall-header", "govhall-cell"
RATE = "govhall-rate"


def _named_styles() -> list[NamedStyle]:
    """The workbook's cell styles (new objects for each workbook: openpyxl binds them to it)."""
    return [
        NamedStyle(
            name=CAPTION, font=Font(bold=True, size=14), alignment=Alignment(horizontal="center")
        ),
        NamedStyle(
            name=HEADER,
            font=Font(bold=True),
            fill=PatternFill("solid", fgColor="EEF1F4"),
            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
            border=BORDER,
        ),
        NamedStyle(name=CELL, border=BORDER),
        NamedStyle(name=RATE, border=BORDER, number_format="0.00%"),
    ]


def _sheet(
    workbook: Workbook, title: str, caption: str, header: list[str], rows: list[list[Any]]
) -> None:
    """A sheet: caption merged over the columns, a header row, the rows, every cell bordered.
    A column whose header is a rate (办结率, 按期办结率) holds fractions (0.9464) and shows them
    as percentages (94.64%), as the bulletin states them.

    Cells take named styles: openpyxl hashes a style object for every cell it is set on."""
    sheet = workbook.create_sheet(title=title[:31])
    rates = {_(label) for label in RATE_COLUMNS}
    sheet.append(spreadsheets.row([caption]))
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(1, len(header)))
    sheet["A1"].style = CAPTION
    sheet.append(spreadsheets.row(header))
    for values in rows:
        sheet.append(spreadsheets.row(values))
    for index, row_cells in enumerate(
        sheet.iter_rows(min_row=2, max_row=sheet.max_row, max_col=len(header))
    ):
        for cell, title_ in zip(row_cells, header, strict=False):
            if index == 0:
                cell.style = HEADER
            else:
                cell.style = RATE if str(title_) in rates else CELL
    for index, title_ in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(
            10, min(36, len(str(title_)) * 2 + 4)
        )
    sheet.freeze_panes = "C3"


def tables_xlsx(tables: list[tuple[str, str, list[str], list[list[Any]]]]) -> bytes:
    """One sheet per (sheet title, caption, header, rows)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for style in _named_styles():
        workbook.add_named_style(style)
    for title, caption, header, rows in tables:
        _sheet(workbook, title, caption, header, rows)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
