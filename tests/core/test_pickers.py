"""Date pickers keep the value they are given: the browser reads ISO dates only."""

import datetime as dt
import importlib
import re

import pytest
from django import forms
from django.utils import translation

from govhall.core.formfields import DATE_PICKER, DATETIME_PICKER
from govhall.core.forms import PeriodForm

FORM_MODULES = [
    "govhall.attendance.forms",
    "govhall.cases.forms",
    "govhall.catalog.forms",
    "govhall.core.forms",
    "govhall.feedback.forms",
    "govhall.queueing.forms",
    "govhall.supervision.forms",
    "govhall.training.forms",
]


def test_a_pre_filled_period_shows_its_dates_in_chinese_too():
    """The feedback figures page opened on the month with both pickers blank ("2026/12/01" is
    not a value a date picker takes): the user could not see which period the figures were."""
    with translation.override("zh-hans"):
        html = str(PeriodForm({"start": dt.date(2026, 12, 1), "end": dt.date(2026, 12, 31)}))
    assert 'value="2026-12-01"' in html and 'value="2026-12-31"' in html
    assert DATETIME_PICKER.format_value(dt.datetime(2026, 12, 1, 9, 30)) == "2026-12-01T09:30"


@pytest.mark.parametrize("module", FORM_MODULES)
def test_every_date_picker_of_the_forms_is_the_iso_one(module):
    for form in vars(importlib.import_module(module)).values():
        if not (isinstance(form, type) and issubclass(form, forms.BaseForm)):
            continue
        for name, field in form.base_fields.items():
            kind = field.widget.attrs.get("type", "")
            if re.fullmatch(r"date|datetime-local", kind):
                picker = DATE_PICKER if kind == "date" else DATETIME_PICKER
                assert field.widget.format == picker.format, f"{form.__name__}.{name}"
