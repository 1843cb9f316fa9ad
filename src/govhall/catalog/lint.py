"""Guide lint: the problems of seed 002 found in the catalogue's 办事指南.

`lint_guides(items, catch_all_patterns=...)` is a pure function over service items (with their
department and materials loaded) and returns `Finding` rows. The selector
`govhall.catalog.selectors.lint_items(center_id=...)` loads a centre's items and calls it; the
admin page `catalog:lint`, the command `govhall lint-guides` and the supervision app's
rectification lists all read its result.

`Finding` is a stable contract: its fields and the rule codes in `RULES` only ever grow.
"""

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govhall.catalog.models import DEFAULT_CATCH_ALL_PATTERNS
from govhall.core.validators import is_valid_phone

ERROR = "error"
WARNING = "warning"
Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One problem of one item's guide.

    item_id / item_code / item_name: the ServiceItem; department: its department's name;
    rule: a code from `RULES`; severity: "error" (must be rectified) or "warning" (should be);
    message: what is wrong, in words an administrator can act on.
    """

    item_id: int
    item_code: str
    item_name: str
    department: str
    rule: str
    severity: Severity
    message: str


# rule code → (severity, short title). Codes are stable: supervision stores them.
RULES: dict[str, tuple[Severity, Any]] = {
    "catch_all_material": (ERROR, gettext_lazy("材料清单含兜底条款")),
    "form_without_blank": (ERROR, gettext_lazy("需填表格未提供空白表格下载")),
    "form_without_sample": (WARNING, gettext_lazy("需填表格未提供示范文本")),
    "promised_over_legal": (ERROR, gettext_lazy("承诺时限超过法定时限")),
    "missing_fees": (ERROR, gettext_lazy("未写明收费标准")),
    "missing_basis": (ERROR, gettext_lazy("未写明设定依据")),
    "missing_consult_phone": (ERROR, gettext_lazy("未公布咨询电话")),
    "missing_supervise_phone": (ERROR, gettext_lazy("未公布监督投诉电话")),
    "invalid_phone": (WARNING, gettext_lazy("电话号码格式不正确")),
    "missing_conditions": (WARNING, gettext_lazy("未写明受理条件")),
    "missing_steps": (WARNING, gettext_lazy("未写明办理流程")),
    "no_materials": (WARNING, gettext_lazy("承诺件未列申请材料")),
    "inconsistent_item": (ERROR, gettext_lazy("同一事项在不同部门描述不一致")),
    "catch_all_conditions": (ERROR, gettext_lazy("受理条件含兜底条款")),
    "catch_all_steps": (WARNING, gettext_lazy("办理流程含兜底表述")),
    "window_not_authorized": (ERROR, gettext_lazy("进驻未授权(窗口不能受理审批)")),
}

# Catch-alls every guide is checked for besides the centre's own list (CatalogSettings): the
# common ones of the guide reviews after seed 002. (shown phrase, regular expression); a
# trailing "等" is searched at the end of a material name or of a sentence.
BUILTIN_CATCH_ALLS: list[tuple[str, re.Pattern[str]]] = [
    (phrase, re.compile(regex))
    for phrase, regex in (
        ("法律、法规、规章规定的其他申请材料", r"规定的其[他它].{0,6}(材料|资料)"),
        ("其他申请材料", r"其[他它]申请材料"),
        ("其他资料", r"其[他它]资料"),
        ("相关资料", r"相关资料"),
        ("有关资料", r"有关资料"),
        ("相关证件", r"相关证件"),
        ("其他需要提供的证明", r"其[他它]需要.{0,8}证明"),
        ("按照规定应当提交的材料", r"按照?(有关|相关|国家)?规定(应当?|需要?|须)?(提交|提供)的"),
        ("规定的其他条件", r"规定的其[他它].{0,4}条件"),
        ("其他条件", r"其[他它](受理)?条件"),
        ("其他程序", r"其[他它](程序|环节)"),
        ("……等", r"等[。.;;,,、]?$"),
    )
]
_SENTENCES = re.compile(r"[。;;\n]+")


def rule_title(rule: str) -> str:
    return str(RULES[rule][1])


def compile_patterns(patterns: str | Iterable[str]) -> list[tuple[str, re.Pattern[str]]]:
    """Phrases (one per line; ``*`` = any text) → compiled regular expressions."""
    lines = patterns.splitlines() if isinstance(patterns, str) else patterns
    compiled = []
    for line in lines:
        phrase = line.strip()
        if phrase:
            regex = ".*?".join(re.escape(part) for part in phrase.split("*"))
            compiled.append((phrase, re.compile(regex)))
    return compiled


def _finding(item: Any, rule: str, message: str) -> Finding:
    return Finding(
        item_id=item.pk,
        item_code=item.code,
        item_name=item.name,
        department=item.department.name,
        rule=rule,
        severity=RULES[rule][0],
        message=message,
    )


def _lint_materials(
    item: Any, materials: Sequence[Any], patterns: list[tuple[str, re.Pattern[str]]]
) -> list[Finding]:
    findings = []
    for material in materials:
        hit = _catch_all(material.name.strip(), patterns)
        if hit is not None:
            findings.append(
                _finding(
                    item,
                    "catch_all_material",
                    _("材料“%(name)s”是兜底条款(“%(phrase)s”),应逐项列明所需材料。")
                    % {"name": material.name, "phrase": hit},
                )
            )
        if material.needs_form and not material.form_file:
            findings.append(
                _finding(
                    item,
                    "form_without_blank",
                    _("材料“%(name)s”需要填写表格,但未提供空白表格下载。")
                    % {"name": material.name},
                )
            )
        if material.needs_form and not material.sample_file:
            findings.append(
                _finding(
                    item,
                    "form_without_sample",
                    _("材料“%(name)s”需要填写表格,但未提供示范文本。") % {"name": material.name},
                )
            )
    return findings


def _catch_all(text: str, patterns: list[tuple[str, re.Pattern[str]]]) -> str | None:
    """The first catch-all phrase (the centre's, then the built-in ones) found in `text`."""
    return next(
        (phrase for phrase, rx in [*patterns, *BUILTIN_CATCH_ALLS] if rx.search(text)), None
    )


def _lint_texts(item: Any, patterns: list[tuple[str, re.Pattern[str]]]) -> list[Finding]:
    """受理条件 and 办理流程, sentence by sentence: a catch-all leaves the applicant guessing."""
    findings = []
    for field, rule, label in (
        ("conditions", "catch_all_conditions", _("受理条件")),
        ("steps", "catch_all_steps", _("办理流程")),
    ):
        for sentence in _SENTENCES.split(getattr(item, field) or ""):
            hit = _catch_all(sentence.strip(), patterns)
            if hit is not None:
                findings.append(
                    _finding(
                        item,
                        rule,
                        _("%(label)s“%(text)s”含兜底表述(“%(phrase)s”),应逐项写明。")
                        % {"label": label, "text": sentence.strip(), "phrase": hit},
                    )
                )
    return findings


def _lint_fields(item: Any, materials: Sequence[Any]) -> list[Finding]:
    findings = []
    if item.entered and not item.window_authorized:
        findings.append(
            _finding(
                item,
                "window_not_authorized",
                _("事项进驻大厅但窗口未获授权,只收件不审批(“进驻未授权”),应充分授权窗口。"),
            )
        )
    if (
        not item.immediate
        and item.legal_limit_days
        and item.promised_limit_days > item.legal_limit_days
    ):
        findings.append(
            _finding(
                item,
                "promised_over_legal",
                _("承诺时限 %(promised)s 个工作日超过法定时限 %(legal)s 个工作日。")
                % {"promised": item.promised_limit_days, "legal": item.legal_limit_days},
            )
        )
    for field, rule, message in (
        ("fees", "missing_fees", _("收费标准为空;不收费的应写明“不收费”。")),
        ("basis", "missing_basis", _("设定依据为空,应写明法律法规名称及条款。")),
        ("consult_phone", "missing_consult_phone", _("咨询电话为空。")),
        ("supervise_phone", "missing_supervise_phone", _("监督投诉电话为空。")),
        ("conditions", "missing_conditions", _("受理条件为空。")),
        ("steps", "missing_steps", _("办理流程为空。")),
    ):
        if not (getattr(item, field) or "").strip():
            findings.append(_finding(item, rule, message))
    for field, label in (("consult_phone", _("咨询电话")), ("supervise_phone", _("监督投诉电话"))):
        phone = (getattr(item, field) or "").strip()
        if phone and not is_valid_phone(phone):
            findings.append(
                _finding(
                    item,
                    "invalid_phone",
                    _("%(label)s“%(phone)s”不是有效的电话号码。")
                    % {"label": label, "phone": phone},
                )
            )
    if not item.immediate and not materials:
        findings.append(_finding(item, "no_materials", _("承诺件未列出任何申请材料。")))
    return findings


def _description(item: Any, materials: Sequence[Any]) -> dict[str, Any]:
    """What an applicant relies on; two departments' guides to one item must agree on it."""
    return {
        _("法定时限"): item.legal_limit_days,
        _("承诺时限"): 0 if item.immediate else item.promised_limit_days,
        _("即办件"): item.immediate,
        _("到现场次数"): item.max_visits,
        _("收费标准"): (item.fees or "").strip(),
        _("申请材料"): frozenset(m.name.strip() for m in materials),
    }


def _lint_consistency(entries: Sequence[tuple[Any, Sequence[Any]]]) -> list[Finding]:
    by_name: dict[str, list[tuple[Any, dict[str, Any]]]] = defaultdict(list)
    for item, materials in entries:
        by_name[item.name.strip()].append((item, _description(item, materials)))
    findings = []
    for group in by_name.values():
        departments = {item.department_id for item, _d in group}
        if len(departments) < 2:
            continue
        for item, description in group:
            for other, other_description in group:
                if other.department_id == item.department_id:
                    continue
                differing = [k for k, v in description.items() if other_description[k] != v]
                if differing:
                    findings.append(
                        _finding(
                            item,
                            "inconsistent_item",
                            _("与%(other)s的同名事项(%(code)s)在%(fields)s上不一致。")
                            % {
                                "other": other.department.name,
                                "code": other.code,
                                "fields": "、".join(differing),
                            },
                        )
                    )
    return findings


def lint_guides(
    items: Iterable[Any], *, catch_all_patterns: str | Iterable[str] = DEFAULT_CATCH_ALL_PATTERNS
) -> list[Finding]:
    """Every finding for `items` (ServiceItems with `department` and `materials` loaded).

    Pure: reads only the objects given (prefetch `materials` to avoid a query per item). Findings
    come in item order, then rule order of `RULES`.
    """
    patterns = compile_patterns(catch_all_patterns)
    entries = [(item, list(item.materials.all())) for item in items]
    per_item: dict[int, list[Finding]] = defaultdict(list)
    for item, materials in entries:
        per_item[item.pk] += _lint_materials(item, materials, patterns)
        per_item[item.pk] += _lint_fields(item, materials)
        per_item[item.pk] += _lint_texts(item, patterns)
    for finding in _lint_consistency(entries):
        per_item[finding.item_id].append(finding)
    order = {rule: n for n, rule in enumerate(RULES)}
    return [
        finding
        for item, _m in entries
        for finding in sorted(per_item[item.pk], key=lambda f: order[f.rule])
    ]
