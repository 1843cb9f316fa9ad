"""Reads of the organisation: what was in the hall on a date, from the records' history."""

import datetime as dt

from govhall.core.selectors import end_of_day, latest_versions
from govhall.org.models import Department, Window


def departments_in_hall_on(*, center_id: int, day: dt.date) -> int:
    """Departments in the hall at the close of `day` (seed 001: 进驻33个部门): active and entered,
    as their history kept them."""
    return (
        latest_versions(Department.history.filter(center_id=center_id), end_of_day(day))
        .filter(is_active=True, entered=True)
        .count()
    )


def windows_open_on(*, center_id: int, day: dt.date) -> int:
    """Windows open at the close of `day` (seed 003: 270个窗口), as their history kept them."""
    return (
        latest_versions(Window.history.filter(center_id=center_id), end_of_day(day))
        .filter(is_open=True)
        .count()
    )
