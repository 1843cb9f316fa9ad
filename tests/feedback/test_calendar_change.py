"""Importing a year's calendar moves the rectification (差评整改) and complaint deadlines counted
without it, as it moves the cases' (tests/cases/test_calendar_change.py), and the on-time figures
and overdue list follow (docs/calendar.md)."""

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from govhall.core.services import import_calendar
from govhall.core.workdays import Calendar, load_calendar
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


def _bad_rating(clerk, window, day: dt.date = RATED) -> Rectification:
    with on(day):
        ticket = served_ticket(staff=clerk, window=window, finished_at=at(day))
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


# A correction of an official year (a notice typed wrong, imported again): the running deadlines
# over the changed days are counted again; those already met or missed stay.
MARCH = D(2027, 3, 1)  # a Monday of 2027, the notice imported


def _complaint(center, day: dt.date = MARCH) -> Complaint:
    return services.create_complaint(
        center=center, channel=Complaint.Channel.WEB, content="窗口推诿", received_at=at(day)
    )


def _resolve(complaint: Complaint, actor) -> None:
    complaint = services.assign_complaint(complaint=complaint, assignee=actor, actor=actor)
    services.resolve_complaint(complaint=complaint, valid=False, resolution="已解释", actor=actor)


@pytest.fixture
def notice_2027(tmp_path):
    with on(D(2027, 1, 4)):
        import_notice(tmp_path, NOTICE_2027)


@pytest.fixture
def march(notice_2027, center, clerk, window, admin_user):
    """Two rectifications and two complaints of Mon 03-01, one of each done on 03-02."""
    rows = {
        "open_rect": _bad_rating(clerk, window, MARCH),
        "closed_rect": _bad_rating(clerk, window, MARCH),
        "open_complaint": _complaint(center),
        "resolved_complaint": _complaint(center),
    }
    _close(rows["closed_rect"], admin_user, D(2027, 3, 2))
    with on(D(2027, 3, 2)):
        _resolve(rows["resolved_complaint"], admin_user)
    # 15 working days: 03-02 ... 05, 08 ... 12, 15 ... 19, 22; 5: 03-02 ... 05, 08.
    for name in ("open_rect", "closed_rect"):
        assert _state(rows[name]) == (D(2027, 3, 22), False)
    for name in ("open_complaint", "resolved_complaint"):
        assert _state(rows[name]) == (D(2027, 3, 8), False)
    return rows


def test_a_corrected_notice_moves_the_running_deadlines_only(tmp_path, march, admin_user):
    history = {name: row.history.count() for name, row in march.items()}
    # A holiday added on Wed 03-03: each running deadline is one working day later.
    with on(D(2027, 3, 4)):
        import_notice(tmp_path, NOTICE_2027 + "2027-03-03,holiday,更正\n")
    assert _state(march["open_rect"]) == (D(2027, 3, 23), False)
    assert _state(march["open_complaint"]) == (D(2027, 3, 9), False)
    assert march["open_rect"].history.first().deadline == D(2027, 3, 23)
    # Closed, answered: their deadlines were met by the calendar of the day; never moved.
    assert _state(march["closed_rect"]) == (D(2027, 3, 22), False)
    assert _state(march["resolved_complaint"]) == (D(2027, 3, 8), False)
    for name in ("closed_rect", "resolved_complaint"):
        assert march[name].history.count() == history[name]

    # And a make-up Saturday 03-06 besides: one working day earlier again.
    with on(D(2027, 3, 5)):
        import_notice(tmp_path, NOTICE_2027 + "2027-03-03,holiday,更正\n2027-03-06,workday,更正\n")
    assert _state(march["open_rect"]) == (D(2027, 3, 22), False)
    assert _state(march["open_complaint"]) == (D(2027, 3, 8), False)


def test_a_correction_outside_a_deadlines_days_leaves_it(tmp_path, march):
    history = {name: row.history.count() for name, row in march.items()}
    # Sat 02-27 (before the start) worked, Tue 03-23 (after every deadline) off.
    with on(D(2027, 3, 4)):
        import_notice(tmp_path, NOTICE_2027 + "2027-02-27,workday,更正\n2027-03-23,holiday,更正\n")
    assert {name: row.history.count() for name, row in march.items()} == history
    assert _state(march["open_rect"]) == (D(2027, 3, 22), False)


def test_the_same_notice_imported_again_changes_nothing(tmp_path, march):
    history = {name: row.history.count() for name, row in march.items()}
    with on(D(2027, 3, 4)):
        import_notice(tmp_path, NOTICE_2027)
    assert {name: row.history.count() for name, row in march.items()} == history


@settings(max_examples=200, deadline=None)
@given(
    start=st.dates(min_value=D(2026, 1, 1), max_value=D(2026, 11, 30)),
    n=st.integers(min_value=0, max_value=30),
    flips=st.sets(st.dates(min_value=D(2026, 1, 1), max_value=D(2026, 12, 31)), max_size=6),
)
def test_a_recount_moves_a_deadline_only_over_a_changed_day(start, n, flips):
    """Why `recompute_deadlines` skips a running deadline none of whose days changed: counted
    again it would land where it was; and one that moves keeps its number of working days."""
    before = load_calendar()
    after = Calendar(
        known_years=before.known_years,
        holidays=frozenset(
            (before.holidays - flips)
            | {d for d in flips if before.is_workday(d) and d.weekday() < 5}
        ),
        makeup_workdays=frozenset(
            (before.makeup_workdays - flips)
            | {d for d in flips if not before.is_workday(d) and d.weekday() >= 5}
        ),
    )
    due = before.add_workdays(start, n).date
    changed = before.changed_workdays(after, [2026])
    moved = after.add_workdays(start, before.workdays_between(start, due)).date
    if not any(start < d <= due for d in changed):
        assert moved == due
    assert after.workdays_between(start, moved) == n
