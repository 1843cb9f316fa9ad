"""The bulletin's text (通报), composed from a run's frozen snapshot and scores.

Seeds 000 and 001 are the model. Everything here reads the run's ``inputs`` (the figures the
run was computed from), so a published bulletin states exactly what was published, whatever data
arrives later. The same composition feeds the .docx, the preview page and the tests.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from govhall.feedback.models import AssistRecord
from govhall.performance.models import BulletinSettings, EvaluationRun
from govhall.performance.selectors import run_scores

CN_NUMERALS = "一二三四五六七八九十"


@dataclass
class Section:
    """A numbered part; each paragraph is (lead, text): the lead "(一)办理效率。" is set in 楷体."""

    heading: str
    paragraphs: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Bulletin:
    title: str
    addressees: str
    opening: str
    sections: list[Section]
    attachment_title: str
    ranking_header: list[str]
    ranking_rows: list[list[Any]]
    issuer: str
    date_text: str


def cn_date(day: dt.date) -> str:
    return _("%(y)s年%(m)s月%(d)s日") % {"y": day.year, "m": day.month, "d": day.day}


def percent(value: Any, places: int = 0) -> str:
    if value is None:
        return "—"
    number = round(float(value) * 100, places)
    text = f"{number:.{places}f}"
    return f"{text}%"


def minutes(seconds: Any) -> str:
    if seconds is None:
        return "—"
    return f"{float(seconds) / 60:.1f}"


def _assist_phrase(by_type: dict[str, Any]) -> str:
    """ "上门服务86次、延时服务34次…" in the catalogue's order of assisted-service types."""
    return "、".join(
        _("%(kind)s%(n)s次") % {"kind": kind.label, "n": by_type[kind.value]}
        for kind in AssistRecord.Kind
        if by_type.get(kind.value)
    )


def _sub(index: int, text: str, lead: str = "") -> tuple[str, str]:
    return f"({CN_NUMERALS[index]}){lead}", text


def compose_bulletin(
    *, run: EvaluationRun, settings: BulletinSettings, issued_on: dt.date
) -> Bulletin:
    inputs = run.inputs
    center = inputs.get("center", {})
    departments = inputs.get("departments", {})
    period_label = run.period.label
    center_name = run.center.name
    scores = list(run_scores(run=run))

    efficiency = _(
        "%(period)s,%(center)s群众在窗口的平均等待时间为%(wait)s分钟,平均办理时间为%(handle)s分钟,"
        "%(share)s的业务在10分钟内办结。共受理办件%(accepted)s件,办结%(completed)s件,"
        "办结率%(rate)s,超期%(overdue)s件。"
    ) % {
        "period": period_label,
        "center": center_name,
        "wait": minutes(center.get("avg_wait_seconds")),
        "handle": minutes(center.get("avg_handling_seconds")),
        "share": percent(center.get("share_within_10min")),
        "accepted": center.get("accepted", 0),
        "completed": center.get("completed", 0),
        "rate": percent(center.get("completion_rate")),
        "overdue": center.get("overdue", 0),
    }
    quality = _(
        "“好差评”主动邀评率%(invitation)s,收到评价%(ratings)s条,好评率%(good)s,"
        "差评%(bad)s条,差评整改按期完成率%(rect)s;受理“办不成事”反映及投诉%(complaints)s件,"
        "其中有效投诉%(valid)s件。"
    ) % {
        "invitation": percent(center.get("invitation_rate")),
        "ratings": center.get("ratings", 0),
        "good": percent(center.get("good_rate"), 1),
        "bad": center.get("bad_ratings", 0),
        "rect": percent(center.get("rectification_on_time_rate")),
        "complaints": center.get("complaints", 0),
        "valid": center.get("complaints_valid", 0),
    }
    by_type = center.get("assists_by_type") or {}
    assist_departments = sum(
        1 for d in departments.values() if (d.get("figures", {}).get("assists_total") or 0) > 0
    )
    convenience = (
        _("%(period)s,共%(n)s个窗口单位开展帮办代办服务%(total)s次,其中%(detail)s。")
        % {
            "period": period_label,
            "n": assist_departments,
            "total": center.get("assists_total", 0),
            "detail": _assist_phrase(by_type),
        }
        if center.get("assists_total")
        else _("%(period)s,未登记帮办代办服务。") % {"period": period_label}
    )
    awarded = [s.department.name for s in scores if s.award]
    stars = [
        f"{s.staff.user.display_name}({s.staff.department.short_name or s.staff.department.name})"
        if s.staff.department
        else s.staff.user.display_name
        for s in run.staff_scores.filter(award__gt="").select_related(
            "staff__user", "staff__department"
        )
    ]
    results = []
    if awarded:
        results.append(
            _("评选出%(award)s%(n)s个:%(names)s。")
            % {"award": run.rubric.award_name, "n": len(awarded), "names": "、".join(awarded)}
        )
    if stars:
        results.append(
            _("%(award)s%(n)s名:%(names)s。")
            % {"award": run.rubric.star_name, "n": len(stars), "names": "、".join(stars)}
        )

    work = Section(
        _("一、工作情况"),
        [
            _sub(0, efficiency, _("办理效率。")),
            _sub(1, quality, _("服务质量。")),
            _sub(2, convenience, _("便民服务。")),
        ]
        + ([_sub(3, "".join(results), _("评价结果。"))] if results else []),
    )
    problems = Section(_("二、存在问题"), _problems(inputs, departments))
    requirements = Section(
        _("三、工作要求"),
        [("", line.strip()) for line in (settings.requirements or "").splitlines() if line.strip()],
    )
    if settings.closing.strip():
        requirements.paragraphs.append(("", settings.closing.strip()))

    header, rows = compose_ranking(run)
    rows = [[("—" if v is None else v) for v in row] for row in rows]
    return Bulletin(
        title=_("%(center)s%(period)s进驻窗口单位服务效能评价情况通报")
        % {"center": center_name, "period": period_label},
        addressees=settings.addressees,
        opening=_("现将%(period)s进驻窗口单位服务效能评价情况通报如下:") % {"period": period_label},
        sections=[work, problems, requirements],
        attachment_title=_("%(center)s进驻窗口单位%(period)s服务效能评价排名")
        % {"center": center_name, "period": period_label},
        ranking_header=header,
        ranking_rows=rows,
        issuer=settings.issuer or center_name,
        date_text=cn_date(issued_on),
    )


def _problems(inputs: dict[str, Any], departments: dict[str, Any]) -> list[tuple[str, str]]:
    """二、存在问题, found from the data: each paragraph names departments and items."""
    found: list[str] = []
    overdue: dict[str, dict[str, Any]] = {}
    for row in inputs.get("overdue_items", []):
        if not row.get("overdue"):
            continue
        entry = overdue.setdefault(row["department"], {"handled": 0, "overdue": 0, "items": []})
        entry["overdue"] += row["overdue"]
        entry["items"].append(row["item"])
    for name, entry in overdue.items():
        dept = next((d for d in departments.values() if d.get("name") == name), {"figures": {}})
        entry["handled"] = dept["figures"].get("accepted", entry["handled"])
    if overdue:
        found.append(
            _("存在超期办件:")
            + ";".join(
                _("%(dept)s办理业务%(handled)s件、超期%(overdue)s件(%(items)s)")
                % {
                    "dept": name,
                    "handled": e["handled"],
                    "overdue": e["overdue"],
                    "items": "、".join(e["items"]),
                }
                for name, e in overdue.items()
            )
            + "。"
        )
    deducted = [
        (d["name"], d["figures"].get("complaint_deductions"))
        for d in departments.values()
        if (d.get("figures", {}).get("complaint_deductions") or 0) > 0
    ]
    if deducted:
        found.append(
            _("个别单位因群众投诉被扣分:")
            + "、".join(_("%(dept)s扣%(n)s分") % {"dept": n, "n": p} for n, p in deducted)
            + "。"
        )
    zero = [
        departments[str(pk)]["name"]
        for pk in inputs.get("zero_case_departments", [])
        if str(pk) in departments
    ]
    if zero:
        found.append(
            _("%(names)s等%(n)s个单位未受理办理业务,办件量为零。")
            % {"names": "、".join(zero), "n": len(zero)}
        )
    not_entered = [
        (departments[k]["name"], len(v))
        for k, v in inputs.get("items_not_entered", {}).items()
        if k in departments
    ]
    if not_entered:
        found.append(
            _("事项进驻不彻底,存在“应进未进”:")
            + "、".join(_("%(dept)s(%(n)s项)") % {"dept": n, "n": c} for n, c in not_entered)
            + _("没有进驻中心办理。")
        )
    conduct = {
        key: sum((d.get("figures", {}).get(key) or 0) for d in departments.values())
        for key in ("late", "early", "absence_from_post_minutes", "violations", "violation_points")
    }
    if any(conduct.values()):
        found.append(
            _(
                "作风纪律仍需加强:考核期内迟到%(late)s人次、早退%(early)s人次,空岗累计%(minutes)s分钟,"
                "巡查发现违规%(violations)s起、扣%(points)s分。"
            )
            % {
                "late": conduct["late"],
                "early": conduct["early"],
                "minutes": conduct["absence_from_post_minutes"],
                "violations": conduct["violations"],
                "points": conduct["violation_points"],
            }
        )
    if not found:
        found.append(_("考核期内未发现突出问题。"))
    return [_sub(i, text) for i, text in enumerate(found)]


def _rate(value: Any) -> Any:
    return round(float(value), 4) if value is not None else None


def business_table(run: EvaluationRun) -> tuple[list[str], list[list[Any]]]:
    """业务办理汇总表: cases and the hall by department, from the run's snapshot."""
    header = [
        _("序号"),
        _("单位"),
        _("受理件数"),
        _("办结件数"),
        _("办结率"),
        _("超期件数"),
        _("按期办结率"),
        _("平均办理用时(工作日)"),
        _("咨询人次"),
        _("叫号办结人次"),
        _("平均等待(分钟)"),
        _("平均办理(分钟)"),
    ]
    rows = []
    departments = run.inputs.get("departments", {})
    for index, (_pk, dept) in enumerate(
        sorted(departments.items(), key=lambda kv: kv[1]["name"]), 1
    ):
        f = dept.get("figures", {})
        rows.append(
            [
                index,
                dept["name"],
                f.get("accepted", 0),
                f.get("completed", 0),
                _rate(f.get("completion_rate")),
                f.get("overdue", 0),
                _rate(f.get("on_time_rate")),
                f.get("avg_workdays"),
                f.get("consultations", 0),
                f.get("tickets_served", 0),
                round(f["avg_wait_seconds"] / 60, 1)
                if f.get("avg_wait_seconds") is not None
                else None,
                round(f["avg_handling_seconds"] / 60, 1)
                if f.get("avg_handling_seconds") is not None
                else None,
            ]
        )
    c = run.inputs.get("center", {})
    rows.append(
        [
            "",
            _("合计"),
            c.get("accepted", 0),
            c.get("completed", 0),
            _rate(c.get("completion_rate")),
            c.get("overdue", 0),
            _rate(c.get("on_time_rate")),
            c.get("avg_workdays"),
            c.get("consultations", 0),
            c.get("tickets_served", 0),
            round(c["avg_wait_seconds"] / 60, 1) if c.get("avg_wait_seconds") is not None else None,
            round(c["avg_handling_seconds"] / 60, 1)
            if c.get("avg_handling_seconds") is not None
            else None,
        ]
    )
    return header, rows


ATTENDANCE_KEYS = [
    ("working_days", _("应出勤天数")),
    ("present_days", _("实出勤天数")),
    ("late", _("迟到")),
    ("early", _("早退")),
    ("missing_punches", _("缺卡")),
    ("absent_days", _("缺勤天数")),
    ("leave_days", _("请假天数")),
    ("temp_absences", _("临时外出登记")),
    ("absence_from_post_minutes", _("空岗(分钟)")),
    ("violations", _("违规次数")),
    ("violation_points", _("违规扣分")),
]


def attendance_tables(run: EvaluationRun) -> list[tuple[list[str], list[list[Any]]]]:
    """考勤考核汇总表: by staff, then by department, from the run's snapshot."""
    labels = [str(label) for _key, label in ATTENDANCE_KEYS]
    staff_header = [_("工号"), _("姓名"), _("单位"), *labels]
    staff_rows = [
        [s["staff_number"], s["name"], s["department"]]
        + [s.get("figures", {}).get(key, 0) for key, _label in ATTENDANCE_KEYS]
        for _pk, s in sorted(
            run.inputs.get("staff", {}).items(),
            key=lambda kv: (kv[1]["department"], kv[1]["staff_number"]),
        )
    ]
    dept_header = [_("单位"), *labels]
    dept_rows = [
        [d["name"]] + [d.get("figures", {}).get(key, 0) for key, _label in ATTENDANCE_KEYS]
        for _pk, d in sorted(
            run.inputs.get("departments", {}).items(), key=lambda kv: kv[1]["name"]
        )
    ]
    return [(staff_header, staff_rows), (dept_header, dept_rows)]


def report_tables(run: EvaluationRun) -> list[tuple[str, str, list[str], list[list[Any]]]]:
    """The three tables beside the bulletin, as (sheet, caption, header, rows)."""
    center, period = run.center.name, run.period.label
    business = business_table(run)
    (staff_header, staff_rows), (dept_header, dept_rows) = attendance_tables(run)
    bulletin_ranking = compose_ranking(run)
    return [
        (
            _("业务办理汇总表"),
            _("%(c)s%(p)s业务办理汇总表") % {"c": center, "p": period},
            *business,
        ),
        (
            _("考勤考核汇总表"),
            _("%(c)s%(p)s考勤考核汇总表(人员)") % {"c": center, "p": period},
            staff_header,
            staff_rows,
        ),
        (
            _("考勤考核汇总表(单位)"),
            _("%(c)s%(p)s考勤考核汇总表(单位)") % {"c": center, "p": period},
            dept_header,
            dept_rows,
        ),
        (
            _("服务效能评价排名"),
            _("%(c)s%(p)s服务效能评价排名") % {"c": center, "p": period},
            *bulletin_ranking,
        ),
    ]


def compose_ranking(run: EvaluationRun) -> tuple[list[str], list[list[Any]]]:
    dimensions = list(run.rubric.dimensions.all())
    header = [_("名次"), _("单位")] + [d.name for d in dimensions] + [_("总分"), _("奖项")]
    rows = [
        [s.rank, s.department.name]
        + [
            float(v) if (v := s.dimension_scores.get(d.code)) is not None else None
            for d in dimensions
        ]
        + [float(s.total), s.award]
        for s in run_scores(run=run)
    ]
    return header, rows
