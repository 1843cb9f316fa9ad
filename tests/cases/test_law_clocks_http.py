"""The law's clocks through the case pages and the API (the services decide; see
test_law_clocks.py for the dates)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from govhall.cases import services
from govhall.cases.models import Case, CaseEvent
from govhall.core.roles import Role
from tests.cases.factories import accept, at
from tests.factories import ServiceItemFactory, WindowFactory, make_uscc

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(center, department):
    return ServiceItemFactory(center=center, department=department, promised_limit_days=5)


@pytest.mark.parametrize(("role", "status"), [(Role.UNIT_LEAD, 302), (Role.APPROVER, 403)])
def test_extend_through_the_case_page(client, make_user, department, item, role, status):
    case = accept(item)
    due = case.due_date
    client.force_login(make_user(role, department=department))
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert ('data-action="extend"' in page) is (role == Role.UNIT_LEAD)
    response = client.post(
        reverse("cases:act", args=[case.number, "extend"]),
        {"extend-days": "3", "extend-reason": "需现场核查"},
    )
    assert response.status_code == status
    case.refresh_from_db()
    assert (case.extension_days == 3) is (status == 302)
    assert (case.due_date != due) is (status == 302)


def test_extension_beyond_ten_days_is_a_form_error(client, make_user, department, item):
    case = accept(item)
    client.force_login(make_user(Role.UNIT_LEAD, department=department))
    response = client.post(
        reverse("cases:act", args=[case.number, "extend"]),
        {"extend-days": "11", "extend-reason": "理由"},
    )
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.extended_at is None


def test_second_correction_without_reason_is_a_form_error(client, make_user, department, item):
    case = accept(item)
    services.request_correction(actor=None, case=case, reason="缺签字")
    services.resubmit_case(actor=None, case=case)
    client.force_login(make_user(Role.APPROVER, department=department))
    url = reverse("cases:act", args=[case.number, "correction"])
    response = client.post(url, {"correction-reason": "缺印章"})
    assert response.status_code == 400
    assert "一次性告知" in response.content.decode()
    response = client.post(
        url, {"correction-reason": "缺印章", "correction-repeat_reason": "新版章程须重新盖章"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.correction_notices == 2


def test_window_delivery_names_the_window(client, make_user, department, center, item):
    case = accept(item)
    services.complete_case(actor=None, case=case, approved=True)
    clerk = make_user(Role.WINDOW_STAFF, department=department)
    window = WindowFactory(center=center, number="出件1")
    clerk.staff_profile.windows.add(window)
    client.force_login(clerk)
    url = reverse("cases:act", args=[case.number, "deliver"])
    assert client.post(url, {"deliver-method": "window"}).status_code == 400
    response = client.post(url, {"deliver-method": "window", "deliver-window": window.pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == Case.State.DELIVERED and case.delivery_window == window


def test_supervision_page_lists_the_flags(client, make_user, item):
    case = accept(item, day=dt.date(2026, 3, 2))
    services.complete_case(actor=None, case=case, approved=True, at=at(dt.date(2026, 3, 3)))
    client.force_login(make_user(Role.INSPECTOR))
    page = client.get(reverse("cases:supervision")).content.decode()
    assert 'data-flag="delivery_overdue"' in page
    assert "逾期未送达" in page and case.number in page
    # The delay's list gives the delivery deadline (art. 44), not the decision's.
    case.refresh_from_db()
    delays = page.split('id="flag-delivery_overdue"')[1].split("</section>")[0]
    assert "送达期限" in delays and case.delivery_due.isoformat() in delays


def test_api_extend_notify_and_clock_figures(make_user, department, center, item):
    api = APIClient()
    api.force_authenticate(make_user(Role.UNIT_LEAD, department=department))
    case = accept(item)
    response = api.post(
        f"/api/cases/cases/{case.number}/extend/", {"days": 4, "reason": "专家评审"}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["extension_days"] == 4
    again = api.post(f"/api/cases/cases/{case.number}/extend/", {"days": 1, "reason": "再延"})
    assert again.status_code == 409 and again.json()["code"]
    too_long = api.post(f"/api/cases/cases/{case.number}/extend/", {"days": 99, "reason": "x"})
    assert too_long.status_code == 400
    submitted = services.submit_case(
        item=item,
        applicant_type="company",
        applicant_name="某公司",
        uscc=make_uscc(7),
        phone="13900001234",
    )
    response = api.post(f"/api/cases/cases/{submitted.number}/notify/", {"reason": "缺章程"})
    assert response.status_code == 200, response.json()
    assert CaseEvent.objects.filter(case=submitted, type="correction_notified").exists()
    case.refresh_from_db()
    today = timezone.localdate(case.extended_at)
    figures = api.get(
        "/api/cases/clock-figures/", {"start": today, "end": today, "by": "department"}
    )
    assert figures.status_code == 200
    assert figures.json() == [
        {
            "key": department.pk,
            "extended": 1,
            "deemed_accepted": 0,
            "repeat_corrections": 0,
            "delivered": 0,
            "delivered_late": 0,
            "delivery_on_time_rate": None,
        }
    ]
    flags = api.get("/api/cases/supervision/flags/")
    assert flags.status_code == 200
    assert [row["flag"] for row in flags.json()] == [
        "unanswered",
        "deemed",
        "repeat_corrections",
        "procedure_overrun",
        "missing_overdue",
        "delivery_overdue",
    ]
