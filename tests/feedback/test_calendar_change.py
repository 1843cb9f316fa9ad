"""Importing a year's calendar moves the rectification (差评整改) and complaint deadlines counted
without it, as it moves the cases' (tests/cases/test_calendar_change.py), and the on-time figures
and overdue list follow (docs/calendar.md)."""

import datetime as dt

import pytest
from django.utils import timezone

from govhall.core.services import import_calendar
from govhall.feedback import links, selectors, services
from govhall.feedback.models import Complaint, FeedbackSettings, Rectification
from govhall.org.scoping import scope_for
from tests.cases.factories import at, on
from tests.factories import NOTICE_2027, import_notice
from tests.feedback.factories import hotline_rating, served_ticket

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


D = dt.date
RATED = D(2027, 2, 1)  # a Monday in a year with no calendar data


def _bad_rating(clerk, window) -> Rectification:
    with on(RATED):
        ticket = served_ticket(staff=clerk, window=window, finished_at=at(RATED))
        invitation = services.invite_for_ticket(ticket=ticket, actor=clerk.user)
        rated = services.rate_with_link(token=links.sign_invitation(invitation.pk), level=2)
    return rated.rectification


def _close(rect: Rectification, actor, day: dt.date) -> None:
    with on(day):
        rect = services.verify_rectification(
            rectification=rect, valid=True, reason="属实", actor=actor
        )
        rect = services.rectify(rectification=rect, measures="整改", kind="immediate", actor=actor)
        rect = services.record_callback(rectification=rect, reached=False, actor=actor)
        services.close_rectification(rectification=rect, actor=actor)


def _state(row) -> tuple[dt.date, bool]:
    row.refresh_from_db()
    return row.deadline, row.deadline_provisional


def test_the_notice_recomputes_rectification_and_complaint_deadlines(
    center, clerk, window, admin_user, tmp_path
):
    # 15 working days from Mon 02-01 without data: 02-02, 03, 04, 11, 12, 15 ... 19, 22 ... 26.
    open_rect = _bad_rating(clerk, window)
    closed_rect = _bad_rating(clerk, window)
    assert _state(open_rect) == (D(2027, 2, 26), True)
    # 5 working days: 02-02, 03, 04, 11, 12.
    complaint = services.create_complaint(
        center=center, channel=Complaint.Channel.WEB, content="窗口推诿", received_at=at(RATED)
    )
    assert _state(complaint) == (D(2027, 2, 12), True)
    # Closed on Mon 03-01: late by the provisional deadline, on time by the notice's.
    _close(closed_rect, admin_user, D(2027, 3, 1))

    def figures() -> dict:
        with on(D(2027, 4, 1)):  # after the period: every deadline in it has passed
            return selectors.feedback_figures(center_id=center.pk, start=RATED, end=D(2027, 3, 31))[
                None
            ]

    def overdue() -> set[int]:
        with on(D(2027, 3, 1)):
            listed = selectors.rectification_list(scope_for(admin_user), overdue=True)
            return set(listed.values_list("pk", flat=True))

    assert (figures()["rectifications_due"], figures()["rectified_on_time"]) == (2, 0)
    assert overdue() == {open_rect.pk, closed_rect.pk}

    with on(D(2027, 3, 1)):
        import_notice(tmp_path, NOTICE_2027)

    # 02-02, 03, 04, Sun 02-14, 02-15 ... 19, 22 ... 26, Mon 03-01.
    assert _state(open_rect) == (D(2027, 3, 1), False)
    assert _state(closed_rect) == (D(2027, 3, 1), False)
    # 02-02, 03, 04, Sun 02-14, Mon 02-15.
    assert _state(complaint) == (D(2027, 2, 15), False)
    assert (figures()["rectifications_due"], figures()["rectified_on_time"]) == (2, 1)
    assert overdue() == set()


def test_a_closed_item_with_a_firm_deadline_keeps_it(center, clerk, window, admin_user, tmp_path):
    rect = _bad_rating(clerk, window)
    _close(rect, admin_user, D(2027, 2, 2))
    Rectification.objects.filter(pk=rect.pk).update(
        deadline=D(2027, 2, 3), deadline_provisional=False
    )

    import_notice(tmp_path, NOTICE_2027)

    assert _state(rect) == (D(2027, 2, 3), False)
