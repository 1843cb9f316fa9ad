"""The house's server-drawn charts: scriptless inline SVG, values to one decimal."""

import itertools
import math

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


ROUND = {1, 2, 2.5, 5}


def _round_step(step: float) -> bool:
    mantissa = step / 10 ** math.floor(math.log10(step))
    return any(math.isclose(mantissa, m) for m in ROUND) or math.isclose(mantissa, 10)


@given(
    st.lists(
        st.one_of(st.just(0.0), st.floats(min_value=0.01, max_value=1e7)), min_size=1, max_size=3
    ),
    st.booleans(),
)
def test_axes_are_round_aligned_and_reach_their_peaks(peaks, first_whole):
    ticks = charts.axes(*peaks, whole=(first_whole,))
    assert len({len(t) for t in ticks}) == 1 and 5 <= len(ticks[0]) <= 7
    for peak, axis in zip(peaks, ticks, strict=True):
        step = axis[1]
        assert axis[0] == 0 and axis[-1] >= peak and _round_step(step)
        assert all(math.isclose(b - a, step) for a, b in itertools.pairwise(axis))
        if peak and not (first_whole and axis is ticks[0] and step == 1):
            # Never a half-empty plot: a round step is less than twice the exact one, and alone
            # an axis picks the count of steps that fits best.
            assert axis[-1] <= (4 / 3 if len(peaks) == 1 else 2) * peak * (1 + 1e-9)
    if first_whole:
        assert all(float(t).is_integer() for t in ticks[0])


def test_axes_of_the_queue_hours_chart():
    """150 tickets and a 5.1-minute wait: 0-150 by 25 and 0-6 by 1, not 0.3, 0.7, 1, 1.4."""
    assert charts.axes(150, 5.1, whole=(True,)) == [
        [0, 25, 50, 75, 100, 125, 150],
        [0, 1, 2, 3, 4, 5, 6],
    ]
    assert charts.axes(100) == [[0, 25, 50, 75, 100]]
    assert charts.axes(3, whole=(True,))[0][-1] == 4
