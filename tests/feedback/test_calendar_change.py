"""Importing a year's calendar moves the rectification and complaint deadlines counted without
it, as it moves the cases' (tests/cases/test_calendar_change.py)."""

import datetime as dt

import pytest
from django.utils import timezone

from govhall.core.services import import_calendar
from govhall.feedback import services
from govhall.feedback.models import FeedbackSettings
from tests.feedback.factories import hotline_rating

pytestmark = pytest.mark.django_db

SPRING = (
    "date,kind,name\n2031-01-22,holiday,春节\n2031-01-23,holiday,春节\n2031-01-24,holiday,春节\n"
)


def test_an_imported_year_moves_provisional_deadlines(center, department, other_department):
    FeedbackSettings.objects.filter(center=center).update(rectification_days=3, complaint_days=3)
    monday = timezone.make_aware(dt.datetime(2031, 1, 20, 10))
    rating = hotline_rating(center, department, when=monday, ref="H2031")
    complaint = services.create_complaint(
        center=center, channel="phone", content="反映", department=department, received_at=monday
    )
    rect = rating.rectification
    # 2031 has no notice: the statutory 春节 (除夕 Wed 01-22 to 初三 Sat 01-25, the Saturday
    # made up on Mon 01-27) leaves Tue 01-21, Tue 01-28, Wed 01-29 as the three working days.
    for row in (rect, complaint):
        assert (row.deadline, row.deadline_provisional) == (dt.date(2031, 1, 29), True)

    import_calendar(text=SPRING)

    for row in (rect, complaint):
        row.refresh_from_db()
        assert (row.deadline, row.deadline_provisional) == (dt.date(2031, 1, 28), False)
    assert rect.history.first().deadline == dt.date(2031, 1, 28)  # the change is in the history
