"""The one reader of imported tables (.xlsx and .csv): every import reads its file through `rows`.

Rows are streamed (openpyxl's read-only mode, a lazy ``csv.reader``) and reading stops as soon as
the file passes its limits, so a huge file costs the time and memory of the rows allowed, not of
the whole file: at most ``max_bytes`` bytes (``GOVHALL_IMPORT_MAX_BYTES``) and ``max_rows`` rows
after the header. Every problem is a `ValidationFailed` with a message for the user; no Python
exception text reaches them.
"""

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from govhall.core.error_codes import CoreError

CSV_ENCODINGS = ("utf-8-sig", "gb18030")
# A header longer than this is not a table this project reads.
MAX_COLUMNS = 200
Source = bytes | str | Path | IO[bytes]


def _size(source: Source) -> int:
    if isinstance(source, bytes):
        return len(source)
    if isinstance(source, str | Path):
        return Path(source).stat().st_size
    size = getattr(source, "size", None)
    if size is not None:
        return int(size)
    position = source.tell()
    end = source.seek(0, io.SEEK_END)
    source.seek(position)
    return end


def _binary(source: Source) -> IO[bytes]:
    if isinstance(source, bytes):
        return io.BytesIO(source)
    if isinstance(source, str | Path):
        return Path(source).open("rb")
    source.seek(0)
    return source


def _csv_rows(stream: IO[bytes]) -> Iterator[list[Any]]:
    raw = stream.read()
    for encoding in CSV_ENCODINGS:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        yield from csv.reader(io.StringIO(text))
        return
    raise CoreError.BAD_ENCODING(_("无法识别文件编码,请使用 UTF-8 或 GBK。"))


def _xlsx_rows(stream: IO[bytes]) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise CoreError.BAD_FILE(_("无法读取该 .xlsx 文件。")) from exc
    try:
        yield from (list(values) for values in sheet.iter_rows(values_only=True))
    finally:
        workbook.close()


def rows(
    source: Source,
    filename: str = "",
    *,
    max_rows: int,
    max_bytes: int | None = None,
) -> Iterator[list[Any]]:
    """The rows of the first sheet (header first) of an .xlsx or .csv file, as lists of cells.

    `source` is the file's bytes, a path or a binary file object (an upload); `filename` gives
    the type when `source` is not a path. Raises `ValidationFailed` for another type, a file over
    `max_bytes`, more than `max_rows` rows after the header (when the row past the limit is
    reached, nothing further is read), or a file that cannot be read.
    """
    name = (filename or (str(source) if isinstance(source, str | Path) else "")).lower()
    reader = _xlsx_rows if name.endswith(".xlsx") else _csv_rows if name.endswith(".csv") else None
    if reader is None:
        raise CoreError.BAD_FILE_TYPE(_("只支持 .csv 或 .xlsx 文件。"))
    limit = settings.IMPORT_MAX_BYTES if max_bytes is None else max_bytes
    try:
        size = _size(source)
    except OSError as exc:
        raise CoreError.BAD_FILE(_("无法读取文件。")) from exc
    if size > limit:
        raise CoreError.FILE_TOO_LARGE(
            _("文件过大:最多 %(mb)s MB。") % {"mb": round(limit / 1024 / 1024, 1)}
        )
    stream = _binary(source)
    try:
        for number, values in enumerate(reader(stream)):
            if number > max_rows:
                raise CoreError.TOO_MANY_ROWS(_("一次最多导入 %(n)s 行。") % {"n": max_rows})
            if number == 0 and len(values) > MAX_COLUMNS:
                raise CoreError.BAD_HEADER(_("表头的列数过多。"))
            yield values
    except (csv.Error, zipfile.BadZipFile, OSError, ValueError, KeyError) as exc:
        raise CoreError.BAD_FILE(_("无法读取文件,请检查文件格式。")) from exc
    finally:
        if isinstance(source, str | Path):
            stream.close()
