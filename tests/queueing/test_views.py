import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from govhall.core.roles import Role
from govhall.queueing import services
from govhall.queueing.models import Ticket, WindowPause, WindowSession
from tests.queueing.factories import QueueCategoryFactory, open_hall, staffed_window

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall(center, department):
    open_hall(center)
    category = QueueCategoryFactory(center=center, prefix="A", name="不动产登记")
    window, staff = staffed_window(center, department, number="3", categories=[category])
    return category, window, staff


def test_kiosk_issues_a_ticket_and_shows_its_status_with_qr(client, hall, center):
    category, _w, _s = hall
    url = reverse("queueing:kiosk") + f"?center={center.region_code}"
    page = client.get(url)
    assert page.status_code == 200
    assert "不动产登记" in page.content.decode()
    response = client.post(url, {"category": category.pk, "phone": "13800001111"})
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("queueing:ticket_status", args=[ticket.token])
    assert (ticket.number, ticket.channel, ticket.phone) == ("A001", "kiosk", "13800001111")
    status = client.get(response["Location"]).content.decode()
    assert "A001" in status and "<svg" in status and "13800001111" not in status


def test_kiosk_bad_input_changes_nothing(client, hall, center):
    url = reverse("queueing:kiosk") + f"?center={center.region_code}"
    category, _w, _s = hall
    assert client.post(url, {"category": category.pk, "phone": "abc"}).status_code == 400
    assert client.post(url, {"category": 999999}).status_code == 400
    assert client.post(url, {"checkin-code": "NOPE", "checkin-id_number": "x"}).status_code == 200
    assert not Ticket.objects.exists()


def test_kiosk_search_filters_categories(client, hall, center):
    QueueCategoryFactory(center=center, prefix="B", name="社保医保")
    page = client.get(reverse("queueing:kiosk"), {"center": center.region_code, "q": "社保"})
    body = page.content.decode()
    assert "社保医保" in body and "不动产登记" not in body


def test_phone_page_marks_the_channel(client, hall, center):
    category, _w, _s = hall
    client.post(
        reverse("queueing:phone") + f"?center={center.region_code}", {"category": category.pk}
    )
    assert Ticket.objects.get().channel == Ticket.Channel.PHONE


def test_status_page_cancel(client, hall):
    category, _w, _s = hall
    ticket = services.issue_ticket(category=category, channel="web")
    client.post(reverse("queueing:ticket_cancel", args=[ticket.token]))
    ticket.refresh_from_db()
    assert ticket.state == Ticket.State.CANCELLED
    assert client.post(reverse("queueing:ticket_cancel", args=[ticket.token])).status_code == 409


def test_unknown_ticket_is_404(client):
    assert (
        client.get(
            reverse("queueing:ticket_status", args=["00000000-0000-0000-0000-000000000000"])
        ).status_code
        == 404
    )


def test_board_shows_calls_without_login(client, hall, center):
    category, window, staff = hall
    services.issue_ticket(category=category, channel="kiosk")
    services.call_next(window=window, staff=staff)
    feed = client.get(
        reverse("queueing:board_feed"), {"center": center.region_code}
    ).content.decode()
    calls = json.loads(re.search(r'id="board-calls"[^>]*>(.*?)</script>', feed, re.S).group(1))
    assert [c["text"] for c in calls] == ["请A001号到3号窗口办理"]
    assert '<td class="call-number">A001</td>' in feed
    page = client.get(reverse("queueing:board"), {"center": center.region_code}).content.decode()
    assert "board.js" in page and 'hx-trigger="every 1s"' in page


def test_board_floor_filter(client, hall, center):
    category, window, staff = hall
    services.issue_ticket(category=category, channel="kiosk")
    services.call_next(window=window, staff=staff)
    feed = client.get(reverse("queueing:board_feed"), {"center": center.region_code, "floor": "9F"})
    assert "A001" not in feed.content.decode()


class TestTerminal:
    def test_full_cycle_with_htmx(self, client, hall):
        category, window, staff = hall
        services.issue_ticket(category=category, channel="kiosk")
        client.force_login(staff.user)
        page = client.get(reverse("queueing:terminal"), follow=True)
        assert page.status_code == 200 and "叫号" in page.content.decode()
        assert WindowSession.objects.filter(window=window, closed_at__isnull=True).count() == 1
        post = lambda action, **data: client.post(  # noqa: E731
            reverse("queueing:terminal_action", args=[window.pk, action]),
            data,
            HTTP_HX_REQUEST="true",
        )
        assert "A001" in post("call").content.decode()
        post("start")
        post("finish")
        assert Ticket.objects.get().state == Ticket.State.DONE
        body = post("call").content.decode()
        assert "当前没有等候的群众" in body
        post("pause", reason=WindowPause.Reason.MEETING)
        assert WindowPause.objects.filter(ended_at__isnull=True).count() == 1
        body = post("call").content.decode()
        assert "窗口暂停中" in body
        post("resume")
        client.post(reverse("queueing:terminal_close", args=[window.pk]), {"logout": "1"})
        assert not WindowSession.objects.filter(closed_at__isnull=True).exists()
        assert not WindowPause.objects.filter(ended_at__isnull=True).exists()

    def test_transfer_from_terminal(self, client, hall, center):
        category, window, staff = hall
        other = QueueCategoryFactory(center=center, prefix="B")
        services.issue_ticket(category=category, channel="kiosk")
        services.call_next(window=window, staff=staff)
        client.force_login(staff.user)
        url = reverse("queueing:terminal_action", args=[window.pk, "transfer"])
        client.post(url, {"to_category": other.pk}, HTTP_HX_REQUEST="true")
        assert list(Ticket.objects.order_by("id").values_list("state", "category__prefix")) == [
            ("transferred", "A"),
            ("waiting", "B"),
        ]

    @pytest.mark.parametrize("who", ["anonymous", "wrong_role", "other_window"])
    def test_refused(self, client, hall, center, department, make_user, who):
        category, window, _staff = hall
        services.issue_ticket(category=category, channel="kiosk")
        if who == "wrong_role":
            client.force_login(make_user(Role.INSPECTOR, department=department))
        elif who == "other_window":
            _w, stranger = staffed_window(center, department)
            client.force_login(stranger.user)
        response = client.post(reverse("queueing:terminal_action", args=[window.pk, "call"]))
        assert response.status_code in (302, 403)
        assert Ticket.objects.get().state == Ticket.State.WAITING
        assert not WindowSession.objects.exists()

    def test_unknown_action_is_404(self, client, hall):
        _c, window, staff = hall
        client.force_login(staff.user)
        assert (
            client.post(
                reverse("queueing:terminal_action", args=[window.pk, "explode"])
            ).status_code
            == 404
        )


@pytest.mark.parametrize(
    "role,status",
    [(None, 302), (Role.WINDOW_STAFF, 403), (Role.UNIT_LEAD, 200), (Role.CENTER_ADMIN, 200)],
)
def test_monitor_permissions(client, hall, make_user, department, role, status):
    if role:
        client.force_login(make_user(role, department=department))
    assert client.get(reverse("queueing:monitor")).status_code == status


def test_monitor_shows_alerts(client, hall, make_user, center):
    category, _w, _s = hall
    open_hall(center, wait_alert_minutes=0)
    services.issue_ticket(
        category=category, channel="kiosk", at=services.selectors.now() - dt.timedelta(minutes=5)
    )
    client.force_login(make_user(Role.CENTER_ADMIN))
    body = client.get(reverse("queueing:monitor"), HTTP_HX_REQUEST="true").content.decode()
    assert "预警" in body and 'id="monitor"' in body


def test_figures_page_scoped_to_department(
    client, hall, center, department, other_department, make_user
):
    category, window, staff = hall
    services.issue_ticket(category=category, channel="kiosk")
    t = services.call_next(window=window, staff=staff)
    services.finish_ticket(ticket=t, window=window, staff=staff)
    client.force_login(make_user(Role.UNIT_LEAD, department=other_department))
    body = client.get(reverse("queueing:figures"), {"dimension": "window"}).content.decode()
    assert re.search(r"取号 <strong>0</strong>", body)
    client.force_login(make_user(Role.CENTER_ADMIN))
    body = client.get(reverse("queueing:figures"), {"dimension": "window"}).content.decode()
    assert re.search(r"取号 <strong>1</strong>", body) and "3号" in body and "<svg" in body
    bad = client.get(reverse("queueing:figures"), {"start": "2026-02-01", "end": "2026-01-01"})
    assert bad.status_code == 200 and "开始日期不能晚于结束日期" in bad.content.decode()


def test_appointment_pages(client, hall, center):
    category, _w, _s = hall
    day = services.selectors.local_day(services.selectors.now()) + dt.timedelta(days=1)
    while not services.is_workday(day):
        day += dt.timedelta(days=1)
    url = (
        reverse("queueing:appointments")
        + f"?center={center.region_code}&category={category.pk}&date={day}"
    )
    assert "09:00" in client.get(url).content.decode()
    from tests.factories import make_id_number

    data = {
        "category": category.pk,
        "date": day.isoformat(),
        "slot_start": "09:00",
        "name": "王五",
        "phone": "13700000000",
        "id_number": make_id_number(7),
    }
    body = client.post(url, data).content.decode()
    assert "预约成功" in body
    code = category.appointments.get().code
    client.post(
        reverse("queueing:appointment_cancel"),
        {"code": code, "phone": "13700000000", "id_number": make_id_number(7)},
    )
    assert category.appointments.get().state == "cancelled"
    assert client.post(url, {**data, "id_number": "123"}).status_code == 400


def test_staff_issue_from_terminal(client, hall, center, department, make_user):
    category, window, staff = hall
    client.force_login(staff.user)
    url = reverse("queueing:terminal_action", args=[window.pk, "issue"])
    body = client.post(
        url, {"category": category.pk, "priority_reason": "disabled"}, HTTP_HX_REQUEST="true"
    )
    assert "已代取号 A001" in body.content.decode()
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.priority) == (Ticket.Channel.STAFF, True)
    assert ticket.events.get().actor == staff.user
    status = client.get(reverse("queueing:ticket_status", args=[ticket.token])).content.decode()
    assert "取号" in status and "timeline" in status
