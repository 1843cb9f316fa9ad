"""What the commands share in reading their arguments."""

import datetime as dt

from django.core.management.base import CommandError


def iso_date(value: str, message: str) -> dt.date:
    """`value` as a date (YYYY-MM-DD), or a `CommandError` saying `message`."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(message) from exc
