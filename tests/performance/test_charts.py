"""The dashboard's server-drawn charts."""

from govhall.performance import charts


def test_a_long_last_tick_label_is_drawn_whole():
    """A running month's tick sits on the plot's right edge; its label is drawn whole."""
    labels = ["2026年11月", "2026年12月(截至12月7日)"]
    svg = charts.line_chart("受理办件量", labels, {"受理": [120, 38]})
    assert "2026年12月(截至12月7日)" in svg
    assert "…" not in svg
