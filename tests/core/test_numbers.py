from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from govhall.core.numbers import percent_text, points_text


def test_a_half_rounds_up_as_an_office_rounds():
    assert percent_text(197 / 200) == "99%"
    assert percent_text(5 / 8) == "63%"
    assert percent_text(1 / 8, 1) == "12.5%"
    assert percent_text(0.00125, 2) == "0.13%"


def test_places_are_always_printed():
    assert percent_text(1) == "100%"
    assert percent_text(1, 2) == "100.00%"
    assert percent_text(Decimal("0.5"), 1) == "50.0%"
    assert percent_text(0) == "0%"


@given(
    st.integers(min_value=1, max_value=100_000).flatmap(
        lambda d: st.tuples(st.integers(min_value=0, max_value=d), st.just(d))
    ),
    st.integers(min_value=0, max_value=2),
)
def test_a_ratio_prints_as_its_exact_value_rounded_half_up(ratio, places):
    """Whatever the float's binary error, k ÷ n prints as the exact fraction rounded half up."""
    k, n = ratio
    exact = Fraction(k, n) * 100 * 10**places
    expected = (exact + Fraction(1, 2)).__floor__()
    printed = percent_text(k / n, places)
    assert Decimal(printed[:-1]) * 10**places == expected


def test_points_print_without_trailing_zeros():
    assert points_text(Decimal("2.0")) == "2"
    assert points_text(2.0) == "2"
    assert points_text(Decimal("1.50")) == "1.5"
    assert points_text(0.25) == "0.25"
    assert points_text(Decimal("100")) == "100"


@given(st.decimals(min_value=0, max_value=1000, places=2))
def test_points_keep_their_value(value):
    assert Decimal(points_text(value)) == value
