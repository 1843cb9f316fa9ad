"""How the evaluation's figures read on a page: each figure's label and kind, grouped by topic.

The figures themselves come from `selectors.gather_figures` under their own keys; this module only
names them for people (a key missing from the figures is left out).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from govhall.feedback.models import AssistRecord, Level
from govhall.performance.models import RubricDimension

COUNT, PERCENT, SECONDS, DAYS = "count", "percent", "seconds", "days"


@dataclass(frozen=True)
class Figure:
    key: str
    label: Promise
    kind: str
    value: Any


@dataclass(frozen=True)
class FigureGroup:
    title: Promise
    figures: list[Figure]


GROUPS: list[tuple[Promise, list[tuple[str, Promise, str]]]] = [
    (
        _("办件"),
        [
            ("accepted", _("受理办件"), COUNT),
            ("completed", _("办结"), COUNT),
            ("completion_rate", _("办结率"), PERCENT),
            ("overdue", _("超期件"), COUNT),
            ("on_time_rate", _("按时办结率"), PERCENT),
            ("avg_workdays", _("平均办理用时(工作日)"), DAYS),
            ("consultations", _("咨询服务"), COUNT),
        ],
    ),
    (
        _("叫号服务"),
        [
            ("tickets_served", _("叫号办结"), COUNT),
            ("avg_wait_seconds", _("平均等待"), SECONDS),
            ("avg_handling_seconds", _("平均办理"), SECONDS),
            ("share_within_10min", _("10分钟内办结"), PERCENT),
        ],
    ),
    (
        _("好差评"),
        [
            ("services_completed", _("办结服务"), COUNT),
            ("invitations", _("主动邀评"), COUNT),
            ("invitation_rate", _("主动邀评率"), PERCENT),
            ("invitations_rated", _("邀评后参评"), COUNT),
            ("participation_rate", _("参评率"), PERCENT),
            ("ratings", _("评价总数"), COUNT),
            ("good_ratings", _("好评"), COUNT),
            ("good_rate", _("好评率"), PERCENT),
            ("very_satisfied_rate", _("非常满意占比"), PERCENT),
            ("bad_ratings", _("差评"), COUNT),
            ("bad_valid", _("有效差评"), COUNT),
            ("bad_rectified", _("差评已整改"), COUNT),
            ("rectifications_due", _("应整改"), COUNT),
            ("rectified_on_time", _("按期整改"), COUNT),
            ("rectification_on_time_rate", _("按期整改率"), PERCENT),
        ],
    ),
    (
        _("投诉"),
        [
            ("complaints", _("投诉"), COUNT),
            ("complaints_valid", _("有效投诉"), COUNT),
            ("complaints_invalid", _("无效投诉"), COUNT),
            ("complaint_deductions", _("投诉扣分"), COUNT),
        ],
    ),
    (
        _("考勤"),
        [
            ("working_days", _("工作日"), COUNT),
            ("staff_count", _("在岗人数"), COUNT),
            ("present_days", _("出勤人天"), COUNT),
            ("late", _("迟到"), COUNT),
            ("early", _("早退"), COUNT),
            ("missing_punches", _("缺卡"), COUNT),
            ("absent_days", _("旷工天数"), COUNT),
            ("leave_days", _("请假天数"), COUNT),
            ("temp_absences", _("临时离岗"), COUNT),
            ("absence_from_post_minutes", _("脱岗时长(分钟)"), COUNT),
            ("violations", _("违规"), COUNT),
            ("violation_points", _("违规扣分"), COUNT),
        ],
    ),
]


def figure_groups(figures: Mapping[str, Any]) -> list[FigureGroup]:
    """The figures of one department (or the centre) as labelled groups, with the ratings by
    level and the assisted services by type as groups of their own."""
    groups = [
        FigureGroup(
            title,
            [Figure(key, label, kind, figures[key]) for key, label, kind in rows if key in figures],
        )
        for title, rows in GROUPS
    ]
    by_level = figures.get("ratings_by_level") or {}
    if by_level:
        groups.insert(
            3,
            FigureGroup(
                _("各等级评价"),
                [
                    Figure(f"level_{v.value}", v.label, COUNT, _level_count(by_level, v))
                    for v in Level
                ],
            ),
        )
    by_type = figures.get("assists_by_type") or {}
    if by_type or "assists_total" in figures:
        groups.append(
            FigureGroup(
                _("帮办代办"),
                [
                    *(
                        Figure(kind.value, kind.label, COUNT, by_type.get(kind.value, 0))
                        for kind in AssistRecord.Kind
                    ),
                    Figure("assists_total", _("合计"), COUNT, figures.get("assists_total", 0)),
                ],
            )
        )
    return [g for g in groups if g.figures]


def _level_count(by_level: Mapping[Any, int], level: Level) -> int:
    """Counts keyed by level, as ints in memory or as strings once stored as JSON."""
    return by_level.get(level.value, by_level.get(str(level.value), 0))


def missing_dimension_names(
    scores: Mapping[str, Decimal | None], dimensions: Iterable[RubricDimension]
) -> list[str]:
    """The names of the rubric's marked dimensions that have no score yet (marks not entered).

    A dimension computed from data cannot be entered by hand: when it has no score, the run's
    "no data" flag says so, not this one."""
    return [
        d.name
        for d in dimensions
        if d.method != RubricDimension.Method.DATA and d.code in scores and scores[d.code] is None
    ]
