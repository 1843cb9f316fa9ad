import datetime as dt
import statistics

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from govhall.core.compiled import statement_sql
from govhall.org.models import Window
from govhall.queueing import selectors, services
from govhall.queueing.models import QueueCategory, Ticket
from tests.queueing.factories import QueueCategoryFactory, at, open_hall, staffed_window

DAY = dt.date(2026, 11, 24)


@given(
    ahead=st.integers(0, 500),
    samples=st.lists(st.integers(1, 3600), max_size=30),
    windows=st.integers(0, 20),
)
def test_predict_wait_is_monotone_and_scales(ahead, samples, windows):
    wait = selectors.predict_wait(
        people_ahead=ahead, handling_seconds=samples, windows_open=windows
    )
    assert wait >= 0
    assert (
        selectors.predict_wait(
            people_ahead=ahead + 1, handling_seconds=samples, windows_open=windows
        )
        >= wait
    )
    assert (
        selectors.predict_wait(
            people_ahead=ahead, handling_seconds=samples, windows_open=windows + 1
        )
        <= wait
    )


def test_predict_wait_examples():
    assert selectors.predict_wait(people_ahead=0, handling_seconds=[], windows_open=1) == 150
    assert (
        selectors.predict_wait(people_ahead=3, handling_seconds=[100, 200, 9000], windows_open=2)
        == 350
    )
    with pytest.raises(ValueError):
        selectors.predict_wait(people_ahead=-1, handling_seconds=[], windows_open=1)


pytestmark_db = pytest.mark.django_db


@pytest.fixture
def hall(center, department):
    open_hall(center, wait_alert_minutes=10)
    category = QueueCategoryFactory(center=center, prefix="A")
    window, staff = staffed_window(center, department, number="1", categories=[category])
    return category, window, staff


def serve(category, window, staff, *, issued, wait, handling, no_show=False):
    services.issue_ticket(category=category, channel="kiosk", at=issued)
    called_at = issued + dt.timedelta(seconds=wait)
    ticket = services.call_next(window=window, staff=staff, at=called_at)
    end = called_at + dt.timedelta(seconds=handling)
    if no_show:
        for n in range(selectors.queue_settings(center_id=category.center_id).recall_limit):
            ticket = services.recall_ticket(
                ticket=ticket,
                window=window,
                staff=staff,
                at=called_at + dt.timedelta(minutes=n + 1),
            )
        return services.mark_no_show(ticket=ticket, window=window, staff=staff, at=end)
    return services.finish_ticket(ticket=ticket, window=window, staff=staff, at=end)


@pytestmark_db
def test_figures_follow_the_definitions(hall, center, department, other_department):
    category, window, staff = hall
    open_hall(center, closing_policy="expire")  # the waiting ticket stays uncalled
    serve(category, window, staff, issued=at(9, day=DAY), wait=120, handling=300)
    serve(category, window, staff, issued=at(10, day=DAY), wait=360, handling=900)
    serve(category, window, staff, issued=at(11, day=DAY), wait=60, handling=3600, no_show=True)
    services.issue_ticket(category=category, channel="kiosk", at=at(11, 30, day=DAY))
    serve(category, window, staff, issued=at(9, day=DAY + dt.timedelta(days=1)), wait=1, handling=1)

    with CaptureQueriesContext(connection) as queries:
        figures = selectors.center_figures(center_id=center.pk, start=DAY, end=DAY)
    assert len(queries) == 1
    assert figures == {
        "tickets_issued": 4,
        "tickets_called": 3,
        "tickets_served": 2,
        "no_show": 1,
        "avg_wait_seconds": 180.0,
        "avg_handling_seconds": 600.0,
        "served_within_10min": 1,
        "share_within_10min": 0.5,
    }
    by_department = selectors.department_figures(center_id=center.pk, start=DAY, end=DAY)
    assert list(by_department) == [department.pk]
    assert by_department[department.pk]["tickets_called"] == 3
    assert by_department[department.pk]["tickets_issued"] == 3  # the uncalled one has none
    assert (
        selectors.staff_figures(center_id=center.pk, start=DAY, end=DAY)[staff.pk]["no_show"] == 1
    )
    hours = selectors.figures_by(center_id=center.pk, start=DAY, end=DAY, dimension="hour")
    assert sorted(hours) == [9, 10, 11]
    days = selectors.figures_by(
        center_id=center.pk, start=DAY, end=DAY + dt.timedelta(days=1), dimension="day"
    )
    assert [d.isoformat() for d in days] == ["2026-11-24", "2026-11-25"]
    outcomes = selectors.tickets_by_outcome(center_id=center.pk, start=DAY, end=DAY)
    assert (outcomes["done"], outcomes["no_show"], outcomes["waiting"], outcomes["expired"]) == (
        2,
        1,
        1,
        0,
    )
    empty = selectors.center_figures(
        center_id=center.pk, start=DAY - dt.timedelta(days=9), end=DAY - dt.timedelta(days=9)
    )
    assert empty["avg_wait_seconds"] is None and empty["share_within_10min"] is None
    assert (
        selectors.period_figures(
            center_id=center.pk, start=DAY, end=DAY, department_id=other_department.pk
        )["tickets_called"]
        == 0
    )


@pytestmark_db
def test_people_ahead_and_prediction_use_open_windows(hall, center, department):
    category, window, staff = hall
    first = services.issue_ticket(category=category, channel="kiosk")
    second = services.issue_ticket(category=category, channel="kiosk")
    vip = services.issue_ticket(category=category, channel="kiosk", priority_reason="elderly")
    assert [selectors.people_ahead(t) for t in (vip, first, second)] == [0, 1, 2]
    assert [selectors.ticket_progress(t).people_ahead for t in (vip, first, second)] == [0, 1, 2]
    closed = selectors.ticket_progress(second).predicted_wait_seconds
    services.open_window_session(window=window, staff=staff)
    window2, staff2 = staffed_window(center, department, categories=[category])
    services.open_window_session(window=window2, staff=staff2)
    assert selectors.ticket_progress(second).predicted_wait_seconds < closed
    services.pause_window(window=window2, staff=staff2, reason="break")
    assert selectors.ticket_progress(second).predicted_wait_seconds == closed
    overview = selectors.category_overview(center.pk)
    assert overview[0]["waiting"] == 3 and overview[0]["windows_open"] == 1


def queue_reads(queries) -> list[str]:
    """The statements that read the queue's tables (the calendar's version check aside)."""
    sqls = [statement_sql(q["sql"]) for q in queries.captured_queries]
    return [sql for sql in sqls if "queueing_" in sql]


@pytestmark_db
def test_a_ticket_taken_now_is_told_the_wait_every_page_showed(hall, center, department):
    """Kiosk, board, monitor, terminal and API read `category_overview`; the ticket's page and
    the API read `ticket_progress`: one line, one prediction."""
    category, window, staff = hall
    open_hall(center, prediction_sample=3)
    now = selectors.now()
    for minutes, handling in [(90, 100), (80, 900), (70, 300), (60, 200)]:
        serve(
            category,
            window,
            staff,
            issued=now - dt.timedelta(minutes=minutes),
            wait=60,
            handling=handling,
        )
    services.open_window_session(window=window, staff=staff)
    window2, staff2 = staffed_window(center, department, categories=[category])
    services.open_window_session(window=window2, staff=staff2)
    other = QueueCategoryFactory(center=center, prefix="B")
    window3, _staff3 = staffed_window(center, department, categories=[other])
    for _ in range(3):
        services.issue_ticket(category=category, channel="kiosk")
    held = services.issue_ticket(category=other, channel="kiosk")
    services.call_next(window=window3, staff=_staff3)  # B's window, not A's
    assert held.pk

    [row] = [r for r in selectors.category_overview(center.pk) if r["prefix"] == "A"]
    # median of the last 3 services (900, 300, 200) = 300 s over 2 open windows, 3 ahead
    assert (row["waiting"], row["windows_open"]) == (3, 2)
    assert row["predicted_wait_seconds"] == round(3.5 * 300 / 2)
    ticket = services.issue_ticket(category=category, channel="kiosk")
    progress = selectors.ticket_progress(ticket)
    assert progress == selectors.Progress(
        people_ahead=3, predicted_wait_seconds=row["predicted_wait_seconds"]
    )
    board = {c["prefix"]: c for c in selectors.board_feed(center.pk)["categories"]}
    assert (
        board["A"]["predicted_wait_seconds"]
        == selectors.ticket_progress(
            services.issue_ticket(category=category, channel="kiosk")
        ).predicted_wait_seconds
    )


@pytestmark_db
def test_the_prediction_is_one_read(hall, center, django_assert_max_num_queries):
    category, _window, _staff = hall
    settings = open_hall(center)
    # Prefixes other than the hall's own: the factory's sequence is shared across tests.
    free = [p for p in "BCDEFGH" if p != category.prefix][:5]
    extra = [QueueCategoryFactory(center=center, prefix=p) for p in free]
    tickets = [services.issue_ticket(category=c, channel="kiosk") for c in [category, *extra]]
    with CaptureQueriesContext(connection) as one:
        selectors.ticket_progress(tickets[-1], settings=settings)
    assert len(queue_reads(one)) == 1
    with CaptureQueriesContext(connection) as overview:
        rows = selectors.category_overview(center.pk, settings=settings)
    assert len(rows) == 6 and len(queue_reads(overview)) == 1


@pytestmark_db
def test_the_line_reads_the_last_services_of_its_category_only(hall, center, department):
    category, window, staff = hall
    open_hall(center, prediction_sample=4)
    now = selectors.now()
    handlings = [50, 4000, 70, 10, 600, 30]
    for n, handling in enumerate(handlings):
        serve(
            category,
            window,
            staff,
            issued=now - dt.timedelta(minutes=420 - 70 * n),  # each done before the next
            wait=5,
            handling=handling,
        )
    other = QueueCategoryFactory(center=center, prefix="B")
    window2, staff2 = staffed_window(center, department, categories=[other])
    serve(other, window2, staff2, issued=now - dt.timedelta(minutes=30), wait=5, handling=9)
    lines = {cat.prefix: line for cat, line in selectors.lines(center.pk)}
    assert sorted(lines["A"].handling_seconds) == sorted(handlings[-4:])
    assert lines["B"].handling_seconds == (9,)
    assert lines["A"].predicted_wait(0) == round(0.5 * statistics.median(handlings[-4:]))


@pytestmark_db
def test_wait_alerts(hall, center):
    category, _w, _s = hall
    now = selectors.now()
    services.issue_ticket(category=category, channel="kiosk", at=now - dt.timedelta(minutes=5))
    assert selectors.wait_alerts(center_id=center.pk) == []
    services.issue_ticket(category=category, channel="kiosk", at=now - dt.timedelta(minutes=11))
    [alert] = selectors.wait_alerts(center_id=center.pk)
    assert alert["category_id"] == category.pk and alert["waiting"] == 2
    assert alert["longest_wait_seconds"] >= 660 and alert["threshold_seconds"] == 600


@pytestmark_db
def test_board_calls_are_today_newest_first_with_recalls(hall, center):
    category, window, staff = hall
    open_hall(center, recall_cooldown_seconds=0)
    services.issue_ticket(category=category, channel="kiosk")
    ticket = services.call_next(window=window, staff=staff)
    services.recall_ticket(ticket=ticket, window=window, staff=staff)
    calls = selectors.board_calls(center.pk)
    assert [c["kind"] for c in calls] == ["recalled", "called"]
    assert calls[0]["id"] > calls[1]["id"]
    assert selectors.board_calls(center.pk, at=selectors.now() + dt.timedelta(days=1)) == []


@pytestmark_db
def test_board_shows_only_calls_still_calling(hall, center):
    category, window, staff = hall
    services.issue_ticket(category=category, channel="kiosk")
    ticket = services.call_next(window=window, staff=staff)
    at = selectors.now()
    assert [c["number"] for c in selectors.board_calls(center.pk, at=at)] == [ticket.number]
    later = at + dt.timedelta(minutes=selectors.BOARD_CALL_MINUTES, seconds=1)
    assert selectors.board_calls(center.pk, at=later) == []  # a call from long ago drops off
    services.start_ticket(ticket=ticket, window=window, staff=staff)
    assert selectors.board_calls(center.pk, at=at) == []  # the person has come


@pytestmark_db
def test_hall_monitor(hall, center):
    _category, window, staff = hall
    open_hall(center, pause_limit_minutes=0)
    services.pause_window(
        window=window, staff=staff, reason="meeting", at=selectors.now() - dt.timedelta(minutes=2)
    )
    data = selectors.hall_monitor(center.pk)
    assert (data["windows_open"], data["windows_paused"]) == (0, 1)
    assert data["windows"][0]["pause_over_limit"]
    assert Ticket.objects.count() == 0


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


@pytestmark_db
def test_the_compiled_reads_load_what_the_orm_loads(hall, center, department):
    category, window, staff = hall
    read, settings = selectors.category_with_settings(category.pk)
    assert _fields(read) == _fields(QueueCategory.objects.get(pk=category.pk))
    assert _fields(settings) == _fields(selectors.queue_settings(center_id=center.pk))
    assert selectors.category_with_settings(999999) is None
    read, settings, status = selectors.staff_window(window.pk, staff)
    assert _fields(read) == _fields(Window.objects.get(pk=window.pk))
    assert _fields(settings) == _fields(selectors.queue_settings(center_id=center.pk))
    assert status is None
    _other, stranger = staffed_window(center, department, number="2")
    assert selectors.staff_window(window.pk, stranger) is None


@pytestmark_db
def test_next_ticket_is_the_first_callable_with_its_category_and_line(hall, center):
    category, window, _staff = hall
    now = selectors.now()
    assert selectors.next_ticket(window, at=now) is None
    for _ in range(3):
        services.issue_ticket(category=category, channel="kiosk", at=now)
    services.issue_ticket(category=category, channel="kiosk", priority_reason="elderly", at=now)
    ticket = selectors.next_ticket(window, at=now)
    first = selectors.callable_tickets(window, at=now).select_related("category").first()
    assert _fields(ticket) == _fields(first) and ticket.priority
    assert _fields(ticket.category) == _fields(first.category)
    assert ticket.line_size == 4


@pytestmark_db
def test_the_terminal_reads_the_window_status_with_the_window(hall, center, department):
    category, window, staff = hall
    services.issue_ticket(category=category, channel="kiosk")

    def both():
        found = selectors.staff_window(window.pk, staff, status=True)
        assert found is not None
        read, settings, status = found
        assert read == window and settings.center_id == center.pk
        assert status == selectors.window_status(window, staff=staff)
        return status

    assert both().current_number is None
    services.call_next(window=window, staff=staff)
    status = both()
    assert status.current_number is not None and status.session_staff_id == staff.pk
    _other, stranger = staffed_window(center, department)
    assert selectors.staff_window(window.pk, stranger, status=True) is None
