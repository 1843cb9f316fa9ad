"""The dashboard's server-drawn charts."""

import re

from govhall.performance import charts


def test_a_long_last_tick_label_is_drawn_whole():
    """A running month's tick sits on the plot's right edge; its label is drawn whole."""
    labels = ["2026年11月", "2026年12月(截至12月7日)"]
    svg = charts.line_chart("受理办件量", labels, {"受理": [120, 38]})
    assert "2026年12月(截至12月7日)" in svg
    assert "…" not in svg


def test_a_trend_is_drawn_from_zero():
    """A wait of 4.4 then 4.5 minutes is a flat line, not a climb from the floor to the ceiling."""
    svg = charts.line_chart("平均等待", ["2026年11月", "2026年12月"], {"等待": [4.4, 4.5]})
    assert re.search(r"<text[^>]*>0</text>", svg)
    assert not re.search(r"<text[^>]*>\d+\.\d{2,}</text>", svg)
