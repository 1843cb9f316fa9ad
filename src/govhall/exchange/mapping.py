"""The upstream data items: which outbox payload key becomes which item, with what type.

One table per kind of object (case, rating). The sender maps an outbox payload to the
upstream record with `to_upstream` (picks the known items, normalises types, drops anything
else, so nothing but the listed items ever leaves the centre); the receiver reads a record
with `from_upstream` (checks the same table and returns Python values). docs/exchange.md
prints these tables.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from govhall.core.validators import validate_year_range


class MappingError(ValueError):
    """A payload or record does not fit the table; `errors` maps item name → message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


MAX_TEXT = 200


def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(_("应为文本。"))
    text = str(value)
    if len(text) > MAX_TEXT:
        raise ValueError(_("超过%(n)s个字符。") % {"n": MAX_TEXT})
    if "\x00" in text:
        raise ValueError(_("含有空字符(NUL)。"))
    return text


def _in_years(day: dt.date) -> None:
    """Year 1 or 9999 moved to UTC falls off the calendar."""
    try:
        validate_year_range(day)
    except ValidationError as exc:
        raise ValueError(exc.messages[0]) from exc


def _parsed(value: Any, parsed: Any, parse: Callable[[str], Any], expected: str) -> Any:
    """`parsed` (the value when it is already of its type, else None), or a string value read by
    `parse`; ValueError(`expected`) when neither gives one."""
    if parsed is None and isinstance(value, str):
        try:
            parsed = parse(value)
        except ValueError:
            parsed = None
    if parsed is None:
        raise ValueError(expected)
    return parsed


def _datetime(value: Any) -> dt.datetime:
    parsed = _parsed(
        value,
        value if isinstance(value, dt.datetime) else None,
        parse_datetime,
        _("应为 ISO 8601 时间。"),
    )
    if timezone.is_naive(parsed):
        raise ValueError(_("时间必须带时区。"))
    _in_years(parsed)
    return parsed


def _date(value: Any) -> dt.date:
    parsed = _parsed(
        value,
        value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else None,
        parse_date,
        _("应为日期 YYYY-MM-DD。"),
    )
    _in_years(parsed)
    return parsed


def _level(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ValueError(_("应为1到5的整数。"))
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(_("应为 true 或 false。"))
    return value


# type name → (read a value, write it as JSON)
TYPES: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "string": (_text, str),
    "datetime": (_datetime, lambda v: timezone.localtime(v).isoformat()),
    "date": (_date, lambda v: v.isoformat()),
    "level": (_level, int),
    "boolean": (_flag, bool),
}


def read_value(type_name: str, value: Any) -> Any:
    """`value` read as the named type; ValueError with a message when it does not fit."""
    return TYPES[type_name][0](value)


@dataclass(frozen=True)
class Item:
    name: str
    label: str
    type: str
    required: bool = False
    max_length: int = MAX_TEXT  # strings: the width of the receiver's column


CASE_ITEMS: tuple[Item, ...] = (
    Item("case_number", "办件编号", "string", required=True, max_length=64),
    Item("item_code", "事项编码", "string", required=True, max_length=64),
    Item("item_name", "事项名称", "string"),
    Item("department_code", "受理部门编码", "string", max_length=64),
    Item("department_name", "受理部门名称", "string"),
    Item("region_code", "行政区划代码", "string", required=True, max_length=6),
    Item("applicant_type", "申请人类型", "string", max_length=32),
    Item("channel", "申请渠道", "string", max_length=32),
    Item("accepted_at", "受理时间", "datetime"),
    Item("due_date", "承诺办结日期", "date"),
    Item("completed_at", "办结时间", "datetime"),
    Item("delivered_at", "送达时间", "datetime"),
    Item("state", "办件状态", "string", required=True, max_length=32),
    Item("result", "办理结果", "string", max_length=32),
    Item("event", "事件", "string", max_length=64),
    Item("event_at", "事件时间", "datetime"),
)

RATING_ITEMS: tuple[Item, ...] = (
    Item("rating_id", "评价编号", "string", required=True, max_length=64),
    Item("level", "评价等级(1-5)", "level", required=True),
    Item("channel", "评价渠道", "string", max_length=32),
    Item("department_code", "被评价部门编码", "string", max_length=64),
    Item("department_name", "被评价部门名称", "string"),
    Item("window_number", "窗口号", "string", max_length=16),
    Item("staff_number", "被评价人工号", "string", max_length=32),
    Item("case_number", "办件编号", "string", max_length=64),
    Item("ticket_number", "排队号", "string", max_length=32),
    Item("rated_at", "评价时间", "datetime", required=True),
    Item("is_bad", "是否差评", "boolean"),
    Item("excluded", "申诉剔除", "boolean"),
)

# stream prefix → (kind prefix, items)
FAMILIES: dict[str, tuple[Item, ...]] = {"case": CASE_ITEMS, "rating": RATING_ITEMS}


def family_of(stream: str, kind: str) -> str:
    """'case' or 'rating'; the stream and the kind must agree (``case:N`` / ``case.accepted``)."""
    family = stream.split(":", 1)[0]
    if family not in FAMILIES or ":" not in stream or not kind.startswith(f"{family}."):
        raise MappingError(
            {"stream": _("未知的对象类型:%(stream)s / %(kind)s") % {"stream": stream, "kind": kind}}
        )
    return family


def _read(items: tuple[Item, ...], record: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for item in items:
        raw = record.get(item.name)
        if raw is None or raw == "":
            if item.required:
                errors[item.name] = _("必填。")
            values[item.name] = None
            continue
        try:
            values[item.name] = TYPES[item.type][0](raw)
        except ValueError as exc:
            errors[item.name] = str(exc)
            continue
        if item.type == "string" and len(values[item.name]) > item.max_length:
            errors[item.name] = _("超过%(n)s个字符。") % {"n": item.max_length}
    if errors:
        raise MappingError(errors)
    return values


def to_upstream(family: str, payload: dict[str, Any], *, region_code: str) -> dict[str, Any]:
    """The upstream record of an outbox payload; a case without a region takes the centre's."""
    if not isinstance(payload, dict):
        raise MappingError({"payload": _("应为对象。")})
    if family == "case" and not payload.get("region_code"):
        payload = {**payload, "region_code": region_code}
    values = _read(FAMILIES[family], payload)
    return {
        item.name: None if values[item.name] is None else TYPES[item.type][1](values[item.name])
        for item in FAMILIES[family]
    }


def from_upstream(family: str, record: Any) -> dict[str, Any]:
    """Python values of an upstream record, checked against the table."""
    if not isinstance(record, dict):
        raise MappingError({"data": _("应为对象。")})
    return _read(FAMILIES[family], record)
