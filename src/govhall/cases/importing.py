"""Reading and checking a file of historical cases (.xlsx or .csv) before `import_cases` writes it.

A file has a header row; `mapping` maps each field below to the header of its column (defaults:
`DEFAULT_MAPPING`). Every row is checked; nothing is written here.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.cases.models import Case
from govhall.core.validators import (
    is_valid_id_number,
    is_valid_phone,
    is_valid_uscc,
    normalize_id_number,
    normalize_phone,
)

# field → default column header
DEFAULT_MAPPING: dict[str, str] = {
    "number": "办件编号",
    "item_code": "事项编码",
    "applicant_type": "申请人类型",
    "applicant_name": "申请人",
    "identifier": "证件号码",
    "phone": "联系电话",
    "channel": "申报渠道",
    "window": "受理窗口",
    "accepted_at": "受理时间",
    "completed_at": "办结时间",
    "result": "办理结果",
    "reason": "不予许可理由",
    "delivered_at": "送达时间",
}
# Rows after the header one file may hold (a county's years of history fit in a few files).
MAX_ROWS = 200_000
REQUIRED = ("item_code", "applicant_type", "applicant_name", "identifier", "phone", "accepted_at")

_APPLICANT_TYPES = {
    "person": "person",
    "自然人": "person",
    "个人": "person",
    "company": "company",
    "法人": "company",
    "企业": "company",
}
_CHANNELS = {
    "": Case.Channel.WINDOW,
    "window": Case.Channel.WINDOW,
    "窗口": Case.Channel.WINDOW,
    "online": Case.Channel.ONLINE,
    "网上": Case.Channel.ONLINE,
    "网办": Case.Channel.ONLINE,
    "mobile": Case.Channel.MOBILE,
    "移动端": Case.Channel.MOBILE,
    "mail": Case.Channel.MAIL,
    "邮寄": Case.Channel.MAIL,
}
_RESULTS = {
    "approved": Case.Result.APPROVED,
    "准予许可": Case.Result.APPROVED,
    "准予办理": Case.Result.APPROVED,
    "准予": Case.Result.APPROVED,
    "办结": Case.Result.APPROVED,
    "denied": Case.Result.DENIED,
    "不予许可": Case.Result.DENIED,
    "不予办理": Case.Result.DENIED,
    "不予": Case.Result.DENIED,
}
_DATE_ONLY_TIME = dt.time(9)


@dataclass
class ParsedRow:
    row: int
    number: str
    item_id: int
    limit_days: int
    applicant_type: str
    applicant_name: str
    id_number: str
    uscc: str
    phone: str
    channel: str
    window_id: int | None
    accepted_at: dt.datetime
    completed_at: dt.datetime | None
    result: str
    reason: str
    delivered_at: dt.datetime | None


@dataclass
class RowError:
    row: int
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "message": self.message}


@dataclass
class ImportReport:
    total: int = 0
    imported: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "imported": self.imported,
            "dry_run": self.dry_run,
            "errors": [e.as_dict() for e in self.errors],
        }


def parse_mapping(text: str) -> dict[str, str]:
    """``item_code=事项代码,accepted_at=受理日期`` → a mapping over the defaults."""
    mapping = dict(DEFAULT_MAPPING)
    for part in filter(None, (p.strip() for p in (text or "").replace("\n", ",").split(","))):
        key, sep, header = part.partition("=")
        key = key.strip()
        if not sep or key not in DEFAULT_MAPPING or not header.strip():
            raise ValueError(_("列映射无效:%(part)s") % {"part": part})
        mapping[key] = header.strip()
    return mapping


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_moment(value: Any, tz: dt.tzinfo | None = None) -> dt.datetime | None:
    """A local (Asia/Shanghai) moment from a cell; None when empty.

    Cells may hold a datetime or date (.xlsx) or ISO-like text: ``2026-03-02 09:30``,
    ``2026/03/02``, ``20260302``. A date alone means 09:00 that day.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, _DATE_ONLY_TIME)
    else:
        text = str(value).strip().replace("/", "-")
        if len(text) <= 10:
            moment = dt.datetime.combine(dt.date.fromisoformat(text), _DATE_ONLY_TIME)
        else:
            moment = dt.datetime.fromisoformat(text)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=tz or timezone.get_current_timezone())
    return moment


class MissingColumns(ValueError):
    """The header lacks a required column (the message names them)."""


class RowChecker:
    """Checks rows against the centre's items and windows and against each other."""

    def __init__(
        self,
        *,
        header: list[Any],
        mapping: dict[str, str],
        items: dict[str, tuple[int, int]],
        windows: dict[str, int],
        now: dt.datetime,
    ) -> None:
        headers = [_text(h) for h in header]
        missing = [mapping[f] for f in REQUIRED if mapping[f] not in headers]
        if missing:
            raise MissingColumns(_("文件缺少列:%(cols)s") % {"cols": "、".join(missing)})
        self.mapping = mapping
        self.index = {f: headers.index(col) for f, col in mapping.items() if col in headers}
        self.items = items
        self.windows = windows
        self.now = now
        self.numbers: set[str] = set()
        self.tz = timezone.get_current_timezone()
        self.labels = {
            "accepted_at": _("受理时间"),
            "completed_at": _("办结时间"),
            "delivered_at": _("送达时间"),
        }

    def cell(self, values: list[Any], name: str) -> Any:
        i = self.index.get(name)
        return values[i] if i is not None and i < len(values) else None

    def check(self, row: int, values: list[Any]) -> ParsedRow | RowError:
        problems: list[str] = []

        def get(name: str) -> str:
            return _text(self.cell(values, name))

        def moment(name: str) -> dt.datetime | None:
            try:
                return parse_moment(self.cell(values, name), self.tz)
            except ValueError:
                problems.append(_("%(label)s格式无法识别") % {"label": self.labels[name]})
                return None

        for name in REQUIRED:
            if not get(name):
                problems.append(_("缺少%(col)s") % {"col": self.mapping_label(name)})
        item = self.items.get(get("item_code"))
        if get("item_code") and item is None:
            problems.append(_("事项编码 %(code)s 不存在") % {"code": get("item_code")})
        applicant_type = _APPLICANT_TYPES.get(get("applicant_type").lower())
        if get("applicant_type") and applicant_type is None:
            problems.append(_("申请人类型无效"))
        identifier = normalize_id_number(get("identifier"))
        if applicant_type == "person" and identifier and not is_valid_id_number(identifier):
            problems.append(_("身份证号码无效"))
        if applicant_type == "company" and identifier and not is_valid_uscc(identifier):
            problems.append(_("统一社会信用代码无效"))
        phone = normalize_phone(get("phone"))
        if phone and not is_valid_phone(phone):
            problems.append(_("联系电话格式不正确"))
        channel = _CHANNELS.get(get("channel").lower())
        if channel is None:
            problems.append(_("申报渠道无效"))
        window_id = None
        if get("window"):
            window_id = self.windows.get(get("window"))
            if window_id is None:
                problems.append(_("窗口 %(w)s 不存在") % {"w": get("window")})
        accepted_at = moment("accepted_at")
        completed_at = moment("completed_at")
        delivered_at = moment("delivered_at")
        if accepted_at and accepted_at > self.now:
            problems.append(_("受理时间晚于当前时间"))
        if accepted_at and completed_at and completed_at < accepted_at:
            problems.append(_("办结时间早于受理时间"))
        if delivered_at and not completed_at:
            problems.append(_("有送达时间但没有办结时间"))
        if delivered_at and completed_at and delivered_at < completed_at:
            problems.append(_("送达时间早于办结时间"))
        result = _RESULTS.get(get("result").lower(), "") if get("result") else ""
        if get("result") and not result:
            problems.append(_("办理结果无效"))
        if completed_at and not result:
            problems.append(_("已办结的办件须填写办理结果"))
        if result and not completed_at:
            problems.append(_("有办理结果但没有办结时间"))
        if result == Case.Result.DENIED and not get("reason"):
            problems.append(_("不予许可须说明理由"))
        number = get("number")
        if number:
            if len(number) > 32:
                problems.append(_("办件编号过长"))
            elif number in self.numbers:
                problems.append(_("办件编号 %(n)s 在文件中重复") % {"n": number})
            self.numbers.add(number)
        if problems:
            return RowError(row, ";".join(problems))
        assert item is not None and accepted_at is not None and applicant_type is not None
        return ParsedRow(
            row=row,
            number=number,
            item_id=item[0],
            limit_days=item[1],
            applicant_type=applicant_type,
            applicant_name=get("applicant_name")[:200],
            id_number=identifier if applicant_type == "person" else "",
            uscc=identifier if applicant_type == "company" else "",
            phone=phone,
            channel=channel,
            window_id=window_id,
            accepted_at=accepted_at,
            completed_at=completed_at,
            result=result,
            reason=get("reason") if result == Case.Result.DENIED else "",
            delivered_at=delivered_at,
        )

    def mapping_label(self, name: str) -> str:
        return self.mapping[name]
