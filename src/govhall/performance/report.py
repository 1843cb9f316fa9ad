"""The bulletin's text (通报), composed from a run's frozen snapshot and scores.

Seeds 000 and 001 are the model. Everything here reads the run's ``inputs`` (the figures the
run was computed from), so a published bulletin states exactly what was published, whatever data
arrives later. The same composition feeds the .docx, the preview page and the tests.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from govhall.core.numbers import percent_text, points_text
from govhall.feedback.models import AssistRecord
from govhall.performance.models import DepartmentScore, EvaluationRun
from govhall.performance.selectors import ranked_scores, unranked_scores

CN_NUMERALS = "一二三四五六七八九十"
TOP_DEPARTMENTS = 5  # seed 001 names the five busiest units


@dataclass
class Section:
    """A numbered part; each paragraph is (lead, text): the lead "(一)办理效率。" is set in 楷体."""

    heading: str
    paragraphs: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Table:
    """A titled table of the attachment after the ranking."""

    title: str
    header: list[str]
    rows: list[list[Any]]


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
    # Units listed apart from the ranking (not entered, without cases, not rated): name, reason.
    unranked_rows: list[list[Any]] = field(default_factory=list)
    # The units under the volume floor, with their services (none when no unit is).
    low_volume: Table | None = None
    draft: bool = False


def cn_date(day: dt.date) -> str:
    return _("%(y)s年%(m)s月%(d)s日") % {"y": day.year, "m": day.month, "d": day.day}


# The rules a run's bulletin is composed by, recorded in its snapshot (`bulletin_rules`). A
# published bulletin is composed again from its snapshot on every download, so a run keeps the
# rounding and wording it was issued with when they change ("98%" for 197 ÷ 200 stays as it was
# signed). 1: runs computed before the snapshot recorded it; 2: percentages rounded half up
# (四舍五入), complaints whose verdict is still pending named apart from the valid ones; 3: the
# hall as seed 003 describes it (service areas and windows, then the government's departments
# and items, then the enterprises brought in, `hall_parts`), the ratings by channel naming only
# the channels that had some ("均为线下评价", not "线上0条"), "无差评" (not "差评0条"), points
# deducted without trailing zeros ("扣2分", not "扣2.0分"), a unit that accepted nothing but
# handled its overdue backlog said to have accepted no new case (not "办件量为零" beside its
# "办理业务N件、超期M件").
BULLETIN_RULES = 3


def percent(value: float, places: int = 0, *, half_up: bool = True) -> str:
    """A rate as a percentage rounded half up (四舍五入), as an office rounds: 197 ÷ 200 is
    "99%", not the "98%" that rounding the binary float half to even prints (`half_up` False:
    that old rounding, for the runs computed with it)."""
    if not half_up:
        return f"{round(float(value) * 100, places):.{places}f}%"
    return percent_text(value, places)


def _rules(inputs: dict[str, Any]) -> int:
    """The `BULLETIN_RULES` a run's snapshot was composed by (1 when it does not say)."""
    return inputs.get("bulletin_rules", 1)


def minutes(seconds: float) -> str:
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


def _clauses(*parts: str | None) -> str:
    """The clauses that have their figures, joined into one sentence ("" when none has)."""
    kept = [p for p in parts if p]
    return ",".join(kept) + "。" if kept else ""


def _names(names: list[str], unit: str) -> str:
    """ "甲" / "甲、乙等2个单位": a count only when it says more than the one name."""
    if len(names) == 1:
        return names[0]
    return _("%(names)s等%(n)s个%(unit)s") % {
        "names": "、".join(names),
        "n": len(names),
        "unit": unit,
    }


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _listed(hall: dict[str, Any], *parts: tuple[str, str]) -> str:
    """ "27个服务区、270个窗口": each (key, template) whose figure the hall has, joined."""
    return "、".join(template % {"n": hall[key]} for key, template in parts if hall.get(key))


def hall_parts(hall: dict[str, Any]) -> str:
    """What the hall is and houses, as seed 003 puts it: "设27个服务区、270个窗口,共进驻92个部门
    (单位)、2340项政务服务事项、300名工作人员,引进16家企业、84项企业服务事项" (`hall_counts`' keys:
    the enterprises and their items apart from the government's). A figure the hall has none of
    is left out, and a clause left without figures with it ("" when the hall has nothing)."""
    setting = _listed(hall, ("areas", _("%(n)s个服务区")), ("windows", _("%(n)s个窗口")))
    housing = _listed(
        hall,
        ("departments", _("%(n)s个部门(单位)")),
        ("items", _("%(n)s项政务服务事项")),
        ("staff", _("%(n)s名工作人员")),
    )
    brought = _listed(
        hall, ("enterprises", _("%(n)s家企业")), ("enterprise_items", _("%(n)s项企业服务事项"))
    )
    clauses = (
        _("设%(what)s") % {"what": setting} if setting else "",
        _("共进驻%(what)s") % {"what": housing} if housing else "",
        _("引进%(what)s") % {"what": brought} if brought else "",
    )
    return ",".join(c for c in clauses if c)


def _hall_sentence(center_name: str, hall: dict[str, Any], *, rules: int = BULLETIN_RULES) -> str:
    """ "目前,X设27个服务区、270个窗口,共进驻…。" by the bulletin `rules` (before 3: the hall as
    runs computed before were issued with, "目前,X共进驻12个部门(单位)、…、M个窗口。")."""
    if rules < 3:
        what = _listed(
            hall,
            ("departments", _("%(n)s个部门(单位)")),
            ("items", _("%(n)s项政务服务事项")),
            ("staff", _("%(n)s名工作人员")),
            ("windows", _("%(n)s个窗口")),
        )
        if not what:
            return ""
        return _("目前,%(center)s共进驻%(what)s。") % {"center": center_name, "what": what}
    what = hall_parts(hall)
    if not what:
        return ""
    return _("目前,%(center)s%(what)s。") % {"center": center_name, "what": what}


def since_launch_sentence(since: dict[str, Any] | None, start: dt.date, end: dt.date) -> str:
    """The running total to `end` with its 办结率 to two decimals (seed 001: "至目前,通过…行政
    审批系统共受理审批服务事项3645件,事项办结率为96.89%"), from `cases.selectors.since_launch`;
    "" when no case was accepted before `start` (it would repeat the period's own figures)."""
    if not since:
        return ""
    first = dt.date.fromisoformat(str(since["since"]))
    if first >= start:
        return ""
    return _(
        "截至%(end)s,政务服务系统自%(since)s启用以来累计受理办件%(n)s件,"
        "办结%(done)s件,办结率%(rate)s。"
    ) % {
        "end": cn_date(end),
        "since": cn_date(first),
        "n": since["accepted"],
        "done": since["completed"],
        "rate": percent(since["completion_rate"], 2),
    }


def _mean_time(seconds: float | None, in_minutes: str, in_seconds: str) -> str | None:
    """A mean time in minutes to one decimal, or in whole seconds under a minute: a wait of a
    few seconds printed as "0.0分钟" would read as a figure nobody measured."""
    if seconds is None:
        return None
    if seconds < 60:
        return in_seconds % {"s": round(float(seconds))}
    return in_minutes % {"m": minutes(seconds)}


def _efficiency(period: str, center: dict[str, Any], inputs: dict[str, Any]) -> str:
    half_up = _rules(inputs) >= 2
    hall = _clauses(
        _mean_time(
            center.get("avg_wait_seconds"),
            _("群众在窗口的平均等待时间为%(m)s分钟"),
            _("群众在窗口的平均等待时间为%(s)s秒"),
        ),
        _mean_time(
            center.get("avg_handling_seconds"),
            _("平均办理时间为%(m)s分钟"),
            _("平均办理时间为%(s)s秒"),
        ),
        _("%(share)s的业务在10分钟内办结")
        % {"share": percent(center["share_within_10min"], half_up=half_up)}
        if center.get("share_within_10min") is not None
        else None,
    )
    accepted = center.get("accepted") or 0
    cases = ""
    if accepted:
        last = inputs.get("last_year") or {}
        change = None
        if last.get("accepted"):
            delta = (accepted - last["accepted"]) / last["accepted"]
            change = (
                _("较去年同期%(last)s件增长%(p)s")
                if delta >= 0
                else _("较去年同期%(last)s件下降%(p)s")
            ) % {"last": last["accepted"], "p": percent(abs(delta), 1, half_up=half_up)}
        cases = _clauses(
            _("共受理办件%(n)s件") % {"n": accepted},
            change,
            _("其中网上办件%(n)s件,网上办件占比%(p)s")
            % {
                "n": center["accepted_online"],
                "p": percent(center["online_share"], half_up=half_up),
            }
            if center.get("accepted_online")
            else None,
            _("办结%(n)s件,办结率%(rate)s")
            % {
                "n": center.get("completed", 0),
                "rate": percent(center["completion_rate"], half_up=half_up),
            },
            _("超期%(n)s件") % {"n": center.get("overdue", 0)},
        )
    consult = (
        _("接待咨询办事群众%(n)s人次。") % {"n": center["consultations"]}
        if center.get("consultations")
        else ""
    )
    top = sorted(
        (
            (d["figures"].get("accepted") or 0, d["name"])
            for d in inputs.get("departments", {}).values()
            if d.get("figures", {}).get("accepted")
        ),
        key=lambda pair: (-pair[0], pair[1]),
    )[:TOP_DEPARTMENTS]
    leaders = (
        _("办件量居前的有%(list)s。")
        % {"list": "、".join(_("%(d)s%(n)s件") % {"d": name, "n": n} for n, name in top)}
        if len(top) > 1
        else ""
    )
    text = _hall_sentence(
        inputs.get("center_name", ""), inputs.get("hall", {}), rules=_rules(inputs)
    )
    body = hall + cases + consult + leaders
    running = (
        since_launch_sentence(
            inputs["since_launch"],
            dt.date.fromisoformat(inputs["period"]["start"]),
            dt.date.fromisoformat(inputs["period"].get("as_of") or inputs["period"]["end"]),
        )
        if inputs.get("since_launch")  # a snapshot taken before it was recorded has none
        else ""
    )
    return text + (period + "," + body if body else "") + running


def _quality(center: dict[str, Any], *, rules: int = BULLETIN_RULES) -> str:
    """The 服务质量 paragraph by the bulletin `rules` (1: rounding half to even, no pending
    complaints named; before 3: both channels named, "线上0条" too, and "差评0条" for 无差评)."""
    half_up = rules >= 2
    ratings = center.get("ratings") or 0
    both = _("(线上%(on)s条、线下%(off)s条)")
    split = (
        rating_channels(
            center,
            both=both,
            offline_only=_("(均为线下评价)") if rules >= 3 else None,
            online_only=_("(均为线上评价)") if rules >= 3 else None,
        )
        if "ratings_online" in center and ratings
        else ""
    )
    return _clauses(
        _("“好差评”主动邀评率%(p)s") % {"p": percent(center["invitation_rate"], half_up=half_up)}
        if center.get("invitation_rate") is not None
        else None,
        (
            _("收到评价%(n)s条%(split)s,好评率%(good)s,差评%(bad)s条")
            if center.get("bad_ratings") or rules < 3
            else _("收到评价%(n)s条%(split)s,好评率%(good)s,无差评")
        )
        % {
            "n": ratings,
            "split": split,
            "good": percent(center["good_rate"], 1, half_up=half_up),
            "bad": center.get("bad_ratings", 0),
        }
        if ratings
        else None,
        _("差评整改按期完成率%(p)s")
        % {"p": percent(center["rectification_on_time_rate"], half_up=half_up)}
        if center.get("rectification_on_time_rate") is not None
        else None,
        _complaints(center, name_pending=rules >= 2) if center.get("complaints") else None,
    )


def rating_channels(
    figures: dict[str, Any], *, both: str, offline_only: str | None, online_only: str | None
) -> str:
    """The ratings by channel: `both` ("(线上%(on)s条、线下%(off)s条)") filled in when each channel
    had ratings, else the phrase of the one that had them (never "线上0条"; `both` all the same
    where that phrase is None)."""
    online, offline = figures["ratings_online"], figures["ratings_offline"]
    if not online and offline_only is not None:
        return offline_only
    if not offline and online_only is not None:
        return online_only
    return both % {"on": online, "off": offline}


def _complaints(center: dict[str, Any], *, name_pending: bool) -> str:
    """受理…投诉N件,其中有效投诉V件 — and, while some are still being checked, how many, so that
    "有效投诉0件" never stands for complaints nobody has judged yet."""
    received, valid = center["complaints"], center.get("complaints_valid", 0)
    text = _("受理“办不成事”反映及投诉%(n)s件,其中有效投诉%(v)s件") % {"n": received, "v": valid}
    pending = received - valid - center.get("complaints_invalid", 0)
    if name_pending and pending > 0:
        text += _(",尚在核实%(n)s件") % {"n": pending}
    return text


def _convenience(period: str, center: dict[str, Any], departments: dict[str, Any]) -> str:
    if not center.get("assists_total"):
        return ""
    givers = sum(
        1 for d in departments.values() if (d.get("figures", {}).get("assists_total") or 0) > 0
    )
    return _("%(period)s,共%(n)s个窗口单位开展帮办代办服务%(total)s次,其中%(detail)s。") % {
        "period": period,
        "n": givers,
        "total": center["assists_total"],
        "detail": _assist_phrase(center.get("assists_by_type") or {}),
    }


def _under_floor(
    units: list[tuple[str, dict[str, Any]]],
    share: Any,
    floor_label: str,
    of_median: str,
    sentence: str,
) -> str:
    """ "甲(服务5人次)、乙(服务11人次)服务量未达到<floor_label>(<of_median>),…。" from the
    units' flags (each with its services and the floor); "" without units."""
    if not units:
        return ""
    floor = floor_label % {"floor": units[0][1]["floor"]}
    if share:
        floor += of_median % {"share": percent(share)}
    return sentence % {
        "units": "、".join(
            _("%(name)s(服务%(n)s人次)") % {"name": name, "n": f"{flag['services']:g}"}
            for name, flag in units
        ),
        "floor": floor,
    }


def _low_volume_units(run: EvaluationRun) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """The units listed apart for their volume: snapshot (name, figures) and flag (services,
    floor)."""
    departments = run.inputs.get("departments", {})
    return [
        (departments[str(score.department_id)], flag)
        for score in unranked_scores(run=run).filter(standing=DepartmentScore.Standing.LOW_VOLUME)
        for flag in score.flags
        if flag.get("kind") == "low_volume"
    ]


def _not_awarded(
    passed: dict[str, list[tuple[str, dict[str, Any]]]], inputs: dict[str, Any]
) -> str:
    """The ranked units kept out of the awards, with the reason: no attendance recorded, or (in
    runs computed before units under the floor were listed apart) services under the floor."""
    sentences = []
    no_attendance = [name for name, _flag in passed.get("no_attendance", [])]
    if no_attendance:
        sentences.append(
            _("%(names)s考核期内无出勤记录,不参加本期评优。")
            % {"names": _names(no_attendance, _("单位"))}
        )
    sentences.append(
        _under_floor(
            passed.get("low_volume", []),
            inputs.get("rubric", {}).get("award_min_volume_share"),
            _("评优门槛%(floor)s人次"),
            _("(参加排名单位服务量中位数的%(share)s)"),
            _("%(units)s服务量未达到%(floor)s,不参加本期评优。"),
        )
    )
    return "".join(sentences)


def _awards(run: EvaluationRun, inputs: dict[str, Any]) -> str:
    """ "评选出优秀窗口4个:…。服务标兵8名:…。" in the rubric's order of its titles, then the
    ranked units kept out of the awards and why."""
    departments = inputs.get("departments", {})
    staff = inputs.get("staff", {})
    holders: dict[str, list[str]] = {}
    passed: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for score in ranked_scores(run=run):
        name = departments[str(score.department_id)]["name"]
        for title in filter(None, score.award.split("、")):
            holders.setdefault(title, []).append(name)
        for flag in score.flags:
            if flag.get("kind") == "not_awarded":
                passed.setdefault(flag["reason"], []).append((name, flag))
    for score in run.staff_scores.exclude(award="").order_by("rank", "staff_id"):
        person = staff[str(score.staff_id)]
        label = (
            _("%(name)s(%(dept)s)") % {"name": person["name"], "dept": person["department_short"]}
            if person.get("department_short")
            else person["name"]
        )
        for title in filter(None, score.award.split("、")):
            holders.setdefault(title, []).append(label)
    sentences = []
    for award in inputs.get("rubric", {}).get("awards", []):
        names = holders.get(award["name"])
        if not names:
            continue
        template = (
            _("%(award)s%(n)s个:%(names)s。")
            if award["subject"] == "department"
            else _("%(award)s%(n)s名:%(names)s。")
        )
        sentences.append(
            template % {"award": award["name"], "n": len(names), "names": "、".join(names)}
        )
    awarded = _("评选出") + "".join(sentences) if sentences else ""
    apart = _under_floor(
        [(unit["name"], flag) for unit, flag in _low_volume_units(run)],
        inputs.get("rubric", {}).get("award_min_volume_share"),
        _("排名门槛%(floor)s人次"),
        _("(参评单位服务量中位数的%(share)s)"),
        _("%(units)s服务量未达到%(floor)s,不参加排名。"),
    )
    return awarded + apart + _not_awarded(passed, inputs)


def as_of_label(label: str, as_of: dt.date | None) -> str:
    """ "2026年12月(截至12月7日)": a period's label with the day its figures stop at, when they
    stop before the period ends (the label alone without it)."""
    if as_of is None:
        return label
    return _("%(period)s(截至%(m)s月%(d)s日)") % {"period": label, "m": as_of.month, "d": as_of.day}


def run_period_label(run: EvaluationRun) -> str:
    """ "2026年11月"; "2026年12月(截至12月7日)" for a run computed before its period ended,
    whose figures stop at that day."""
    period = run.inputs.get("period", {})
    as_of = period.get("as_of")
    return as_of_label(
        period.get("label") or run.period.label, dt.date.fromisoformat(as_of) if as_of else None
    )


def compose_bulletin(*, run: EvaluationRun, texts: dict[str, str], issued_on: dt.date) -> Bulletin:
    """The bulletin from the run's snapshot and the given settings texts (a published run's own,
    frozen; the centre's current ones for a draft). A sentence whose figure is missing is left
    out, never printed with a dash."""
    inputs = run.inputs
    center = inputs.get("center", {})
    departments = inputs.get("departments", {})
    period_label = run_period_label(run)
    center_name = inputs.get("center_name") or run.center.name

    work_parts = [
        (_("办理效率。"), _efficiency(period_label, center, inputs)),
        (_("服务质量。"), _quality(center, rules=_rules(inputs))),
        (_("便民服务。"), _convenience(period_label, center, departments)),
        (_("评价结果。"), _awards(run, inputs)),
    ] + [("", line) for line in _lines(run.narrative_work)]
    work = Section(
        _("一、工作情况"),
        [_sub(i, text, lead) for i, (lead, text) in enumerate(p for p in work_parts if p[1])],
    )
    problems = Section(
        _("二、存在问题"),
        [
            _sub(i, text)
            for i, text in enumerate(_problems(run, inputs) + _lines(run.narrative_problems))
        ]
        or [_sub(0, _("考核期内未发现突出问题。"))],
    )
    requirements = Section(
        _("三、工作要求"), [("", line) for line in _lines(texts.get("requirements", ""))]
    )
    if (texts.get("closing") or "").strip():
        requirements.paragraphs.append(("", texts["closing"].strip()))
    basis = (texts.get("basis") or "").strip()
    opening = (
        _("%(period)s,%(center)s进驻窗口单位严格落实%(basis)s规定开展服务。")
        % {
            "period": period_label,
            "center": center_name,
            "basis": basis,
        }
        if basis
        else ""
    ) + _("现将%(period)s进驻窗口单位服务效能评价情况通报如下:") % {"period": period_label}

    header, rows = compose_ranking(run)
    return Bulletin(
        title=_("%(center)s%(period)s进驻窗口单位服务效能评价情况通报")
        % {"center": center_name, "period": period_label},
        addressees=texts.get("addressees", ""),
        opening=opening,
        sections=[work, problems, requirements],
        attachment_title=_("%(center)s进驻窗口单位%(period)s服务效能评价排名")
        % {"center": center_name, "period": period_label},
        ranking_header=header,
        ranking_rows=[[_printed(v) for v in row] for row in rows],
        unranked_rows=unranked_rows(run),
        low_volume=low_volume_table(run),
        issuer=texts.get("issuer") or center_name,
        date_text=cn_date(issued_on),
        draft=run.status == EvaluationRun.Status.DRAFT,
    )


def _printed(value: Any) -> Any:
    """A cell of the printed ranking: a score to two places ("82.60", as the run holds it), a
    dash for a dimension without a score."""
    if value is None:
        return "—"
    return f"{value:.2f}" if isinstance(value, float) else value


def _problems(run: EvaluationRun, inputs: dict[str, Any]) -> list[str]:
    """二、存在问题, found from the data: each paragraph names departments and items."""
    departments = inputs.get("departments", {})
    found: list[str] = []
    rules = _rules(inputs)
    points = points_text if rules >= 3 else str
    upstream = inputs.get("upstream") or {}
    if upstream.get("unpushed") or upstream.get("failed"):
        found.append(
            _("办件数据归集不够及时全面:考核期内产生的%(n)s条办件数据中,")
            % {"n": upstream["events"]}
            + "、".join(
                part
                for part in (
                    _("%(n)s条尚未推送至上级平台") % {"n": upstream["unpushed"]}
                    if upstream.get("unpushed")
                    else "",
                    _("%(n)s条推送失败") % {"n": upstream["failed"]}
                    if upstream.get("failed")
                    else "",
                )
                if part
            )
            + _(",未做到实时全量归集。")
        )
    overdue: dict[str, dict[str, Any]] = {}
    for row in inputs.get("overdue_items", []):
        if not row.get("overdue"):
            continue
        entry = overdue.setdefault(
            str(row["department_id"]), {"overdue": 0, "handled": 0, "items": []}
        )
        entry["overdue"] += row["overdue"]
        entry["items"].append(row["item"])
    for row in inputs.get("overdue_items", []):
        # every item row of a department with overdue cases: their cases handled, overdue ones
        # accepted before the period included (a run's snapshot before they were: its accepted)
        if str(row["department_id"]) in overdue:
            overdue[str(row["department_id"])]["handled"] += row.get("handled") or 0
    if overdue:
        found.append(
            _("存在超期办件:")
            + ";".join(
                _("%(dept)s办理业务%(handled)s件、超期%(overdue)s件(%(items)s)")
                % {
                    "dept": departments.get(pk, {}).get("name", ""),
                    "handled": max(
                        e["handled"],
                        departments.get(pk, {}).get("figures", {}).get("accepted", 0),
                    ),
                    "overdue": e["overdue"],
                    "items": "、".join(e["items"]),
                }
                for pk, e in overdue.items()
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
            + "、".join(_("%(dept)s扣%(n)s分") % {"dept": n, "n": points(p)} for n, p in deducted)
            + "。"
        )
    Standing = DepartmentScore.Standing
    apart: dict[str, list[str]] = {}
    for score in unranked_scores(run=run):
        standing = score.standing
        if standing == Standing.NO_CASES and rules >= 3 and str(score.department_id) in overdue:
            # it accepted nothing, but handled its backlog ("办理业务1件、超期1件" above): it is
            # not a unit without business
            standing = "backlog_only"
        apart.setdefault(standing, []).append(departments[str(score.department_id)]["name"])
    if apart.get(Standing.NO_CASES):
        found.append(
            _("%(names)s未受理办理业务,办件量为零,未参加排名。")
            % {"names": _names(apart[Standing.NO_CASES], _("单位"))}
        )
    if apart.get("backlog_only"):
        found.append(
            _("%(names)s考核期内未受理新办件,未参加排名。")
            % {"names": _names(apart["backlog_only"], _("单位"))}
        )
    if apart.get(Standing.NOT_ENTERED):
        found.append(
            _("%(names)s尚未进驻中心,未参加排名。")
            % {"names": _names(apart[Standing.NOT_ENTERED], _("单位"))}
        )
    if apart.get(Standing.NOT_RATED):
        found.append(
            _("%(names)s考核数据不足,未参加排名。")
            % {"names": _names(apart[Standing.NOT_RATED], _("单位"))}
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
    conduct_text = _clauses(
        _("迟到%(n)s人次") % {"n": conduct["late"]} if conduct["late"] else None,
        _("早退%(n)s人次") % {"n": conduct["early"]} if conduct["early"] else None,
        _("空岗累计%(n)s分钟") % {"n": conduct["absence_from_post_minutes"]}
        if conduct["absence_from_post_minutes"]
        else None,
        _("巡查发现违规%(n)s起、扣%(p)s分")
        % {"n": conduct["violations"], "p": points(conduct["violation_points"])}
        if conduct["violations"]
        else None,
    )
    if conduct_text:
        found.append(_("作风纪律仍需加强:考核期内") + conduct_text)
    return found


def _rate(value: Any) -> Any:
    return round(float(value), 4) if value is not None else None


def _minutes_or_none(seconds: Any) -> float | None:
    return round(seconds / 60, 1) if seconds is not None else None


def _business_row(index: Any, name: str, f: dict[str, Any]) -> list[Any]:
    return [
        index,
        name,
        f.get("accepted", 0),
        f.get("completed", 0),
        _rate(f.get("completion_rate")),
        f.get("accepted_online", 0),
        f.get("overdue", 0),
        f.get("completed_in_period", 0),
        _rate(f.get("on_time_rate")),
        f.get("avg_workdays"),
        f.get("consultations", 0),
        f.get("tickets_served", 0),
        _minutes_or_none(f.get("avg_wait_seconds")),
        _minutes_or_none(f.get("avg_handling_seconds")),
    ]


# The columns of the tables that hold a rate (a fraction, shown as a percentage in the .xlsx).
RATE_COLUMNS = ("办结率", "按期办结率")


def business_table(run: EvaluationRun) -> tuple[list[str], list[list[Any]]]:
    """业务办理汇总表: cases and the hall by department, from the run's snapshot. 办结 and 办结率
    are of the cases 受理 in the period; 本期办结 (and the on-time rate and mean working days
    over it) counts every case completed in the period, whenever accepted."""
    header = [
        _("序号"),
        _("单位"),
        _("受理件数"),
        _("办结件数"),
        _("办结率"),
        _("网上办件"),
        _("超期件数"),
        _("本期办结件数"),
        _("按期办结率"),
        _("平均办理用时(工作日)"),
        _("咨询人次"),
        _("叫号办结人次"),
        _("平均等待(分钟)"),
        _("平均办理(分钟)"),
    ]
    departments = run.inputs.get("departments", {})
    rows = [
        _business_row(index, dept["name"], dept.get("figures", {}))
        for index, (_pk, dept) in enumerate(
            sorted(departments.items(), key=lambda kv: kv[1]["name"]), 1
        )
    ]
    rows.append(_business_row("", _("合计"), run.inputs.get("center", {})))
    return header, rows


# The attendance figures of the tables, in their order, with their column labels.
ATTENDANCE_LABELS = {
    "working_days": _("应出勤天数"),
    "present_days": _("实出勤天数"),
    "late": _("迟到"),
    "early": _("早退"),
    "missing_punches": _("缺卡"),
    "absent_days": _("缺勤天数"),
    "leave_days": _("请假天数"),
    "temp_absences": _("临时外出登记"),
    "absence_from_post_minutes": _("空岗(分钟)"),
    "violations": _("违规次数"),
    "violation_points": _("违规扣分"),
}


def attendance_tables(run: EvaluationRun) -> list[tuple[list[str], list[list[Any]]]]:
    """考勤考核汇总表: by staff, then by department, from the run's snapshot."""
    labels = [str(label) for label in ATTENDANCE_LABELS.values()]
    staff_header = [_("工号"), _("姓名"), _("单位"), *labels]
    staff_rows = [
        [s["staff_number"], s["name"], s["department"]]
        + [s.get("figures", {}).get(key, 0) for key in ATTENDANCE_LABELS]
        for _pk, s in sorted(
            run.inputs.get("staff", {}).items(),
            key=lambda kv: (kv[1]["department"], kv[1]["staff_number"]),
        )
    ]
    dept_header = [_("单位"), *labels]
    dept_rows = [
        [d["name"]] + [d.get("figures", {}).get(key, 0) for key in ATTENDANCE_LABELS]
        for _pk, d in sorted(
            run.inputs.get("departments", {}).items(), key=lambda kv: kv[1]["name"]
        )
    ]
    return [(staff_header, staff_rows), (dept_header, dept_rows)]


def report_tables(run: EvaluationRun) -> list[tuple[str, str, list[str], list[list[Any]]]]:
    """The three tables beside the bulletin, as (sheet, caption, header, rows)."""
    center = run.inputs.get("center_name") or run.center.name
    period = run_period_label(run)
    business = business_table(run)
    (staff_header, staff_rows), (dept_header, dept_rows) = attendance_tables(run)
    bulletin_ranking = compose_ranking(run)
    unranked = ([_("单位"), _("未参加排名的原因")], unranked_rows(run))
    low_volume = low_volume_table(run)
    apart = (
        [
            (
                _("服务量未达到排名门槛的单位"),
                f"{center}{period}{low_volume.title}",
                low_volume.header,
                low_volume.rows,
            )
        ]
        if low_volume
        else []
    )
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
        *apart,
        (
            _("未参加排名的单位"),
            _("%(c)s%(p)s未参加排名的单位") % {"c": center, "p": period},
            *unranked,
        ),
    ]


def compose_ranking(run: EvaluationRun) -> tuple[list[str], list[list[Any]]]:
    """The ranking table: the ranked units only, names and dimensions from the snapshot."""
    dimensions = run.inputs.get("rubric", {}).get("dimensions") or [
        [d.code, d.name] for d in run.rubric.dimensions.all()
    ]
    departments = run.inputs.get("departments", {})
    header = [_("名次"), _("单位")] + [name for _code, name in dimensions] + [_("总分"), _("奖项")]
    rows = [
        [s.rank, departments[str(s.department_id)]["name"]]
        + [
            float(v) if (v := s.dimension_scores.get(code)) is not None else None
            for code, _name in dimensions
        ]
        + [float(s.total), s.award]
        for s in ranked_scores(run=run)
    ]
    return header, rows


def unranked_rows(run: EvaluationRun) -> list[list[Any]]:
    """The units listed apart from the ranking for another reason than their volume (not
    entered, without cases, not rated): name and why."""
    departments = run.inputs.get("departments", {})
    return [
        [departments[str(s.department_id)]["name"], s.get_standing_display()]
        for s in unranked_scores(run=run).exclude(standing=DepartmentScore.Standing.LOW_VOLUME)
    ]


def low_volume_table(run: EvaluationRun) -> Table | None:
    """The units under the volume floor, after the ranking: each with its tickets served,
    cases accepted and services (their sum), from the run's snapshot; None when there are none."""
    units = _low_volume_units(run)
    if not units:
        return None
    return Table(
        _("服务量未达到排名门槛%(floor)s人次的单位(不参加排名)") % {"floor": units[0][1]["floor"]},
        [_("单位"), _("叫号办结人次"), _("受理件数"), _("服务量(人次)")],
        [
            [
                unit["name"],
                unit["figures"].get("tickets_served", 0),
                unit["figures"].get("accepted", 0),
                int(flag["services"]),
            ]
            for unit, flag in units
        ],
    )
