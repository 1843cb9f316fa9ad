"""Reading 12345 hotline exports (.xlsx or .csv) into rows; `services.import_hotline` writes them.

The first row holds the column titles (docs/feedback.md lists them); a title the file lacks is an
empty value, a required one missing is refused with the row's number.
"""

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core import tabular
from govhall.feedback.errors import FeedbackError
from govhall.feedback.models import Level

RATING_COLUMNS = {
    "工单号": "external_ref",
    "评价时间": "at",
    "部门": "department",
    "窗口号": "window",
    "工号": "staff",
    "办件编号": "case",
    "评价等级": "level",
    "分项评价": "aspects",
    "评价内容": "comment",
    "评价人": "name",
    "联系电话": "phone",
}
COMPLAINT_COLUMNS = {
    "工单号": "external_ref",
    "受理时间": "at",
    "部门": "department",
    "窗口号": "window",
    "工号": "staff",
    "事项编码": "item",
    "反映内容": "content",
    "反映人": "name",
    "联系电话": "phone",
}
REQUIRED = {
    "ratings": ("external_ref", "at", "department", "level"),
    "complaints": ("external_ref", "at", "content"),
}
MAX_ROWS = 50_000


class RowProblem(ValueError):
    """What is wrong with one row, in words for the user (other errors are not shown as such)."""


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else value


def read_rows(kind: str, name: str, data: bytes) -> list[tuple[int, dict[str, Any]]]:
    """(row number as the file shows it, {field: value}) for every non-empty data row."""
    columns = RATING_COLUMNS if kind == "ratings" else COMPLAINT_COLUMNS
    rows = tabular.rows(data, name, max_rows=MAX_ROWS)
    header = [str(_cell(h)) for h in next(rows, [])]
    fields = [columns.get(h) for h in header]
    missing = [t for t, f in columns.items() if f in REQUIRED[kind] and f not in fields]
    if missing:
        raise FeedbackError.COLUMN_MISSING(
            _("第1行:缺少必需的列“%(cols)s”。") % {"cols": "、".join(missing)}
        )
    result = []
    for number, raw in enumerate(rows, start=2):
        values = {f: _cell(v) for f, v in zip(fields, raw, strict=False) if f}
        if not any(values.values()):
            continue
        for field in REQUIRED[kind]:
            if values.get(field) in ("", None):
                title = next(t for t, f in columns.items() if f == field)
                raise FeedbackError.CELL_REQUIRED(
                    _("第%(n)s行:“%(col)s”不能为空。") % {"n": number, "col": title}
                )
        result.append((number, values))
    if not result:
        raise FeedbackError.NO_ROWS(_("文件中没有数据行。"))
    return result


def parse_time(value: Any) -> dt.datetime:
    """The moment a cell names (local time when it names no zone; a day alone is its noon), on
    a day that has come: a later day is a mistyped date, which would file the work order out of
    every month's figures."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time(12))
    else:
        text = str(value).strip().replace("/", "-")
        for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
            try:
                moment = dt.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            raise RowProblem(_("时间“%(v)s”格式应为 YYYY-MM-DD HH:MM。") % {"v": text})
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if timezone.localdate(moment) > timezone.localdate():
        raise RowProblem(_("时间“%(v)s”晚于今天。") % {"v": value})
    return moment


# The names 12345 exports use (always Chinese, whatever the page language).
_LEVEL_NAMES = {"非常满意": 5, "满意": 4, "基本满意": 3, "不满意": 2, "非常不满意": 1}


def parse_level(value: Any) -> int:
    text = str(value).strip()
    if text in _LEVEL_NAMES:
        return _LEVEL_NAMES[text]
    if text.isdigit() and int(text) in Level.values:
        return int(text)
    raise RowProblem(_("评价等级“%(v)s”应为1至5或“非常满意”等。") % {"v": text})
