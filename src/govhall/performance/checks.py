"""The month's invariants (`govhall evaluate --check`, and before every publication).

A bulletin states figures that must agree with each other: the departments add up to the
centre, 办结 never exceeds 受理, every rate (the running total's 办结率 too) is its numerator over
its denominator and lies in [0, 1], 空岗 never exceeds the time the staff member was
scheduled, consultations are served tickets, no unit under the rubric's volume floor is ranked
(and every unit listed apart for its volume is under it), and no award goes to a unit that had
no cases, no attendance or fewer services than the floor (or, for a person, served nobody).
The checks read a run's snapshot (or the same snapshot computed without saving a run), so what
they pass is exactly what would be published.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govhall.performance.rules import services_of
from govhall.performance.scoring import award_floor

# Figures that add up over the departments to the centre's (every case has its department).
ADDITIVE = ("accepted", "completed", "completed_in_period", "accepted_online", "overdue")

# rate → (numerator, denominator, label)
RATES: dict[str, tuple[str, str, Any]] = {
    "completion_rate": ("completed", "accepted", gettext_lazy("办结率")),
    "online_share": ("accepted_online", "accepted", gettext_lazy("网上办件占比")),
    "share_within_10min": (
        "served_within_10min",
        "tickets_served",
        gettext_lazy("10分钟内办结占比"),
    ),
    "invitation_rate": ("invitations", "services_completed", gettext_lazy("主动邀评率")),
    "participation_rate": ("invitations_rated", "invitations", gettext_lazy("参评率")),
    "good_rate": ("good_ratings", "ratings", gettext_lazy("好评率")),
    "very_satisfied_rate": ("very_satisfied", "ratings", gettext_lazy("非常满意占比")),
    "rectification_on_time_rate": (
        "rectified_on_time",
        "rectifications_due",
        gettext_lazy("差评整改按期完成率"),
    ),
}


@dataclass(frozen=True)
class Check:
    ok: bool
    text: str


def _n(figures: Mapping[str, Any], key: str) -> float:
    return float(figures.get(key) or 0)


def _rate_checks(who: str, figures: Mapping[str, Any], *, only_wrong: bool) -> list[Check]:
    """Each rate of `figures` against its numerator ÷ its denominator: all of them listed, or
    (`only_wrong`, a department's) only those that are wrong."""
    out = []
    for rate, (num_key, den_key, label) in RATES.items():
        if rate not in figures:
            continue
        value, num, den = figures[rate], _n(figures, num_key), _n(figures, den_key)
        expected = num / den if den else None
        ok = (value is None and expected is None) or (
            value is not None
            and expected is not None
            and abs(float(value) - expected) < 1e-9
            and 0 <= float(value) <= 1
        )
        if only_wrong and ok:
            continue
        shown = "—" if value is None else f"{float(value):.4f}"
        out.append(
            Check(
                ok,
                _("%(who)s%(label)s %(value)s = %(num)s ÷ %(den)s")
                % {
                    "who": who,
                    "label": label,
                    "value": shown,
                    "num": f"{num:g}",
                    "den": f"{den:g}",
                },
            )
        )
    return out


def check_snapshot(
    inputs: Mapping[str, Any],
    *,
    department_awards: Mapping[str, tuple[str, str]],
    staff_awards: Mapping[str, str],
    scheduled_minutes: Mapping[int, int],
) -> list[Check]:
    """Every invariant over a run's snapshot.

    `department_awards` maps department id (str) → (awards, standing), `staff_awards` staff id
    (str) → awards, `scheduled_minutes` a staff id → minutes the staff member was scheduled.
    """
    center = inputs.get("center", {})
    departments = inputs.get("departments", {})
    staff = inputs.get("staff", {})
    checks: list[Check] = []
    for key in ADDITIVE:
        total = sum(_n(d.get("figures", {}), key) for d in departments.values())
        checks.append(
            Check(
                total == _n(center, key),
                _("各单位%(key)s之和 %(sum)s = 中心 %(center)s")
                % {"key": key, "sum": f"{total:g}", "center": f"{_n(center, key):g}"},
            )
        )
    units = [("", center)] + [(d["name"], d.get("figures", {})) for d in departments.values()]
    for who, figures in units:
        if _n(figures, "completed") > _n(figures, "accepted") or not who:
            checks.append(
                Check(
                    _n(figures, "completed") <= _n(figures, "accepted"),
                    _("%(who)s办结 %(done)s ≤ 受理 %(accepted)s")
                    % {
                        "who": who or _("中心"),
                        "done": f"{_n(figures, 'completed'):g}",
                        "accepted": f"{_n(figures, 'accepted'):g}",
                    },
                )
            )
        checks += _rate_checks(who, figures, only_wrong=bool(who))
    if inputs.get("since_launch"):
        checks += _rate_checks(_("累计"), inputs["since_launch"], only_wrong=False)
    checks.append(
        Check(
            _n(center, "consultations") <= _n(center, "tickets_served"),
            _("咨询人次 %(c)s ≤ 叫号办结人次 %(t)s")
            % {
                "c": f"{_n(center, 'consultations'):g}",
                "t": f"{_n(center, 'tickets_served'):g}",
            },
        )
    )
    over = [
        (s["name"], _n(s.get("figures", {}), "absence_from_post_minutes"), scheduled)
        for pk, s in staff.items()
        if _n(s.get("figures", {}), "absence_from_post_minutes")
        > (scheduled := scheduled_minutes.get(int(pk), 0))
    ]
    checks.append(
        Check(
            not over,
            _("空岗分钟不超过排班时长")
            + "".join(
                _(";%(name)s空岗%(m)s分钟,排班%(s)s分钟") % {"name": n, "m": f"{m:g}", "s": s}
                for n, m, s in over
            ),
        )
    )
    checks += _department_award_checks(inputs, department_awards)
    wrong = [
        staff.get(pk, {}).get("name", pk)
        for pk, awards in staff_awards.items()
        if awards
        and not (
            _n(staff.get(pk, {}).get("figures", {}), "tickets_served")
            + _n(staff.get(pk, {}).get("figures", {}), "accepted")
        )
    ]
    checks.append(
        Check(
            not wrong,
            _("个人奖项只授予有服务的工作人员")
            + (_(":%(names)s不应获奖") % {"names": "、".join(wrong)} if wrong else ""),
        )
    )
    return checks


def _department_award_checks(
    inputs: Mapping[str, Any], department_awards: Mapping[str, tuple[str, str]]
) -> list[Check]:
    """The units ranked are those at or above the volume floor, and no unit award goes to a
    unit not ranked, without cases, without attendance (实出勤天数 0) or under the floor:
    ⌈award_min_volume_share × the median services of the units ranked or listed apart for their
    volume⌉, recomputed here from the snapshot's figures."""
    departments = inputs.get("departments", {})
    share = float(inputs.get("rubric", {}).get("award_min_volume_share") or 0)

    def figures(pk: str) -> Mapping[str, Any]:
        return departments.get(pk, {}).get("figures", {})

    candidates = {
        pk: standing
        for pk, (_awards, standing) in department_awards.items()
        if standing in ("ranked", "low_volume")
    }
    floor = award_floor([services_of(figures(pk)) for pk in candidates], share)
    misplaced = [
        departments.get(pk, {}).get("name", pk)
        for pk, standing in candidates.items()
        if (standing == "ranked") != (services_of(figures(pk)) >= floor)
    ]
    wrong = []
    for pk, (awards, standing) in department_awards.items():
        if not awards:
            continue
        own = figures(pk)
        if standing != "ranked":
            reason = _("未参加排名")
        elif not _n(own, "accepted"):
            reason = _("无办件")
        elif not _n(own, "present_days"):
            reason = _("无出勤记录")
        elif services_of(own) < floor:
            reason = _("服务量%(n)s人次,低于门槛%(floor)s人次") % {
                "n": f"{services_of(own):g}",
                "floor": floor,
            }
        else:
            continue
        wrong.append(
            _("%(name)s(%(reason)s)")
            % {"name": departments.get(pk, {}).get("name", pk), "reason": reason}
        )
    rule = _("单位奖项只授予参加排名、有办件、有出勤记录的单位")
    if floor:
        rule += _(",且服务量不少于%(floor)s人次(参评单位服务量中位数的%(share)s)") % {
            "floor": floor,
            "share": f"{share:.0%}",
        }
    placed = Check(
        not misplaced,
        _("服务量低于%(floor)s人次的单位单列、不参加排名,其余参加排名") % {"floor": floor}
        + (_(":%(names)s不符") % {"names": "、".join(misplaced)} if misplaced else ""),
    )
    awarded = Check(
        not wrong,
        rule + (_(":%(names)s不应获奖") % {"names": "、".join(wrong)} if wrong else ""),
    )
    return [placed, awarded] if floor else [awarded]
