"""What the pages and the API of every app do with a Django form that did not validate."""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govhall.core.error_codes import CoreError
from govhall.core.formfields import DATE_PICKER
from govhall.core.validators import validate_period


class GivenChoicesForm(forms.Form):
    """A form whose model-choice fields list the rows the view passes in: `choices_from` maps
    each such field to the keyword argument that brings its queryset."""

    choices_from: dict[str, str] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        given = {name: kwargs.pop(keyword) for name, keyword in self.choices_from.items()}
        super().__init__(*args, **kwargs)
        for name, rows in given.items():
            self.fields[name].queryset = rows


class PeriodForm(forms.Form):
    """A period of days asked for by a figures page: both ends, in order and not too long."""

    start = forms.DateField(label=gettext_lazy("开始日期"), widget=DATE_PICKER)
    end = forms.DateField(label=gettext_lazy("结束日期"), widget=DATE_PICKER)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            validate_period(start, end)
        return data


def show_form_errors(request: HttpRequest, form: forms.BaseForm) -> None:
    """One error message a problem, each led by its field's label (post/redirect/get pages,
    where the form itself is not shown again)."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}:{error}" if label else error)


def cleaned_data(form: forms.BaseForm) -> dict[str, Any]:
    """The form's cleaned data, or `ValidationFailed` (400) whose detail maps field to errors
    (an API reading its query string through a form)."""
    if not form.is_valid():
        raise CoreError.VALIDATION_FAILED(_("输入有误。"), detail=form.errors.get_json_data())
    return form.cleaned_data
