import datetime as dt

from django.utils.translation import gettext_lazy
from hypothesis import given
from hypothesis import strategies as st

from govhall.core.spreadsheets import FORMULA_STARTS, cell, row


def test_formula_text_gets_an_apostrophe_and_other_values_pass_unchanged():
    day = dt.date(2026, 10, 1)
    assert row(["=1+1", "+86", "-", "@A1", "\tx", "\rx", "张三", "", None, -3, 2.5, day]) == [
        "'=1+1",
        "'+86",
        "'-",
        "'@A1",
        "'\tx",
        "'\rx",
        "张三",
        "",
        None,
        -3,
        2.5,
        day,
    ]


def test_lazy_translation_becomes_plain_text():
    value = cell(gettext_lazy("是"))
    assert type(value) is str and value == "是"


@given(st.text())
def test_no_text_leaves_as_a_formula(text):
    out = cell(text)
    assert not out.startswith(FORMULA_STARTS)
    assert out.removeprefix("'") == text or out == text
