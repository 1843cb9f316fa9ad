"""The library of scoring rules a rubric chooses from.

A rule turns one unit's figures (the merged ``department_figures`` / ``staff_figures`` of the
queueing, cases, feedback and attendance apps) into points between 0 and the item's points, or
into None when the unit has no data for it (a rate without a denominator, attendance of a unit
nobody was scheduled in): no data is never full marks; the rubric decides whether the item is
left out of the unit's dimension (its points re-spread) or the unit is not rated.
Parameters come from the rubric; every default here is only the default a new rubric starts with.

A deduction rule is read at a **scale** the rubric chooses per item (``SCALES``): per event (the
deduction as counted), per staff member, per 100 cases or per 100 services, so that units of
different sizes are compared by their rates of bad events, not by raw counts. The denominator
is never taken below one (one staff member, one case, one service): a unit with events but
without the denominator (a violation recorded for a unit nobody was scheduled in) loses as a
unit of one would, never escapes the deduction; without events it keeps the points, as per event.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

Figures = Mapping[str, Any]
TWO_PLACES = Decimal("0.01")


def quantize(value: Decimal | float | int) -> Decimal:
    return Decimal(str(value)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _num(figures: Figures, key: str) -> float:
    value = figures.get(key)
    return float(value) if value is not None else 0.0


class Population(list):
    """The units scored together. What a rule compares a unit with (the best volume among them)
    is computed once per population, not once per unit scored."""

    def __init__(self, units: Iterable[Figures] = ()) -> None:
        super().__init__(units)
        self._best: dict[tuple[str, ...], float] = {}

    @classmethod
    def of(cls, units: Sequence[Figures]) -> "Population":
        return units if isinstance(units, Population) else cls(units)

    def best(self, keys: tuple[str, ...]) -> float:
        """The largest Σ figure[key] over the units (0 when there are none)."""
        if keys not in self._best:
            self._best[keys] = max((sum(_num(f, k) for k in keys) for f in self), default=0.0)
        return self._best[keys]


# The unit's services: tickets served at its windows and cases it accepted (the volume rule's
# default keys, the award floor's measure, the base of "per 100 services").
SERVICE_KEYS = ("tickets_served", "accepted")


def services_of(figures: Figures) -> float:
    """Tickets served + cases accepted."""
    return sum(_num(figures, key) for key in SERVICE_KEYS)


@dataclass(frozen=True)
class Scale:
    code: str
    label: Any
    # The unit's denominator: deductions are divided by it (None: per event, divide by 1).
    base: Callable[[Figures], float] | None = None
    per: int = 1


EVENT = "event"
SCALES: dict[str, Scale] = {
    scale.code: scale
    for scale in [
        Scale(EVENT, _("按次(件)计")),
        Scale("per_staff", _("按每名工作人员计"), lambda f: _num(f, "staff_count")),
        Scale("per_100_cases", _("按每百件受理办件计"), lambda f: _num(f, "accepted"), 100),
        Scale("per_100_services", _("按每百人次服务(叫号办结+受理办件)计"), services_of, 100),
    ]
}


def scale_choices() -> list[tuple[str, Any]]:
    return [(code, scale.label) for code, scale in SCALES.items()]


def scale_divisor(figures: Figures, scale: str) -> float:
    """What a deduction is divided by at `scale`: 1 per event, else the unit's staff, its cases
    ÷ 100 or its services ÷ 100, the staff, cases or services taken as at least one."""
    spec = SCALES[scale]
    if spec.base is None:
        return 1.0
    return max(spec.base(figures), 1.0) / spec.per


def _clamp(x: float) -> float:
    return max(0.0, min(1.0, x))


@dataclass(frozen=True)
class Rule:
    code: str
    label: Any
    description: Any
    defaults: dict[str, Any]
    share: Callable[[Figures, dict[str, Any], Sequence[Figures]], float | None] | None = None
    deduction: Callable[[Figures, dict[str, Any]], float] | None = None
    inputs: tuple[str, ...] = field(default_factory=tuple)
    # A figure that must be positive for the rule to have data (attendance: staff scheduled).
    requires: str | None = None

    @property
    def scalable(self) -> bool:
        """Only a deduction is counted in events, so only a deduction can be read at a scale."""
        return self.deduction is not None

    def score(
        self,
        figures: Figures,
        points: Decimal,
        params: dict[str, Any],
        population: Sequence[Figures],
        scale: str = EVENT,
    ) -> Decimal | None:
        """Points earned: `points × share`, or `points − deduction ÷ divisor at the scale` (never
        below 0); None when the unit has no data for this rule."""
        if scale != EVENT and not self.scalable:
            raise ValueError(f"rule {self.code} is a share, it has no scale {scale}")
        if self.requires is not None and not _num(figures, self.requires):
            return None
        merged = {**self.defaults, **(params or {})}
        if self.share is not None:
            share = self.share(figures, merged, population)
            return None if share is None else quantize(float(points) * _clamp(share))
        assert self.deduction is not None
        divisor = scale_divisor(figures, scale)
        return quantize(max(0.0, float(points) - self.deduction(figures, merged) / divisor))


def _rate_share(key: str) -> Callable[[Figures, dict[str, Any], Sequence[Figures]], float | None]:
    """Full points at or above `target`, none at or below `floor`, linear between; no share
    when the rate has no denominator."""

    def share(figures: Figures, p: dict[str, Any], population: Sequence[Figures]) -> float | None:
        value = figures.get(key)
        if value is None:
            return None
        floor, target = float(p["floor"]), float(p["target"])
        if target <= floor:
            return 1.0 if float(value) >= target else 0.0
        return (float(value) - floor) / (target - floor)

    return share


def _wait_share(figures: Figures, p: dict[str, Any], population: Sequence[Figures]) -> float | None:
    wait = figures.get("avg_wait_seconds")
    if wait is None:
        return None
    good, bad = float(p["target_seconds"]), float(p["zero_at_seconds"])
    if float(wait) <= good:
        return 1.0
    return (bad - float(wait)) / (bad - good) if bad > good else 0.0


def _volume_share(figures: Figures, p: dict[str, Any], population: Sequence[Figures]) -> float:
    keys = tuple(p["keys"])
    mine = sum(_num(figures, k) for k in keys)
    best = Population.of(population).best(keys)
    return mine / best if best else 0.0


def _has_cases_share(figures: Figures, p: dict[str, Any], population: Sequence[Figures]) -> float:
    return 1.0 if _num(figures, "accepted") > 0 else 0.0


def _per_count(**weights_by_key: str) -> Callable[[Figures, dict[str, Any]], float]:
    """Deduction: Σ param[weight] × figure[key]."""

    def deduction(figures: Figures, p: dict[str, Any]) -> float:
        return sum(float(p[param]) * _num(figures, key) for key, param in weights_by_key.items())

    return deduction


def _bonus_share(figures: Figures, p: dict[str, Any], population: Sequence[Figures]) -> float:
    return _num(figures, "assists_total") * float(p["per_service"]) / float(p["full_at_points"])


def _rate_rule(code: str, label: Any, description: Any, key: str, **defaults: float) -> Rule:
    """A share rule on the rate `key` (`_rate_share`), its `target` and `floor` in `defaults`."""
    return Rule(code, label, description, defaults, share=_rate_share(key), inputs=(key,))


def _count_rule(
    code: str,
    label: Any,
    description: Any,
    requires: str | None = None,
    **weights: tuple[str, float],
) -> Rule:
    """A deduction rule (`_per_count`): `weights` maps each figure it counts to the parameter
    that weighs it and that parameter's default."""
    return Rule(
        code,
        label,
        description,
        {param: default for param, default in weights.values()},
        deduction=_per_count(**{key: param for key, (param, _default) in weights.items()}),
        inputs=tuple(weights),
        requires=requires,
    )


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in [
        _rate_rule(
            "completion_rate",
            _("办结率"),
            _("办结率达到目标值得满分,低于下限不得分,之间按比例。"),
            "completion_rate",
            target=1.0,
            floor=0.8,
        ),
        _count_rule("overdue_cases", _("超期件"), _("每件超期件扣分。"), overdue=("per_case", 2)),
        Rule(
            "has_cases",
            _("有办件量"),
            _("考核期内有受理办件得满分,零办件不得分。"),
            {},
            share=_has_cases_share,
            inputs=("accepted",),
        ),
        _rate_rule(
            "good_rating_rate",
            _("好评率"),
            _("好评率达到目标值得满分,低于下限不得分,之间按比例。"),
            "good_rate",
            target=1.0,
            floor=0.9,
        ),
        _count_rule(
            "valid_bad_ratings",
            _("有效差评"),
            _("每条核实有效的差评扣分。"),
            bad_valid=("per_rating", 2),
        ),
        _count_rule(
            "valid_complaints",
            _("有效投诉"),
            _("扣除有效投诉记载的扣分,另可按件扣分。"),
            complaints_valid=("per_complaint", 0),
            complaint_deductions=("deduction_factor", 1),
        ),
        _rate_rule(
            "invitation_rate",
            _("主动邀评率"),
            _("主动邀评率达到目标值得满分,低于下限不得分,之间按比例。"),
            "invitation_rate",
            target=0.9,
            floor=0.5,
        ),
        _rate_rule(
            "rectification_on_time",
            _("差评整改及时率"),
            _("按期整改率达到目标值得满分。"),
            "rectification_on_time_rate",
            target=1.0,
            floor=0.0,
        ),
        _count_rule(
            "attendance",
            _("考勤"),
            _("迟到、早退、缺卡、缺勤、空岗分钟按次扣分。"),
            requires="staff_count",
            late=("per_late", 0.5),
            early=("per_early", 0.5),
            missing_punches=("per_missing_punch", 0.5),
            absent_days=("per_absent_day", 2),
            absence_from_post_minutes=("per_absence_minute", 0.05),
        ),
        _count_rule(
            "inspection_points",
            _("巡查违规扣分"),
            _("扣除巡查记录的违规分值(乘以系数)。"),
            violation_points=("factor", 1),
        ),
        Rule(
            "assisted_services",
            _("帮办代办加分"),
            _("每次帮办代办服务加分,封顶为本项分值。"),
            {"per_service": 0.5, "full_at_points": 10},
            share=_bonus_share,
            inputs=("assists_total",),
        ),
        Rule(
            "waits",
            _("平均等候时间"),
            _("平均等候不超过目标得满分,达到零分线不得分,之间按比例。"),
            {"target_seconds": 360, "zero_at_seconds": 1800},
            share=_wait_share,
            inputs=("avg_wait_seconds",),
        ),
        _rate_rule(
            "within_10_minutes",
            _("10分钟内办结占比"),
            _("10分钟内办结占比达到目标值得满分。"),
            "share_within_10min",
            target=0.9,
            floor=0.5,
        ),
        Rule(
            "volume",
            _("服务量"),
            _("服务量(叫号办结数与受理件数)与最高者之比。"),
            {"keys": list(SERVICE_KEYS)},
            share=_volume_share,
            inputs=SERVICE_KEYS,
        ),
    ]
}


def rule_choices() -> list[tuple[str, Any]]:
    return [(code, rule.label) for code, rule in RULES.items()]
