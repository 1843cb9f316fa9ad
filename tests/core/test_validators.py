from hypothesis import given
from hypothesis import strategies as st

from govhall.core.validators import (
    is_valid_id_number,
    is_valid_uscc,
    mask_id_number,
    mask_phone,
)
from tests.factories import make_id_number, make_uscc


def test_known_id_number():
    assert is_valid_id_number("11010519491231002X")
    assert not is_valid_id_number("110105194912310021")
    assert not is_valid_id_number("11010519491331002X")  # month 13


def test_known_uscc():
    assert is_valid_uscc("91350100M000100Y43")
    assert not is_valid_uscc("91350100M000100Y44")
    assert not is_valid_uscc("91350100M000100Y4")


@given(st.integers(min_value=0, max_value=10**6))
def test_generated_numbers_are_valid(seq):
    assert is_valid_id_number(make_id_number(seq))
    assert is_valid_uscc(make_uscc(seq))


def test_masking_hides_the_middle():
    assert mask_id_number("11010519491231002X") == "110***********002X"
    assert mask_phone("13812345678") == "138****5678"
