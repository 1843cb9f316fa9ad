"""Evaluation periods by code: ``2026-W18`` (ISO week, Monday to Sunday: 周通报), ``2026-05``
(month), ``2026-Q2``, ``2026-H1``, ``2026`` (year)."""

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from govhall.core.dates import month_span
from govhall.core.validators import MAX_YEAR, MIN_YEAR
from govhall.performance.errors import PerformanceError

_PATTERNS = [
    (re.compile(r"^(\d{4})-W(0[1-9]|[1-4]\d|5[0-3])$"), "week"),
    (re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"), "month"),
    (re.compile(r"^(\d{4})-Q([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})-H([12])$"), "half"),
    (re.compile(r"^(\d{4})$"), "year"),
]


@dataclass(frozen=True)
class PeriodSpec:
    code: str
    kind: str
    start: dt.date
    end: dt.date
    label: str


def parse_period(code: str) -> PeriodSpec:
    code = (code or "").strip().upper()
    for pattern, kind in _PATTERNS:
        match = pattern.match(code)
        if not match:
            continue
        year = int(match.group(1))
        if not MIN_YEAR <= year <= MAX_YEAR:
            break
        if kind == "week":
            week = int(match.group(2))
            try:
                monday = dt.date.fromisocalendar(year, week, 1)
            except ValueError:  # week 53 of a year that has 52
                break
            sunday = monday + dt.timedelta(days=6)
            return PeriodSpec(
                code,
                kind,
                monday,
                sunday,
                _("%(year)s年第%(week)s周(%(start)s—%(end)s)")
                % {
                    "year": year,
                    "week": week,
                    "start": _("%(m)s月%(d)s日") % {"m": monday.month, "d": monday.day},
                    "end": _("%(m)s月%(d)s日") % {"m": sunday.month, "d": sunday.day},
                },
            )
        if kind == "month":
            month = int(match.group(2))
            return PeriodSpec(
                code,
                kind,
                dt.date(year, month, 1),
                month_span(year, month)[1],
                _("%(year)s年%(month)s月") % {"year": year, "month": month},
            )
        if kind == "quarter":
            q = int(match.group(2))
            first = 3 * q - 2
            return PeriodSpec(
                code,
                kind,
                dt.date(year, first, 1),
                month_span(year, first + 2)[1],
                _("%(year)s年第%(q)s季度") % {"year": year, "q": q},
            )
        if kind == "half":
            h = int(match.group(2))
            return PeriodSpec(
                code,
                kind,
                dt.date(year, 1 if h == 1 else 7, 1),
                month_span(year, 6 if h == 1 else 12)[1],
                (_("%(year)s年上半年") if h == 1 else _("%(year)s年下半年")) % {"year": year},
            )
        return PeriodSpec(
            code, kind, dt.date(year, 1, 1), dt.date(year, 12, 31), _("%(year)s年") % {"year": year}
        )
    raise PerformanceError.BAD_PERIOD(
        _("考核期“%(code)s”格式不正确,应为 2026-W18、2026-05、2026-Q2、2026-H1 或 2026。")
        % {"code": code},
    )
