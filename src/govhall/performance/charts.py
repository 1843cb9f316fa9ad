"""Dashboard charts drawn server-side as SVG with pygal (no JavaScript, no CDN)."""

from collections.abc import Sequence

import pygal

from govhall.core.charts import STYLE, axes, number, render


def ranking_chart(title: str, names: Sequence[str], totals: Sequence[float]) -> str:
    chart = pygal.HorizontalBar(
        title=title,
        show_legend=False,
        height=max(300, 22 * len(names) + 80),
        width=900,
        range=(0, 100),
        print_values=True,
        value_formatter=lambda v: f"{v:.2f}",
    )
    chart.x_labels = list(reversed(names))
    chart.add("", list(reversed([float(t) for t in totals])))
    return render(chart)


def _label_width(label: str) -> int:
    """The pixels a tick label takes at the label font size: CJK characters a full em, others
    about half of one."""
    size = STYLE.label_font_size
    return sum(size if ord(c) > 0x2E7F else size * 6 // 10 for c in label)


def line_chart(title: str, labels: Sequence[str], series: dict[str, Sequence[float | None]]) -> str:
    # The last tick's label is centred on the plot's right edge: leave room for its right half
    # (a running month's "2026年12月(截至12月7日)" was cut off).
    # From 0 in round steps: a wait of 4.4 then 4.5 minutes is not drawn as a climb from floor to
    # ceiling.
    (ticks,) = axes(max((v for values in series.values() for v in values if v), default=0))
    chart = pygal.Line(
        title=title,
        height=340,
        width=900,
        show_dots=True,
        legend_at_bottom=True,
        margin_right=_label_width(labels[-1]) // 2 + 8 if labels else 20,
        truncate_label=-1,
        y_labels=ticks,
        range=(0, ticks[-1]),
        value_formatter=number,
    )
    chart.x_labels = list(labels)
    for name, values in series.items():
        chart.add(name, list(values))
    return render(chart)
