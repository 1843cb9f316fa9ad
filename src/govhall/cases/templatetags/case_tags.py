"""A case event's details (stored as JSON for the timeline and the outbox) as labelled lines."""

import datetime as dt
from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govhall.cases.models import Case, CaseEvent, ClockStop, result_label

register = template.Library()

# detail key → (label, how its stored value reads)
_CHOICES = {
    "mode": Case.Mode,
    "result": Case.Result,
    "method": Case.Delivery,
    "procedure": ClockStop.Kind,
}
_LABELS = {
    "mode": gettext_lazy("受理方式"),
    "materials_received": gettext_lazy("已收材料"),
    "materials_missing": gettext_lazy("容缺材料"),
    "materials": gettext_lazy("材料"),
    "supply_by": gettext_lazy("补交期限"),
    "window": gettext_lazy("受理窗口"),
    "ticket": gettext_lazy("排队号"),
    "result": gettext_lazy("办理结果"),
    "reason": gettext_lazy("理由"),
    "late": gettext_lazy("超期办结"),
    "method": gettext_lazy("送达方式"),
    "tracking_number": gettext_lazy("邮寄单号"),
    "procedure": gettext_lazy("特别程序"),
    "told_days": gettext_lazy("告知所需时间"),
    "note": gettext_lazy("说明"),
    "notice": gettext_lazy("补正告知"),
    "repeat": gettext_lazy("再次补正"),
    "repeat_reason": gettext_lazy("再次补正理由"),
    "joint": gettext_lazy("并联审批件"),
}


def _reads(key: str, value: Any) -> str:
    if key in _CHOICES:
        choices = _CHOICES[key]
        return str(choices(value).label) if value in choices.values else str(value)
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if key == "window":
        return _("%(n)s号") % {"n": value}
    if key == "told_days":
        return _("%(n)s 个工作日") % {"n": value}
    if key == "notice":
        return _("第%(n)s次") % {"n": value}
    if key == "supply_by":
        return dt.date.fromisoformat(value).strftime("%Y-%m-%d")
    return str(value)


@register.filter
def event_lines(event: CaseEvent) -> list[tuple[str, str]]:
    """(label, text) for each detail that says something: empty lists, blanks and a "no" to
    lateness are left out; unknown keys keep their value under a generic label."""
    lines = []
    for key, value in (event.details or {}).items():
        if value in (None, "", [], False):
            continue
        if key == "result" and event.case_id is not None:
            text = result_label(value, event.case.item)  # a 行政确认 is 准予办理, not 准予许可
        else:
            text = _reads(key, value)
        lines.append((str(_LABELS.get(key, _("详情"))), text))
    return lines
