import datetime as dt
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from govhall.core.roles import Role
from govhall.core.workdays import is_workday
from govhall.queueing import selectors, services
from govhall.queueing.models import Ticket, WindowPause, WindowSession
from tests.factories import ServiceItemFactory, StaffProfileFactory
from tests.queueing.factories import QueueCategoryFactory, open_hall, staffed_window

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall(center, department):
    open_hall(center)
    category = QueueCategoryFactory(center=center, prefix="A", name="不动产登记")
    window, staff = staffed_window(center, department, number="3", categories=[category])
    return category, window, staff


def test_kiosk_prints_the_ticket_for_this_person_only(client, hall, center):
    category, _w, _s = hall
    url = reverse("queueing:kiosk") + f"?center={center.region_code}&paper=58&back=15"
    page = client.get(url).content.decode()
    assert "不动产登记" in page
    assert 'class="topbar"' not in page and reverse("login") not in page  # no site menu
    response = client.post(url, {"category": category.pk, "phone": "13800001111"})
    ticket = Ticket.objects.get()
    assert (ticket.number, ticket.channel, ticket.phone) == ("A001", "kiosk", "13800001111")
    # The ticket is the POST's answer: no address for the next person to come back to.
    assert response.status_code == 200
    body = response.content.decode()
    assert "A001" in body and "<svg" in body and "paper-58" in body
    assert "13800001111" not in body and "138****1111" in body
    assert (
        "放弃排队" not in body
        and reverse("queueing:ticket_cancel", args=[ticket.token]) not in body
    )
    assert 'data-back-seconds="15"' in body
    assert f'data-start-url="/queue/?center={center.region_code}&amp;paper=58&amp;back=15"' in body


def test_kiosk_takes_an_optional_id_number_checked_stored_whole_shown_masked(client, hall, center):
    from tests.factories import make_id_number

    category, _w, _s = hall
    url = reverse("queueing:kiosk") + f"?center={center.region_code}"
    wrong = make_id_number(3)[:-1] + ("0" if make_id_number(3)[-1] != "0" else "1")
    refused = client.post(url, {"category": category.pk, "id_number": wrong})
    assert refused.status_code == 400 and not Ticket.objects.exists()
    assert re.search(r'name="id_number"[^>]*>\s*<ul class="errorlist"', refused.content.decode())
    number = make_id_number(3)
    body = client.post(url, {"category": category.pk, "id_number": number.lower()})
    assert Ticket.objects.get().id_number == number.upper()
    assert number not in body.content.decode()
    assert Ticket.objects.get().masked_id_number in body.content.decode()


def test_kiosk_bad_input_changes_nothing(client, hall, center):
    url = reverse("queueing:kiosk") + f"?center={center.region_code}"
    category, _w, _s = hall
    assert client.post(url, {"category": category.pk, "phone": "abc"}).status_code == 400
    assert client.post(url, {"category": 999999}).status_code == 400
    assert client.post(url, {"checkin-code": "NOPE", "checkin-id_number": "x"}).status_code == 400
    assert not Ticket.objects.exists()


def test_phone_ticket_page_keeps_status_and_cancel(client, hall, center):
    category, _w, _s = hall
    response = client.post(
        reverse("queueing:phone") + f"?center={center.region_code}", {"category": category.pk}
    )
    ticket = Ticket.objects.get()
    assert response["Location"] == reverse("queueing:ticket_status", args=[ticket.token])
    status = client.get(response["Location"]).content.decode()
    assert "A001" in status and "<svg" in status and "放弃排队" in status


def test_transferred_ticket_page_shows_the_new_line_and_place(client, hall, center):
    category, window, staff = hall
    other = QueueCategoryFactory(center=center, prefix="B", name="社保医保")
    services.issue_ticket(category=other, channel="kiosk")  # one person already in line B
    ticket = services.issue_ticket(category=category, channel="kiosk")
    services.call_next(window=window, staff=staff)
    services.transfer_ticket(ticket=ticket, to_category=other, window=window, staff=staff)
    status = client.get(reverse("queueing:ticket_status", args=[ticket.token])).content.decode()
    assert "已转至“社保医保”" in status
    assert "前面还有 <strong>1</strong> 人" in status  # behind the one already in line B
    assert "等待中" in status and ">B" not in status  # the continuation keeps the number


def test_finished_ticket_page_invites_the_rating(client, hall):
    category, window, staff = hall
    services.issue_ticket(category=category, channel="kiosk")
    ticket = services.call_next(window=window, staff=staff)
    services.finish_ticket(ticket=ticket, window=window, staff=staff)
    status = client.get(reverse("queueing:ticket_status", args=[ticket.token])).content.decode()
    assert reverse("feedback:rate_ticket", args=[ticket.token]) in status
    assert "评价本次服务" in status


def test_kiosk_search_filters_categories(client, hall, center):
    QueueCategoryFactory(center=center, prefix="B", name="社保医保")
    page = client.get(reverse("queueing:kiosk"), {"center": center.region_code, "q": "社保"})
    body = page.content.decode()
    assert "社保医保" in body and "不动产登记" not in body


def test_kiosk_search_finds_a_line_by_its_items_as_the_guide_does(client, hall, center):
    company = ServiceItemFactory(
        center=center, name="企业设立登记", keywords="营业执照、开公司", department__center=center
    )
    QueueCategoryFactory(center=center, prefix="B", name="商事登记").items.add(company)
    QueueCategoryFactory(center=center, prefix="C", name="营业执照遗失补领咨询")
    page = client.get(reverse("queueing:kiosk"), {"center": center.region_code, "q": "开公司"})
    body = page.content.decode()
    assert "商事登记" in body and "不动产登记" not in body and "遗失补领" not in body
    body = client.get(
        reverse("queueing:kiosk"), {"center": center.region_code, "q": "营业执照"}
    ).content.decode()
    # the line named after the words first, then the line serving the item they call it by
    assert body.index("营业执照遗失补领咨询") < body.index("商事登记")


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
        post = lambda action, **data: client.post(  # noqa: E731
            reverse("queueing:terminal_action", args=[window.pk, action]),
            data,
            HTTP_HX_REQUEST="true",
        )
        assert "已上岗" in post("open").content.decode()
        assert WindowSession.objects.filter(window=window, closed_at__isnull=True).count() == 1
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

    def test_opening_the_page_does_not_put_the_clerk_on_duty(self, client, hall, center):
        """A GET changes nothing: the page offers 上岗 (naming a colleague on duty there, whom
        it takes over from); the clerk is on duty once they press it, or call, or pause."""
        _category, window, staff = hall
        client.force_login(staff.user)
        url = reverse("queueing:terminal_window", args=[window.pk])
        body = client.get(url).content.decode()
        assert 'data-testid="off-duty"' in body and "您尚未在本窗口上岗" in body
        assert not WindowSession.objects.exists()
        colleague = StaffProfileFactory(center=center, department=staff.department)
        colleague.windows.add(window)
        services.open_window_session(window=window, staff=colleague)
        body = client.get(url).content.decode()
        assert f"本窗口当前由 {colleague.user.display_name} 在岗" in body
        assert WindowSession.objects.get(closed_at__isnull=True).staff == colleague
        client.post(reverse("queueing:terminal_action", args=[window.pk, "call"]))
        assert WindowSession.objects.get(closed_at__isnull=True).staff == staff
        assert 'data-testid="off-duty"' not in client.get(url).content.decode()

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
        category=category, channel="kiosk", at=selectors.now() - dt.timedelta(minutes=5)
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
    chart = body[body.index("<svg") : body.index("</svg>")]
    assert "各时段取号与平均等待" in chart and not re.search(
        r"<text[^>]*>\d+\.\d{2,}</text>", chart
    )
    bad = client.get(reverse("queueing:figures"), {"start": "2026-02-01", "end": "2026-01-01"})
    assert bad.status_code == 200 and "开始日期不能晚于结束日期" in bad.content.decode()


def test_appointment_pages(client, hall, center):
    category, _w, _s = hall
    day = timezone.localdate(selectors.now()) + dt.timedelta(days=1)
    while not is_workday(day):
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


def test_appointment_days_are_working_days_and_a_bad_day_is_explained(client, hall, center):
    category, _w, _s = hall
    url = reverse("queueing:appointments")
    page = client.get(url, {"center": center.region_code, "category": category.pk})
    days = re.findall(r'<option value="(\d{4}-\d\d-\d\d)"', page.content.decode())
    assert days and all(is_workday(dt.date.fromisoformat(d)) for d in days)
    today = timezone.localdate(selectors.now())
    past = client.get(url, {"center": center.region_code, "date": str(today - dt.timedelta(1))})
    assert "已经过去" in past.content.decode() and "0/" not in past.content.decode()
    rest = today + dt.timedelta(days=1)
    while is_workday(rest):
        rest += dt.timedelta(days=1)
    sunday = client.get(url, {"center": center.region_code, "date": str(rest)}).content.decode()
    assert "是休息日" in sunday and 'name="slot_start"' not in sunday


def test_appointment_lookup_errors_sit_under_their_fields(client, hall, center):
    from tests.factories import make_id_number

    url = reverse("queueing:appointment_cancel") + f"?center={center.region_code}"
    bad_phone = client.post(url, {"code": "X", "phone": "12", "id_number": make_id_number(2)})
    assert bad_phone.status_code == 400
    assert re.search(r'name="phone"[^>]*>\s*<ul class="errorlist"', bad_phone.content.decode())
    unknown = client.post(
        url, {"code": "NOPE", "phone": "13700000000", "id_number": make_id_number(2)}
    )
    assert unknown.status_code == 404
    body = unknown.content.decode()
    form = body[body.index('data-testid="appointment-lookup"') :]
    assert form.index("未找到该预约") < form.index('name="code"')  # on the form, not a field


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
