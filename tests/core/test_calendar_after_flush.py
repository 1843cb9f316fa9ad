"""A transactional test flushes every table; the next test still has the seeded calendar."""

import datetime as dt

import pytest

from govhall.core.models import WorkCalendarYear
from govhall.core.workdays import add_workdays


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_sees_the_calendar():
    assert WorkCalendarYear.objects.filter(year=2026).exists()


@pytest.mark.django_db
def test_after_a_flush_holidays_still_count():
    assert add_workdays(dt.date(2026, 9, 30), 5).date == dt.date(2026, 10, 13)
