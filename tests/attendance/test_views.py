"""Attendance pages: the monthly table and its .xlsx, my attendance, approvals, the import."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from govhall.attendance import services
from govhall.attendance.models import LeaveRequest, Punch, TemporaryAbsence
from govhall.attendance.selectors import categories_for
from tests.attendance.conftest import NOW
from tests.attendance.factories import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def derived_october(center, timetable, staff, other_lead):
    Punch.objects.create(
        center=center,
        staff=staff,
        punched_at=at("2026-10-09", "09:40"),
        kind=Punch.Kind.IN,
        source=Punch.Source.SELF,
    )
    services.derive_day(center=center, day=at("2026-10-09", "00:00").date(), now=NOW)


def test_monthly_page_for_the_centre(client, admin_user, derived_october, department):
    client.force_login(admin_user)
    response = client.get(reverse("attendance:monthly"), {"month": "2026-10"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "考勤考核汇总表" in page and department.name in page
    assert response.context["table"].total["late"] == 1
    assert "人员稳定性" in page
    # October is derived through the 9th only: the table says so, not "至 10月31日".
    assert "统计期间:2026年10月1日 至 2026年10月9日" in page


def test_unit_lead_sees_only_their_department(client, unit_lead, derived_october, other_department):
    client.force_login(unit_lead)
    response = client.get(
        reverse("attendance:monthly"), {"month": "2026-10", "department": other_department.pk}
    )
    table = response.context["table"]
    assert [r.label for r in table.department_rows] == [unit_lead.staff_profile.department.name]
    assert other_department.name not in {r.department for r in table.staff_rows}


def test_monthly_page_refuses_window_staff_and_bad_months(client, staff_user, admin_user):
    client.force_login(staff_user)
    assert client.get(reverse("attendance:monthly")).status_code == 403
    client.force_login(admin_user)
    response = client.get(reverse("attendance:monthly"), {"month": "2026-99"})
    assert response.status_code == 200 and response.context["table"] is None
    assert client.get(reverse("attendance:monthly_xlsx"), {"month": "x"}).status_code == 400


def test_xlsx_download(client, admin_user, derived_october):
    client.force_login(admin_user)
    response = client.get(reverse("attendance:monthly_xlsx"), {"month": "2026-10"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["按人员", "按单位"]
    assert "(2026-10-01 至 2026-10-09)" in workbook["按单位"]["A1"].value


def test_my_attendance_actions(client, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("attendance:me")).status_code == 200
    client.post(reverse("attendance:me_punch"), {"kind": "in"})
    assert Punch.objects.filter(staff=staff_user.staff_profile, source="self").count() == 1
    client.post(reverse("attendance:me_absence"), {"reason": "送件"})
    client.post(reverse("attendance:me_absence"), {})
    absence = TemporaryAbsence.objects.get()
    assert absence.returned_at is not None
    response = client.post(
        reverse("attendance:me_leave"),
        {"kind": "personal", "start": "2026-12-01T08:00", "end": "2026-12-01T07:00", "reason": "x"},
        follow=True,
    )
    assert not LeaveRequest.objects.exists()
    assert "结束时间须晚于开始时间" in response.content.decode()


def test_approvals_page_and_decision(client, staff, unit_lead, admin_user):
    leave = services.request_leave(
        actor=staff.user,
        kind=LeaveRequest.Kind.PERSONAL,
        start=at("2026-12-01", "08:00"),
        end=at("2026-12-01", "12:00"),
        reason="参加业务培训考试",
    )
    client.force_login(admin_user)
    assert leave.reason not in client.get(reverse("attendance:approvals")).content.decode()
    client.force_login(unit_lead)
    assert leave.reason in client.get(reverse("attendance:approvals")).content.decode()
    client.post(reverse("attendance:leave_decide", args=[leave.pk]), {"decision": "approve"})
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.PENDING_CENTER


def test_approvals_page_refuses_window_staff(client, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("attendance:approvals")).status_code == 403


def test_import_page(client, admin_user, staff):
    client.force_login(admin_user)
    body = f"工号,打卡时间\n{staff.staff_number},2026-10-09 08:55\nX,bad\n".encode()
    response = client.post(
        reverse("attendance:import"),
        {"file": SimpleUploadedFile("m.csv", body), "dry_run": "on"},
    )
    assert "第3行" in response.content.decode()
    assert not Punch.objects.exists()


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "abc", ""])
def test_an_appeal_goes_back_only_to_a_page_of_this_site(client, staff, inspector, next_url):
    """`next` comes from the request: anything but a path of this site (another host, a word
    that is no URL) sends the person to their own attendance page, never elsewhere or a 500."""
    category = categories_for(staff.center_id).get(name="服务态度生硬")
    violation = services.record_violation(
        actor=inspector, staff=staff, category=category, occurred_at=at("2026-10-09", "10:00")
    )
    client.force_login(staff.user)
    response = client.post(
        reverse("attendance:violation_appeal", args=[violation.pk]),
        {"reason": "误记", "next": next_url},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("attendance:me")
    violation.refresh_from_db()
    assert violation.status == "appealed"


def test_an_appeal_goes_back_to_the_page_of_this_site_it_names(client, staff, inspector):
    category = categories_for(staff.center_id).get(name="服务态度生硬")
    violation = services.record_violation(
        actor=inspector, staff=staff, category=category, occurred_at=at("2026-10-09", "10:00")
    )
    client.force_login(staff.user)
    response = client.post(
        reverse("attendance:violation_appeal", args=[violation.pk]),
        {"reason": "误记", "next": "/attendance/approvals/"},
    )
    assert response["Location"] == "/attendance/approvals/"
