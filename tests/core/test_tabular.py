"""The one import reader (core.tabular): streamed, stops at its row and byte limits, and never
shows Python's exception text (issue 17, findings 13 and 14)."""

import csv
import io

import pytest
from openpyxl import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from govhall.attendance import punch_files
from govhall.core import tabular
from govhall.core.errors import ValidationFailed


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_rows_give_the_header_and_the_rows_of_csv_and_xlsx():
    table = [["工号", "打卡时间"], ["S1", "2026-10-09 08:55"]]
    text = "\n".join(",".join(r) for r in table).encode("gb18030")
    assert list(tabular.rows(text, "a.csv", max_rows=5)) == table
    assert list(tabular.rows(xlsx_bytes(table), "a.XLSX", max_rows=5)) == table


def test_a_csv_stops_at_the_row_past_the_limit_without_reading_further():
    # A field past the limit that csv refuses: reaching it would be a csv.Error (bad_file).
    oversized = "x" * (csv.field_size_limit() + 1)
    content = "h\n" + "r\n" * 6 + f'"{oversized}"\n'
    with pytest.raises(ValidationFailed) as caught:
        list(tabular.rows(content.encode(), "a.csv", max_rows=5))
    assert caught.value.code == "too_many_rows"
    assert "5" in caught.value.message


def test_the_punch_import_reads_an_xlsx_only_up_to_its_row_limit(monkeypatch):
    read: list[object] = []
    original = ReadOnlyWorksheet.iter_rows

    def counting(self, *args, **kwargs):
        for values in original(self, *args, **kwargs):
            read.append(values)
            yield values

    monkeypatch.setattr(ReadOnlyWorksheet, "iter_rows", counting)
    monkeypatch.setattr(punch_files, "MAX_ROWS", 10)
    content = xlsx_bytes([["工号", "打卡时间"]] + [["S1", "2026-10-09 08:55"] for _ in range(500)])
    with pytest.raises(ValidationFailed, match="一次最多导入 10 行"):
        punch_files.parse("m.xlsx", content)
    assert len(read) <= 12


def test_a_file_over_the_byte_limit_is_refused_before_reading(settings):
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(ValidationFailed) as caught:
        next(tabular.rows(b"h\n" + b"r\n" * 100, "a.csv", max_rows=1000))
    assert caught.value.code == "file_too_large"


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"not a zip", "a.xlsx", "bad_file"),
        (b"PK\x03\x04" + b"\x00" * 40, "a.xlsx", "bad_file"),
        (b"\xff\xfe\x00\xd8broken", "a.csv", "bad_encoding"),
        (b"h\n", "a.txt", "bad_file_type"),
    ],
)
def test_unreadable_files_are_refused_in_words_without_python_text(content, name, code):
    with pytest.raises(ValidationFailed) as caught:
        list(tabular.rows(content, name, max_rows=10))
    assert caught.value.code == code
    for python_words in ("zip", "Error", "codec", "byte", "line", "NUL"):
        assert python_words not in caught.value.message
