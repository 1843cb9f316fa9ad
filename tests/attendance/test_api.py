"""The attendance API: workflows end to end, role scoping, and refusals that change nothing."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from govhall.attendance import services
from govhall.attendance.models import (
    LeaveEvent,
    LeaveRequest,
    Punch,
    Violation,
    ViolationEvent,
)
from govhall.core.roles import Role
from tests.attendance.conftest import NOW
from tests.attendance.factories import at

pytestmark = pytest.mark.django_db

API = "/api/attendance/"


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_leave_goes_through_unit_then_centre(staff_user, unit_lead, admin_user):
    response = client_for(staff_user).post(
        API + "leaves/request/",
        {
            "kind": "sick",
            "start": "2026-12-01T08:00:00+08:00",
            "end": "2026-12-01T18:00:00+08:00",
            "reason": "看病",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    # The centre cannot skip the unit's step.
    refused = client_for(admin_user).post(API + f"leaves/{pk}/approve/", {}, format="json")
    assert refused.status_code == 403
    assert LeaveRequest.objects.get(pk=pk).status == LeaveRequest.Status.PENDING_UNIT
    assert client_for(unit_lead).post(API + f"leaves/{pk}/approve/", {}).status_code == 200
    done = client_for(admin_user).post(API + f"leaves/{pk}/approve/", {"comment": "同意"})
    assert done.json()["status"] == "approved"
    assert [e["type"] for e in done.json()["events"]] == [
        "submitted",
        "unit_approved",
        "center_approved",
    ]


@pytest.mark.parametrize("who", ["anonymous", "window_staff", "other_lead", "admin"])
def test_unit_approval_is_refused_to_everyone_but_the_units_lead(
    who, staff, unit_lead, other_lead, admin_user, make_user, department
):
    leave = services.request_leave(
        actor=staff.user,
        kind=LeaveRequest.Kind.PERSONAL,
        start=at("2026-12-01", "08:00"),
        end=at("2026-12-01", "12:00"),
        reason="办事",
    )
    actor = {
        "anonymous": None,
        "window_staff": make_user(Role.WINDOW_STAFF, department=department),
        "other_lead": other_lead,
        "admin": admin_user,
    }[who]
    response = client_for(actor).post(API + f"leaves/{leave.pk}/approve/", {})
    assert response.status_code in (401, 403, 404)
    assert set(response.json()) == {"code", "message", "detail"}
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.PENDING_UNIT
    assert LeaveEvent.objects.filter(leave=leave).count() == 1


def test_lists_are_scoped_by_role(staff, unit_lead, other_lead, admin_user, make_user, department):
    mate = make_user(Role.WINDOW_STAFF, department=department).staff_profile
    for person in (staff, mate, other_lead.staff_profile):
        Punch.objects.create(
            center_id=person.center_id,
            staff=person,
            punched_at=at("2026-10-09", "09:00"),
            kind=Punch.Kind.IN,
            source=Punch.Source.SELF,
        )

    def seen(user):
        response = client_for(user).get(API + "punches/")
        assert response.status_code == 200
        return {row["staff"] for row in response.json()["results"]}

    assert seen(staff.user) == {staff.pk}
    assert seen(unit_lead) == {staff.pk, mate.pk}
    assert seen(other_lead) == {other_lead.staff_profile.pk}
    assert seen(admin_user) == {staff.pk, mate.pk, other_lead.staff_profile.pk}
    assert client_for().get(API + "punches/").status_code in (401, 403)


def test_self_punch_and_entry(staff_user, admin_user, unit_lead):
    response = client_for(staff_user).post(API + "punches/self/", {"kind": "in"})
    assert response.status_code == 201
    entry = {
        "staff": staff_user.staff_profile.pk,
        "kind": "out",
        "punched_at": "2026-10-09T17:31:00+08:00",
        "note": "考勤机故障",
    }
    assert client_for(unit_lead).post(API + "punches/enter/", entry).status_code == 403
    assert client_for(admin_user).post(API + "punches/enter/", entry).status_code == 201
    assert Punch.objects.filter(source=Punch.Source.ENTRY).count() == 1


def test_import_endpoint_names_the_bad_row(admin_user, staff):
    body = f"工号,打卡时间\n{staff.staff_number},2026-10-09 08:55\nNOBODY,2026-10-09 09:00\n"
    upload = SimpleUploadedFile("m.csv", body.encode(), content_type="text/csv")
    response = client_for(admin_user).post(
        API + "punches/import/", {"file": upload, "dry_run": "false"}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["message"].startswith("第3行")
    assert not Punch.objects.exists()
    upload = SimpleUploadedFile(
        "m.csv", body.splitlines()[0:2][0].encode() + b"\n" + body.splitlines()[1].encode()
    )
    response = client_for(admin_user).post(
        API + "punches/import/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 200 and response.json()["dry_run"] is True
    assert not Punch.objects.exists()


def test_violation_appeal_and_decision(inspector, staff, unit_lead, admin_user, other_lead, window):
    category = client_for(inspector).get(API + "categories/").json()
    assert [c["name"] for c in category][:3] == ["迟到", "早退", "空岗"]
    photo = SimpleUploadedFile("p.jpg", b"\xff\xd8\xff fake jpeg", content_type="image/jpeg")
    response = client_for(inspector).post(
        API + "violations/record/",
        {
            "staff": staff.pk,
            "category": category[6]["id"],
            "occurred_at": "2026-10-09T10:00:00+08:00",
            "window": window.pk,
            "photo": photo,
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["points"] == "1.0"
    # The other unit's lead does not see it; the own lead does; staff appeal their own.
    assert client_for(other_lead).get(API + f"violations/{pk}/").status_code == 404
    assert client_for(unit_lead).get(API + f"violations/{pk}/").status_code == 200
    appeal = client_for(staff.user).post(API + f"violations/{pk}/appeal/", {"reason": "误记"})
    assert appeal.json()["status"] == "appealed"
    refused = client_for(unit_lead).post(
        API + f"violations/{pk}/decide/", {"upheld": True, "comment": "x"}
    )
    assert refused.status_code == 403
    decided = client_for(admin_user).post(
        API + f"violations/{pk}/decide/", {"upheld": True, "comment": "属实"}
    )
    assert decided.json()["status"] == "upheld"
    assert list(ViolationEvent.objects.filter(violation_id=pk).values_list("type", flat=True)) == [
        "recorded",
        "appealed",
        "upheld",
    ]


def test_window_staff_cannot_record_violations(staff_user, staff):
    from govhall.attendance.selectors import categories_for

    category = categories_for(staff.center_id).first()
    response = client_for(staff_user).post(
        API + "violations/record/",
        {"staff": staff.pk, "category": category.pk, "occurred_at": "2026-10-09T10:00:00+08:00"},
    )
    assert response.status_code == 403
    assert not Violation.objects.exists()


def test_derive_and_figures(admin_user, unit_lead, staff, timetable, department, other_department):
    Punch.objects.create(
        center_id=staff.center_id,
        staff=staff,
        punched_at=at("2026-10-09", "09:30"),
        kind=Punch.Kind.IN,
        source=Punch.Source.SELF,
    )
    response = client_for(admin_user).post(API + "derive/", {"date": "2026-10-09"})
    assert response.status_code == 200 and response.json()[0]["records"] >= 2
    assert client_for(unit_lead).post(API + "derive/", {"date": "2026-10-09"}).status_code == 403
    mine = client_for(staff.user).get(API + "records/?date=2026-10-09").json()["results"]
    assert {r["staff"] for r in mine} == {staff.pk}
    depts = client_for(unit_lead).get(API + "figures/departments/?month=2026-10").json()
    assert [d["id"] for d in depts] == [department.pk] and depts[0]["late"] == 1
    whole = client_for(admin_user).get(API + "figures/departments/?month=2026-10").json()
    assert {d["id"] for d in whole} == {department.pk, other_department.pk}
    assert client_for(unit_lead).get(API + "figures/center/?month=2026-10").status_code == 403
    bad = client_for(admin_user).get(API + "figures/center/?month=2026-13")
    assert bad.status_code == 400 and bad.json()["code"] == "bad_period"
    assert client_for(staff.user).get(API + "figures/staff/?month=2026-10").status_code == 403


def test_temporary_absence_and_return(staff_user):
    client = client_for(staff_user)
    created = client.post(API + "temporary-absences/register/", {"reason": "取材料"})
    assert created.status_code == 201
    again = client.post(API + "temporary-absences/register/", {"reason": "再次外出"})
    assert again.status_code == 409
    pk = created.json()["id"]
    back = client.post(API + f"temporary-absences/{pk}/return/", {})
    assert back.status_code == 200 and back.json()["returned_at"]


def test_assignment_change_and_stability(admin_user, staff, other_department, unit_lead):
    body = {"staff": staff.pk, "department": other_department.pk, "windows": [], "reason": "轮岗"}
    assert (
        client_for(unit_lead).post(API + "assignments/change/", body, format="json").status_code
        == 403
    )
    response = client_for(admin_user).post(API + "assignments/change/", body, format="json")
    assert response.status_code == 201
    staff.refresh_from_db()
    assert staff.department_id == other_department.pk
    month = dt.date.today().strftime("%Y-%m")
    rows = client_for(admin_user).get(API + f"stability/?month={month}").json()
    assert {r["department"]: r["joined"] for r in rows}[other_department.pk] == 1


def test_schema_is_valid(admin_user):
    response = client_for(admin_user).get("/api/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/attendance/leaves/{id}/approve/" in paths
    assert paths["/api/attendance/punches/import/"]["post"]["requestBody"]


def test_now_constant_is_after_the_fixture_month():
    assert NOW.date() > dt.date(2026, 10, 31)
