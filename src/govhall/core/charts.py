"""Charts drawn server-side as SVG with pygal and put inline into pages: one look for every
page's charts, and without their scripts.

pygal writes a ``<script>`` with its configuration into every chart, and with ``js`` left at its
default loads its tooltips from kozea.github.io. The pages' Content-Security-Policy runs no inline
script and nothing off-site, so charts are rendered with ``js=[]`` and their scripts removed.
"""

import re
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


def without_scripts(svg: str) -> str:
    return SCRIPT.sub("", svg)


def render(chart: Any) -> str:
    """The chart as inline SVG, in the house style, "暂无数据" when it has no values."""
    chart.config.style = STYLE
    chart.config.no_data_text = _("暂无数据")
    return without_scripts(chart.render(is_unicode=True, js=[], disable_xml_declaration=True))
