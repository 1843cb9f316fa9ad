"""Form fields for the personal numbers citizens type: normalised to ASCII digits before they are
checked (core.validators), so ``１３８…`` is the same phone as ``138…`` and never a second one."""

from typing import Any

from django import forms

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
