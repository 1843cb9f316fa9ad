from decimal import Decimal

from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from govhall.core.templatetags.display import minutes, percent


def test_a_rate_reads_as_a_percentage():
    assert percent(0.9231) == "92.3%"
    assert percent(Decimal("0.5")) == "50.0%"
    assert percent(1) == "100.0%"
    assert percent(0.99951, 2) == "99.95%"


def test_a_rate_rounds_half_up_like_the_bulletin():
    assert percent(0.1235, 2) == "12.35%"
    assert percent(5 / 8, 0) == "63%"


def test_an_undefined_figure_is_a_dash():
    assert percent(None) == "—"
    assert minutes(None) == "—"


@given(st.floats(min_value=0, max_value=1, allow_nan=False))
def test_a_percentage_is_the_rate_times_a_hundred(rate):
    shown = percent(rate)
    assert shown.endswith("%")
    assert abs(float(shown[:-1]) - rate * 100) <= 0.05 + 1e-9


def test_seconds_read_as_minutes():
    assert minutes(254) == "4.2 分钟"
    assert minutes(30) == "0.5 分钟"


def test_the_filters_load_in_a_template():
    rendered = Template("{% load display %}{{ r|percent }} {{ s|minutes }}").render(
        Context({"r": 0.1666, "s": 600})
    )
    assert rendered == "16.7% 10.0 分钟"
