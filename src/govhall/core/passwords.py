"""Password rules of 等保 2.0 (GB/T 22239-2019 8.1.4.1: 口令具有复杂度要求并定期更换).

`CharacterClassValidator` asks for letters, digits and symbols together (the length comes from
Django's MinimumLengthValidator, ``GOVHALL_PASSWORD_MIN_LENGTH``); `password_expired` tells
whether a user's password is older than ``GOVHALL_PASSWORD_MAX_AGE_DAYS``.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

CLASSES = {
    "letter": str.isalpha,
    "digit": str.isdigit,
    "symbol": lambda c: not c.isalnum() and not c.isspace(),
}
LABELS = {
    "letter": gettext_lazy("字母"),
    "digit": gettext_lazy("数字"),
    "symbol": gettext_lazy("符号"),
}


class CharacterClassValidator:
    """The password holds at least one character of each of `required` (letter, digit, symbol),
    counting ASCII letters and digits only (a fullwidth digit is not a digit here)."""

    def __init__(self, required: tuple[str, ...] = ("letter", "digit", "symbol")) -> None:
        unknown = set(required) - set(CLASSES)
        if unknown:
            raise ValueError(f"unknown character classes: {sorted(unknown)}")
        self.required = tuple(required)

    def _missing(self, password: str) -> list[str]:
        ascii_only = "".join(c for c in password if c.isascii())
        return [
            name
            for name in self.required
            if not any(CLASSES[name](c) for c in (password if name == "symbol" else ascii_only))
        ]

    def validate(self, password: str, user: Any = None) -> None:
        if self._missing(password):
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _("密码须同时包含%(classes)s。") % {
            "classes": "、".join(str(LABELS[name]) for name in self.required)
        }


def password_expired(user: Any, *, now: dt.datetime | None = None) -> bool:
    """The user's password is past its age limit (a password never changed since the expiry
    control came counts from the day the account was made)."""
    days = settings.GOVHALL_PASSWORD_MAX_AGE_DAYS
    if days <= 0 or not user.has_usable_password():
        return False
    changed = user.password_changed_at or user.date_joined
    return (now or timezone.now()) - changed > dt.timedelta(days=days)
