"""The yearly report (年度报告), composed from the year's figures and its published months.

Seed 004 is the model: the hall, the year's cases and ratings (线上 / 线下), the services to make
things easier (免费刻章 673户 / 3311枚 / 节省52.9万元), training and rotation, and the results of
the evaluation. Unlike a monthly bulletin it is not frozen: it reads the apps' selectors when
asked (`selectors.year_figures`), so a year still running is reported up to the day. It is a
`Bulletin`, so the .docx is the monthly bulletin's layout (`documents.bulletin_docx`), with the
ranking of the year as its attachment. A sentence whose figure is missing is left out.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govhall.cases.models import Case
from govhall.core.models import Center
from govhall.feedback.models import AssistRecord
from govhall.performance import selectors
from govhall.performance.errors import PerformanceError
from govhall.performance.periods import parse_period
from govhall.performance.report import (
    TOP_DEPARTMENTS,
    Bulletin,
    Section,
    _clauses,
    _sub,
    cn_date,
    hall_parts,
    minutes,
    percent,
    rating_channels,
    since_launch_sentence,
)
from govhall.performance.selectors import YearFigures, YearRank
from govhall.performance.services import bulletin_texts

TEN_THOUSAND = Decimal(10000)


def year_of(value: str | int) -> int:
    """The year of a report from user input ("2026"), refused unless it is a year code."""
    spec = parse_period(str(value))
    if spec.kind != "year":
        raise PerformanceError.BAD_YEAR(_("年度“%(v)s”格式不正确,应为 2026。") % {"v": value})
    return spec.start.year


def yearly_figures(*, center: Center, year: int, today: dt.date | None = None) -> YearFigures:
    """The year's figures; a year not begun, or with nothing in it, is refused."""
    today = today or timezone.localdate()
    if dt.date(year, 1, 1) > today:
        raise PerformanceError.FUTURE_PERIOD(
            _("%(year)s年尚未开始,不能生成年度报告。") % {"year": year}
        )
    figures = selectors.year_figures(center_id=center.pk, year=year, today=today)
    if figures.is_empty():
        raise PerformanceError.EMPTY_PERIOD(
            _(
                "%(year)s年没有任何业务数据(取号、办件、评价、帮办代办、培训、月度评价),不能生成年度报告。"
            )
            % {"year": year},
        )
    return figures


def _span(figures: YearFigures) -> str:
    """ "2026年" for a whole year, "2026年1月1日至12月5日" while it runs."""
    if figures.complete:
        return _("%(year)s年") % {"year": figures.year}
    return _("%(year)s年1月1日至%(m)s月%(d)s日") % {
        "year": figures.year,
        "m": figures.end.month,
        "d": figures.end.day,
    }


def _money(yuan: Decimal) -> str:
    """52.9万元 from 529000 (one decimal from ten thousand up), else 3200元."""
    if yuan >= TEN_THOUSAND:
        return _("%(n)s万元") % {"n": f"{yuan / TEN_THOUSAND:.1f}"}
    return _("%(n)s元") % {"n": f"{yuan:.0f}" if yuan == yuan.to_integral() else f"{yuan:.2f}"}


def _hall(center_name: str, figures: YearFigures) -> str:
    what = hall_parts(figures.hall)
    text = (
        _("截至%(day)s,%(center)s%(what)s。")
        % {"day": cn_date(figures.end), "center": center_name, "what": what}
        if what
        else ""
    )
    stability = figures.stability
    staying = _clauses(
        _("年初在岗工作人员%(n)s名,至%(day)s仍在原单位%(kept)s名,人员稳定率%(rate)s")
        % {
            "n": stability["staff_at_start"],
            "day": cn_date(figures.end),
            "kept": stability["staff_retained"],
            "rate": percent(stability["stability_rate"], 1),
        }
        if stability.get("stability_rate") is not None
        else None,
        _("全年人员调离%(n)s人次") % {"n": stability["staff_turnover"]}
        if stability.get("staff_turnover")
        else None,
    )
    return text + staying


def _efficiency(span: str, figures: YearFigures) -> str:
    tickets, cases = figures.tickets, figures.cases
    body = _clauses(
        _("共取号%(n)s个") % {"n": tickets["tickets_issued"]}
        if tickets.get("tickets_issued")
        else None,
        _("叫号办理%(n)s人次") % {"n": tickets["tickets_served"]}
        if tickets.get("tickets_served")
        else None,
        _("群众平均等待时间为%(m)s分钟") % {"m": minutes(tickets["avg_wait_seconds"])}
        if tickets.get("avg_wait_seconds") is not None
        else None,
    ) + (
        _clauses(
            _("共受理办件%(n)s件") % {"n": cases["accepted"]},
            _("其中网上办件%(n)s件,网上办件占比%(p)s")
            % {"n": cases["accepted_online"], "p": percent(cases["online_share"], 2)}
            if cases.get("accepted_online")
            else None,
            _("办结%(n)s件,办结率%(rate)s")
            % {"n": cases["completed"], "rate": percent(cases["completion_rate"], 1)},
            _("超期%(n)s件") % {"n": cases["overdue"]},
        )
        if cases.get("accepted")
        else ""
    )
    running = since_launch_sentence(figures.since_launch, figures.start, figures.end)
    return (span + "," + body if body else "") + running


def _one_visit(figures: YearFigures) -> str:
    items, cases = figures.one_visit_items, figures.one_visit_cases
    return _clauses(
        _("进驻的%(n)s项政务服务事项中,“最多跑一次”事项%(k)s项,占比%(p)s")
        % {"n": items.items, "k": items.one_visit, "p": percent(items.share, 1)}
        if items.share is not None
        else None,
        _("其中“不见面审批”事项%(n)s项") % {"n": items.no_visit} if items.no_visit else None,
        _("全年受理的办件中,“最多跑一次”事项办件%(n)s件,占比%(p)s")
        % {
            "n": cases["accepted_one_visit"],
            "p": percent(cases["one_visit_case_share"], 1),
        }
        if cases.get("one_visit_case_share") is not None
        else None,
    )


def _quality(figures: YearFigures) -> str:
    ratings = figures.ratings
    text = (
        _clauses(
            _("共收到“好差评”评价%(n)s条") % {"n": ratings["ratings"]}
            + rating_channels(
                ratings,
                # seed 004: "其中线上评价事项2412件,线下评价事项3220件"
                both=_(",其中线上评价%(on)s条、线下评价%(off)s条"),
                offline_only=_(",均为线下评价"),
                online_only=_(",均为线上评价"),
            ),
            _("非常满意占比%(p)s") % {"p": percent(ratings["very_satisfied_rate"], 1)},
            _("好评率%(p)s") % {"p": percent(ratings["good_rate"], 1)},
            _("差评%(n)s条") % {"n": ratings["bad_ratings"]}
            if ratings["bad_ratings"]
            else _("无差评"),
        )
        if ratings.get("ratings")
        else ""
    )
    return text + _complaints(figures.complaints)


def _complaints(complaints: dict[str, Any]) -> str:
    """ "受理群众投诉和“办不成事”反映5起,回访联系上5起,回访满意率100%。" (seed 004)."""
    if not complaints.get("complaints"):
        return ""
    return _clauses(
        _("受理群众投诉和“办不成事”反映%(n)s起") % {"n": complaints["complaints"]},
        _("回访联系上%(n)s起") % {"n": complaints["reached"]} if complaints["reached"] else None,
        _("回访满意率%(p)s") % {"p": percent(complaints["satisfaction_rate"])}
        if complaints["satisfaction_rate"] is not None
        else None,
    )


# How the yearly report names an assisted service where the kind's label is not what a report
# says (seed 003: "免费邮寄服务300余次"); the monthly bulletin keeps the labels it was issued with.
YEARLY_ASSIST_NAMES = {AssistRecord.Kind.FREE_MAIL: gettext_lazy("免费邮寄服务")}


def _assist_detail(kind: Any, row: dict[str, Any], unit: str | None) -> str:
    """ "免费刻章120次(673户、3311枚,节省52.9万元)": the details that are not zero."""
    inner = "、".join(
        part
        for part in (
            _("%(n)s户") % {"n": row["households"]} if row["households"] else "",
            f"{row['quantity']}{unit}" if row["quantity"] and unit else "",
        )
        if part
    )
    saving = _("节省%(m)s") % {"m": _money(row["saving"])} if row["saving"] else ""
    detail = ",".join(part for part in (inner, saving) if part)
    name = YEARLY_ASSIST_NAMES.get(kind, kind.label)
    text = _("%(kind)s%(n)s次") % {"kind": name, "n": row["count"]}
    return text + (_("(%(d)s)") % {"d": detail} if detail else "")


def _convenience(span: str, figures: YearFigures) -> str:
    """The assisted services by kind, the home visits and after-hours services together when
    both were given (seed 003: "提供上门、延时服务1000余件"), then the 容缺 cases (with the span
    when they open the paragraph)."""
    total = figures.assists["total"]
    if not total["count"]:
        return _missing_materials(figures, span)
    details = "、".join(
        _assist_detail(kind, figures.assists[kind.value], figures.assist_units.get(kind.value))
        for kind in AssistRecord.Kind
        if figures.assists[kind.value]["count"]
    )
    home = figures.assists[AssistRecord.Kind.HOME_VISIT]["count"]
    after_hours = figures.assists[AssistRecord.Kind.AFTER_HOURS]["count"]
    return _clauses(
        _("%(span)s共开展帮办代办服务%(n)s次,其中%(detail)s")
        % {"span": span, "n": total["count"], "detail": details},
        _("上门、延时服务合计%(n)s次") % {"n": home + after_hours}
        if home and after_hours
        else None,
        _("共为群众和企业节省%(m)s") % {"m": _money(total["saving"])} if total["saving"] else None,
    ) + _missing_materials(figures, "")


def _missing_materials(figures: YearFigures, span: str) -> str:
    """ "容缺受理办件26件,与延时服务合计为企业和群众开展延时、容缺服务60次。" (seed 004:
    "为企业开展延时、容缺服务60余次"); "" without a 容缺 case."""
    missing = figures.case_modes[Case.Mode.MISSING]
    if not missing:
        return ""
    after_hours = figures.assists[AssistRecord.Kind.AFTER_HOURS]["count"]
    return span + _clauses(
        _("容缺受理办件%(n)s件") % {"n": missing},
        _("与延时服务合计为企业和群众开展延时、容缺服务%(n)s次")
        % {"n": figures.after_hours_and_missing}
        if after_hours
        else None,
    )


def _training(figures: YearFigures) -> str:
    training = figures.training
    coverage = training.coverage if training.sessions_held else None
    return _clauses(
        _("全年开展培训%(n)s期,参训%(a)s人次")
        % {"n": training.sessions_held, "a": training.attendances}
        if training.sessions_held
        else None,
        _("组织窗口工作人员轮岗交流%(n)s次") % {"n": training.rotations}
        if training.rotations
        else None,
        _("学习覆盖率%(p)s") % {"p": percent(coverage)} if coverage is not None else None,
    )


def _reductions(figures: YearFigures) -> str:
    total = figures.reductions.total
    labels = (
        (_("办理环节"), _("%(n)s个"), total.steps),
        (_("申请材料"), _("%(n)s份"), total.materials),
        (_("办理时限"), _("%(n)s个工作日"), total.days),
        (_("收费"), None, total.fees),
    )
    parts = [
        _("%(what)s由%(before)s减至%(after)s,压减%(p)s%%")
        % {
            "what": what,
            "before": unit % {"n": f"{cut.before:f}"} if unit else _money(cut.before),
            "after": unit % {"n": f"{cut.after:f}"} if unit else _money(cut.after),
            "p": cut.share_percent,
        }
        for what, unit, cut in labels
        if cut.share_percent is not None and cut.share_percent > 0
    ]
    if not parts:
        return ""
    return _("与上年末相比,两个时点均在用的%(n)s项事项中,") % {"n": total.items} + _clauses(*parts)


def _ranking_sentence(figures: YearFigures) -> str:
    if not figures.ranking:
        return ""
    months = "、".join(_("%(m)s月") % {"m": int(code.split("-")[1])} for code in figures.months)
    top = figures.ranking[:TOP_DEPARTMENTS]
    return _(
        "全年发布月度服务效能评价%(n)s期(%(months)s),%(units)s个单位参加排名。"
        "按各单位参加排名各月总分的平均分排名,位居前列的有%(top)s。"
    ) % {
        "n": len(figures.months),
        "months": months,
        "units": len(figures.ranking),
        "top": "、".join(
            _("%(name)s(平均%(avg)s分,参加排名%(m)s个月)")
            % {"name": u.name, "avg": u.average, "m": u.months}
            for u in top
        ),
    }


def ranking_table(ranking: list[YearRank]) -> tuple[list[str], list[list[Any]]]:
    """The ranking of the year: rank, unit, months ranked, mean total, best month, awards."""
    header = [
        _("名次"),
        _("单位"),
        _("参加排名月数"),
        _("平均总分"),
        _("最好月度名次"),
        _("月度奖项"),
    ]
    rows = [
        [
            u.rank,
            u.name,
            u.months,
            f"{u.average:.2f}",
            u.best_rank,
            "、".join(
                _("%(title)s%(n)s次") % {"title": title, "n": n} for title, n in u.awards.items()
            ),
        ]
        for u in ranking
    ]
    return header, rows


def compose_yearly(
    *, center: Center, figures: YearFigures, texts: dict[str, str], issued_on: dt.date
) -> Bulletin:
    """The yearly report as a `Bulletin` (title, sections, the ranking of the year attached)."""
    span = _span(figures)
    hall = _hall(center.name, figures)
    basics = Section(_("一、基本情况"), [("", hall)] if hall else [])
    work_parts = [
        (_("办理效率。"), _efficiency(span, figures)),
        (_("最多跑一次。"), _one_visit(figures)),
        (_("服务质量。"), _quality(figures)),
        (_("便民服务。"), _convenience(span, figures)),
        (_("教育培训。"), _training(figures)),
        (_("减环节、减材料、减时限、减费用。"), _reductions(figures)),
        (_("评价结果。"), _ranking_sentence(figures)),
    ]
    work = Section(
        _("二、工作情况"),
        [_sub(i, text, lead) for i, (lead, text) in enumerate(p for p in work_parts if p[1])],
    )
    sections = [s for s in (basics, work) if s.paragraphs]
    if not figures.complete:
        sections[-1].paragraphs.append(
            ("", _("本报告数据截至%(day)s。") % {"day": cn_date(figures.end)})
        )
    ranked = {u.department_id for u in figures.ranking}
    never = [
        [d.name, _("全年未参加月度排名")]
        for d in selectors.evaluated_departments(center_id=center.pk)
        if d.pk not in ranked
    ]
    header, rows = ranking_table(figures.ranking)
    return Bulletin(
        title=_("%(center)s%(year)s年度工作报告") % {"center": center.name, "year": figures.year},
        addressees=texts.get("addressees", ""),
        opening=_("现将%(span)s%(center)s政务服务工作情况报告如下:")
        % {"span": span, "center": center.name},
        sections=sections,
        attachment_title=_("%(center)s进驻窗口单位%(year)s年度服务效能评价排名")
        % {"center": center.name, "year": figures.year},
        ranking_header=header,
        ranking_rows=rows,
        unranked_rows=never if figures.months else [],
        issuer=texts.get("issuer") or center.name,
        date_text=cn_date(issued_on),
    )


def year_payload(figures: YearFigures) -> dict[str, Any]:
    """The year's figures as JSON (the API), rates as fractions, money in yuan."""
    since = figures.since_launch
    items = figures.one_visit_items
    training = figures.training
    total = figures.reductions.total
    return {
        "year": figures.year,
        "start": figures.start.isoformat(),
        "end": figures.end.isoformat(),
        "complete": figures.complete,
        "hall": figures.hall,
        "stability": figures.stability,
        "tickets": figures.tickets,
        "cases": figures.cases,
        "since_launch": since and {**since, "since": since["since"].isoformat()},
        "case_modes": figures.case_modes,
        "after_hours_and_missing": figures.after_hours_and_missing,
        "one_visit": {
            "items": items.items,
            "one_visit_items": items.one_visit,
            "no_visit_items": items.no_visit,
            "item_share": items.share,
            **figures.one_visit_cases,
        },
        "ratings": {
            key: figures.ratings.get(key)
            for key in (
                "ratings",
                "ratings_online",
                "ratings_offline",
                "very_satisfied",
                "very_satisfied_rate",
                "good_rate",
                "bad_ratings",
            )
        },
        "complaints": figures.complaints,
        "assists": {
            kind: {**row, "saving": str(row["saving"])} for kind, row in figures.assists.items()
        },
        "training": {
            "sessions": training.sessions_held,
            "attendances": training.attendances,
            "rotations": training.rotations,
            "coverage": None if training.coverage is None else float(training.coverage),
        },
        "reductions": {
            name: None if cut.share_percent is None else str(cut.share_percent)
            for name, cut in zip(
                ("steps", "materials", "days", "fees"), total.dimensions, strict=True
            )
        },
        "months": figures.months,
        "ranking": [
            {
                "rank": u.rank,
                "department": u.department_id,
                "name": u.name,
                "months": u.months,
                "average": str(u.average),
                "best_rank": u.best_rank,
                "awards": u.awards,
            }
            for u in figures.ranking
        ],
    }


def yearly_report(
    *, center: Center, year: int, issued_on: dt.date | None = None
) -> tuple[YearFigures, Bulletin]:
    """The year's figures and its report, addressed and signed by the centre's bulletin
    settings, dated `issued_on` (today by default)."""
    figures = yearly_figures(center=center, year=year)
    texts = bulletin_texts(settings=selectors.bulletin_settings(center_id=center.pk), center=center)
    bulletin = compose_yearly(
        center=center, figures=figures, texts=texts, issued_on=issued_on or timezone.localdate()
    )
    return figures, bulletin
