"""Form fields every app's forms share: the personal numbers citizens type, normalised to ASCII
digits before they are checked (core.validators), so ``１３８…`` is the same phone as ``138…``
and never a second one; the yes/no choice of a decision; and the date pickers."""

from typing import Any

from django import forms
from django.utils.functional import Promise

from govhall.core.validators import (
    normalize_id_number,
    normalize_phone,
    validate_id_number,
    validate_phone,
)

# The browser's date and date-time pickers take ISO values only: the zh-Hans format a plain
# DateInput renders ("2026/12/01") left a pre-filled picker blank, so a page showed no period
# and a form saved again lost its date.
DATE_PICKER = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_PICKER = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class PhoneField(forms.CharField):
    default_validators = [validate_phone]

    def to_python(self, value: Any) -> str:
        return normalize_phone(super().to_python(value))


class IdNumberField(forms.CharField):
    default_validators = [validate_id_number]

    def to_python(self, value: Any) -> str:
        return normalize_id_number(super().to_python(value))


class IdentifierField(forms.CharField):
    """An ID number or a unified social credit code (checked by the service, which knows which)."""

    def to_python(self, value: Any) -> str:
        return normalize_id_number(super().to_python(value))


class YesNoField(forms.TypedChoiceField):
    """A decision between two answers ("1" and "0" on the wire), cleaned to True or False."""

    def __init__(
        self,
        *,
        yes: str | Promise,
        no: str | Promise,
        widget: Any = forms.RadioSelect,
        **kwargs: Any,
    ) -> None:
        super().__init__(choices=[("1", yes), ("0", no)], coerce=_is_yes, widget=widget, **kwargs)


# The keys a 64-bit column holds: SQLite cannot bind a number past them, so a form that looks
# rows up by such a key answered 500.
KEY_RANGE = range(-(2**63), 2**63)


class RowsField(forms.ModelMultipleChoiceField):
    """Rows chosen by their keys; a key no row can have is an invalid choice, not a 500 (Django
    checks each key alone, then fetches them all in one IN list that SQLite cannot bind)."""

    def _check_values(self, value: Any) -> Any:
        for pk in value:
            try:
                key = int(pk)
            except (TypeError, ValueError):
                continue  # not a number: Django refuses it as it does
            if key not in KEY_RANGE:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)


def _is_yes(value: str) -> bool:
    return value == "1"
