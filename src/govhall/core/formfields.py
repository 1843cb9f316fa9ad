"""Form fields every app's forms share: the personal numbers citizens type, normalised to ASCII
digits before they are checked (core.validators), so ``１３８…`` is the same phone as ``138…``
and never a second one; and the yes/no choice of a decision."""

from typing import Any

from django import forms
from django.utils.functional import Promise

from govhall.core.validators import (
    normalize_id_number,
    normalize_phone,
    validate_id_number,
    validate_phone,
)


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


def _is_yes(value: str) -> bool:
    return value == "1"
