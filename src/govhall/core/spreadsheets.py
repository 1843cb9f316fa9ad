"""Spreadsheets in and out: the one place every .xlsx/.csv export writes its cells through.

Exports: a text cell that starts with ``= + - @`` (or a tab or carriage return) is a formula to
Excel and LibreOffice (CSV/formula injection): `cell` prefixes it with an apostrophe so it stays
text, and turns lazy translations into plain strings (openpyxl refuses them).
"""

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.utils.functional import Promise

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """`value` as a spreadsheet may hold it: text that cannot run as a formula, other types as
    they are (numbers, dates, None)."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def row(values: Iterable[Any]) -> list[Any]:
    """A row of `cell`s, for ``sheet.append`` and ``csv.writer.writerow``."""
    return [cell(value) for value in values]


def xlsx_response(content: bytes, *, filename: str) -> HttpResponse:
    """An .xlsx download; the file name may be Chinese (RFC 5987)."""
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
