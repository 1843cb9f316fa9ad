"""The house's server-drawn charts: scriptless inline SVG, values to one decimal."""

import pygal
from hypothesis import given
from hypothesis import strategies as st

from govhall.core import charts


def test_a_chart_is_inline_svg_without_scripts():
    chart = pygal.Bar(title="各时段取号")
    chart.add("取号数", [3, 6, 3])
    svg = charts.render(chart)
    assert svg.startswith("<svg") and "<script" not in svg and "kozea" not in svg
    assert "Noto Sans CJK SC" in svg


def test_an_empty_chart_says_so():
    assert "暂无数据" in charts.render(pygal.Bar())


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_numbers_have_at_most_one_decimal(value):
    text = charts.number(value)
    assert "e" not in text and len(text.partition(".")[2]) <= 1
    assert abs(float(text) - value) <= 0.05 + 1e-9
