"""Charts drawn server-side as SVG with pygal and put inline into pages: one look for every
page's charts, and without their scripts.

pygal writes a ``<script>`` with its configuration into every chart, and with ``js`` left at its
default loads its tooltips from kozea.github.io. The pages' Content-Security-Policy runs no inline
script and nothing off-site, so charts are rendered with ``js=[]`` and their scripts removed.
"""

import math
import re
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from pygal.style import Style

SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>|<script\b[^>]*/>", re.DOTALL | re.IGNORECASE)

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    foreground_subtle="#616e7c",
    colors=("#b7221d", "#1d4f91", "#1f7a3a", "#b7791f"),
    font_family="'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif",
    title_font_size=16,
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=13,
    value_font_size=11,
)


def number(value: float) -> str:
    """An axis or bar value to at most one decimal: 6, 4.2 (not 4.233333333)."""
    text = f"{value:.1f}"
    return text.removesuffix(".0")


ROUND_STEPS = (1, 2, Decimal("2.5"), 5, 10)
STEP_COUNTS = (4, 5, 6)


def _step(peak: float, count: int, whole: bool) -> Decimal:
    """The smallest round step (1, 2, 2.5 or 5 × 10ⁿ; at least 1 when `whole`) of which
    `count` reach `peak`."""
    if peak <= 0:
        return Decimal(1)
    raw = Decimal(repr(peak)) / count
    magnitude = Decimal(10) ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in ROUND_STEPS if m * magnitude >= raw)
    return max(step, Decimal(1)) if whole else step


def axes(*peaks: float, whole: tuple[bool, ...] = ()) -> list[list[float]]:
    """Round ticks from 0 for charts with one axis per peak (a bar chart's two y axes): each axis
    in equal round steps reaching its peak, all with the same number of steps, so a secondary
    axis's labels stand at the primary's grid lines. The count (4 to 6) is the one that wastes
    least of the plot; `whole[i]` keeps axis i to whole numbers (counts of tickets)."""
    kinds = whole + (False,) * (len(peaks) - len(whole))

    def spare(count: int) -> float:
        return max(
            1 - peak / float(_step(peak, count, kind) * count) if peak > 0 else 0
            for peak, kind in zip(peaks, kinds, strict=True)
        )

    count = min(STEP_COUNTS, key=spare)
    return [
        [float(_step(peak, count, kind) * i) for i in range(count + 1)]
        for peak, kind in zip(peaks, kinds, strict=True)
    ]


def without_scripts(svg: str) -> str:
    return SCRIPT.sub("", svg)


def render(chart: Any) -> str:
    """The chart as inline SVG, in the house style, "暂无数据" when it has no values."""
    chart.config.style = STYLE
    chart.config.no_data_text = _("暂无数据")
    return without_scripts(chart.render(is_unicode=True, js=[], disable_xml_declaration=True))
