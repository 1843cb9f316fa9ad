"""The rubric govhall ships (seed 001's six dimensions); a centre edits it into new versions.

Deductions are read at the scale that compares units of different sizes by their rates: bad
ratings and complaints per 100 services, overdue cases per 100 cases, inspection points and
attendance per staff member (rules.SCALES). A rule's points, params and scale are all the
centre's to change.
"""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

DEFAULT_RUBRIC_NAME = _("进驻窗口单位服务效能评价细则")

# A unit needs at least a quarter of the median ranked unit's services to be awarded.
DEFAULT_AWARD_MIN_VOLUME_SHARE = Decimal("0.25")

RuleSpec = tuple[str, int, dict[str, Any], str]  # (rule, points, params, scale)

# (code, name, weight, method, [(rule, points, params, scale)])
DEFAULT_DIMENSIONS: list[tuple[str, Any, int, str, list[RuleSpec]]] = [
    (
        "discipline",
        _("遵纪守规"),
        15,
        "data",
        [("inspection_points", 100, {"factor": 5}, "per_staff")],
    ),
    ("competence", _("履职能力"), 15, "panel", []),
    (
        "performance",
        _("工作绩效"),
        25,
        "data",
        [
            ("has_cases", 20, {}, "event"),
            ("completion_rate", 40, {"target": 1.0, "floor": 0.8}, "event"),
            ("overdue_cases", 30, {"per_case": 10}, "per_100_cases"),
            ("within_10_minutes", 10, {"target": 0.9, "floor": 0.5}, "event"),
        ],
    ),
    (
        "quality",
        _("服务质量"),
        25,
        "data",
        [
            ("good_rating_rate", 30, {"target": 1.0, "floor": 0.9}, "event"),
            ("valid_bad_ratings", 20, {"per_rating": 5}, "per_100_services"),
            (
                "valid_complaints",
                20,
                {"per_complaint": 5, "deduction_factor": 1},
                "per_100_services",
            ),
            ("invitation_rate", 20, {"target": 0.9, "floor": 0.5}, "event"),
            ("rectification_on_time", 10, {}, "event"),
        ],
    ),
    (
        "attendance",
        _("考勤考核"),
        10,
        "data",
        [
            (
                "attendance",
                100,
                {
                    "per_late": 2,
                    "per_early": 2,
                    "per_missing_punch": 1,
                    "per_absent_day": 10,
                    "per_absence_minute": 0.2,
                },
                "per_staff",
            )
        ],
    ),
    ("democratic", _("民主测评"), 10, "peer", []),
]

# Seed 001: 优秀窗口 (4) by the total, 服务标兵 (8) by the staff rules; a centre adds its own
# titles (seed 003: 群众满意窗口, 党员示范服务窗口, 业务能手 …). (name, subject, count, criterion)
DEFAULT_AWARDS: list[tuple[Any, str, int, str]] = [
    (_("优秀窗口"), "department", 4, "total"),
    (_("服务标兵"), "staff", 8, "score"),
]

# Equal totals: the larger volume first, then the shorter mean wait; then the units' own order.
DEFAULT_TIE_BREAKERS = ["-accepted", "-tickets_served", "avg_wait_seconds"]

# A person's own figures: staff_count is 1, so attendance and inspections per event are per
# staff member; bad ratings are compared per 100 of the person's services.
DEFAULT_STAR_RULES: list[dict[str, Any]] = [
    {"rule": "volume", "points": 40, "params": {"keys": ["tickets_served", "accepted"]}},
    {"rule": "good_rating_rate", "points": 30, "params": {"target": 1.0, "floor": 0.9}},
    {
        "rule": "valid_bad_ratings",
        "points": 10,
        "params": {"per_rating": 5},
        "scale": "per_100_services",
    },
    {"rule": "inspection_points", "points": 10, "params": {"factor": 5}},
    {
        "rule": "attendance",
        "points": 10,
        "params": {"per_late": 2, "per_early": 2, "per_missing_punch": 1, "per_absent_day": 5},
    },
]

DEFAULT_REQUIREMENTS = (
    "(一)各窗口单位要加大“一网通办”工作力度,确保办件数据实时全量归集,"
    "实现政务服务“好差评”全覆盖。\n"
    "(二)各窗口单位要把懂业务的骨干选派到窗口,加强前台、后台协作,做到前台综合受理、"
    "后台分类审批、统一窗口出件。\n"
    "(三)各窗口单位要严明工作纪律,压实窗口责任,加强文明服务礼仪培训。"
)
