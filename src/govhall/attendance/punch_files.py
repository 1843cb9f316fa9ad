"""Reading an attendance machine's export (.csv or .xlsx) into punch rows.

The first row is the header. Recognised columns: 工号 (or 员工编号/人员编号/staff_number), then
either 打卡时间 (or 刷卡时间/时间/punched_at) or 日期 + 时间, and optionally 类型 (上班/签到/in,
下班/签退/out; empty: a punch with no direction). Rows whose cells are all empty are ignored.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.attendance.errors import AttendanceError
from govhall.attendance.models import Punch
from govhall.core import tabular

MAX_ROWS = 50_000

STAFF_COLUMNS = ("工号", "员工编号", "人员编号", "staff_number")
DATETIME_COLUMNS = ("打卡时间", "刷卡时间", "签到时间", "punched_at")
DATE_COLUMNS = ("日期", "date")
TIME_COLUMNS = ("时间", "time")
KIND_COLUMNS = ("类型", "打卡类型", "kind")
KIND_WORDS = {
    "": Punch.Kind.ANY,
    "上班": Punch.Kind.IN,
    "签到": Punch.Kind.IN,
    "in": Punch.Kind.IN,
    "下班": Punch.Kind.OUT,
    "签退": Punch.Kind.OUT,
    "out": Punch.Kind.OUT,
}
DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d")
TIME_FORMATS = ("%H:%M:%S", "%H:%M")


@dataclass(frozen=True)
class PunchRow:
    line: int
    staff_number: str
    punched_at: dt.datetime
    kind: str


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    for name in names:
        if name in header:
            return header.index(name)
    return None


def _parse_when(value: Any, formats: tuple[str, ...]) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    text = _cell(value)
    for fmt in formats:
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def _parse_time(date_value: Any, time_value: Any) -> dt.datetime | None:
    if isinstance(date_value, dt.datetime):
        day: dt.date | None = date_value.date()
    elif isinstance(date_value, dt.date):
        day = date_value
    else:
        parsed = _parse_when(date_value, DATE_FORMATS)
        day = parsed.date() if parsed else None
    if isinstance(time_value, dt.time):
        clock: dt.time | None = time_value
    else:
        parsed_time = _parse_when(time_value, TIME_FORMATS)
        clock = parsed_time.time() if parsed_time else None
    if day is None or clock is None:
        return None
    return dt.datetime.combine(day, clock)


def parse(filename: str, content: bytes) -> tuple[list[PunchRow], list[dict[str, Any]]]:
    """The file's punch rows and the errors found in it ({"row": line, "reason": text})."""
    rows = tabular.rows(content, filename, max_rows=MAX_ROWS)
    first = next(rows, None)
    if first is None:
        raise AttendanceError.PUNCH_FILE_INVALID(_("文件为空。"))
    header = [_cell(c) for c in first]
    staff_col = _column(header, STAFF_COLUMNS)
    when_col = _column(header, DATETIME_COLUMNS)
    date_col, time_col = _column(header, DATE_COLUMNS), _column(header, TIME_COLUMNS)
    kind_col = _column(header, KIND_COLUMNS)
    if staff_col is None or (when_col is None and (date_col is None or time_col is None)):
        raise AttendanceError.PUNCH_FILE_INVALID(
            _("第1行:表头须包含“工号”和“打卡时间”(或“日期”与“时间”)列。"),
            detail={"errors": [{"row": 1, "reason": _("表头不完整")}]},
        )
    tz = timezone.get_default_timezone()
    out: list[PunchRow] = []
    errors: list[dict[str, Any]] = []
    for line, raw in enumerate(rows, start=2):
        cells = list(raw) + [None] * (len(header) - len(raw))
        if not any(_cell(c) for c in cells):
            continue
        staff_number = _cell(cells[staff_col])
        if when_col is not None:
            naive = _parse_when(cells[when_col], DATETIME_FORMATS)
        else:
            naive = _parse_time(cells[date_col], cells[time_col])
        kind_text = _cell(cells[kind_col]).lower() if kind_col is not None else ""
        if not staff_number:
            errors.append({"row": line, "reason": _("工号为空")})
        elif naive is None:
            errors.append({"row": line, "reason": _("打卡时间无法识别")})
        elif kind_text not in KIND_WORDS:
            errors.append(
                {"row": line, "reason": _("类型“%(k)s”无法识别") % {"k": _cell(cells[kind_col])}}
            )
        else:
            out.append(
                PunchRow(
                    line=line,
                    staff_number=staff_number,
                    punched_at=naive.replace(microsecond=0, tzinfo=tz),
                    kind=KIND_WORDS[kind_text],
                )
            )
    if not out and not errors:
        raise AttendanceError.PUNCH_FILE_INVALID(_("文件中没有打卡记录。"))
    return out, errors
