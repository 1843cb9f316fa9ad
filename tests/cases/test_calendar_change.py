"""Importing a year's calendar moves the provisional deadlines that fall in it."""

import datetime as dt

import pytest

from govhall.core.services import import_calendar
from tests.cases.factories import accept
from tests.factories import ServiceItemFactory

pytestmark = pytest.mark.django_db


def test_imported_year_recomputes_provisional_deadlines(center):
    item = ServiceItemFactory(center=center, promised_limit_days=3)
    # Mon 2031-01-20 in a year with no notice keeps the statutory 春节: 除夕 Wed 01-22 to 初三
    # Sat 01-25, the Saturday made up on Mon 01-27. Tue 01-21 (1), Tue 01-28 (2), Wed 01-29 (3).
    case = accept(item, day=dt.date(2031, 1, 20))
    assert (case.due_date, case.due_provisional) == (dt.date(2031, 1, 29), True)

    import_calendar(
        text="date,kind,name\n2031-01-22,holiday,春节\n2031-01-23,holiday,春节\n2031-01-24,holiday,春节\n"
    )

    case.refresh_from_db()
    assert (case.due_date, case.due_provisional) == (dt.date(2031, 1, 28), False)
