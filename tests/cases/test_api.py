import datetime as dt

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from govhall.cases.models import Case
from govhall.core.roles import Role
from tests.cases.factories import accept
from tests.factories import ServiceItemFactory, make_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def item(center, department):
    return ServiceItemFactory(center=center, department=department, promised_limit_days=5)


def test_window_accepts_through_the_api(api, make_user, department, item):
    api.force_authenticate(make_user(Role.WINDOW_STAFF, department=department))
    response = api.post(
        "/api/cases/cases/accept/",
        {
            "item": item.pk,
            "applicant_type": "person",
            "applicant_name": "张三",
            "id_number": make_id_number(1),
            "phone": "13800001234",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "accepted" and body["phone"] == "138****1234"
    assert make_id_number(1) not in str(body)


def test_bad_input_is_a_json_400_and_changes_nothing(api, make_user, department, item):
    api.force_authenticate(make_user(Role.WINDOW_STAFF, department=department))
    response = api.post(
        "/api/cases/cases/accept/",
        {"item": item.pk, "applicant_type": "person", "applicant_name": "x", "phone": "1"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"code", "message", "detail"}
    assert not Case.objects.exists()


@pytest.mark.parametrize("param", ["department", "item"])
def test_a_list_filter_past_any_key_is_a_400(api, admin_user, item, param):
    accept(item, day=dt.date(2026, 3, 2))
    api.force_authenticate(admin_user)
    response = api.get("/api/cases/cases/", {param: "99999999999999999999999"})
    assert response.status_code == 400
    assert response.json()["code"] == "validation_failed"


@pytest.mark.parametrize(
    ("role", "own", "status"),
    [
        (None, True, 403),
        (Role.WINDOW_STAFF, True, 403),
        (Role.UNIT_LEAD, False, 404),
        (Role.APPROVER, False, 404),
        (Role.LEADER, True, 403),
        (Role.APPROVER, True, 200),
        (Role.CENTER_ADMIN, False, 200),
    ],
)
def test_complete_permission_over_roles(
    api, make_user, item, department, other_department, role, own, status
):
    case = accept(item, day=dt.date(2026, 3, 2))
    if role is not None:
        api.force_authenticate(make_user(role, department=department if own else other_department))
    response = api.post(
        f"/api/cases/cases/{case.number}/complete/", {"approved": True}, format="json"
    )
    assert response.status_code == status
    case.refresh_from_db()
    expected = Case.State.COMPLETED if status == 200 else Case.State.ACCEPTED
    assert case.state == expected


def test_invalid_transition_is_409(api, make_user, department, item):
    case = accept(item, day=dt.date(2026, 3, 2))
    api.force_authenticate(make_user(Role.WINDOW_STAFF, department=department))
    response = api.post(
        f"/api/cases/cases/{case.number}/deliver/", {"method": "window"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "wrong_state"


def test_list_is_scoped_and_filtered(api, make_user, item, other_department, center):
    mine = accept(item, day=dt.date(2026, 1, 5))
    accept(ServiceItemFactory(center=center, department=other_department))
    api.force_authenticate(make_user(Role.APPROVER, department=item.department))
    rows = api.get("/api/cases/cases/").json()["results"]
    assert [r["number"] for r in rows] == [mine.number]
    assert rows[0]["light"] == "red"
    assert api.get("/api/cases/cases/", {"light": "green"}).json()["results"] == []
    assert api.get("/api/cases/cases/", {"light": "purple"}).status_code == 400


def test_figures_and_lookup(api, make_user, item):
    case = accept(item, day=dt.date(2026, 3, 2), phone="13912345678")
    api.force_authenticate(make_user(Role.LEADER))
    body = api.get(
        "/api/cases/figures/", {"start": "2026-03-01", "end": "2026-03-31", "by": "department"}
    ).json()
    row = next(r for r in body if r["key"] == item.department_id)
    assert row["accepted"] == 1 and row["overdue"] == 1
    assert api.get("/api/cases/figures/", {"start": "x"}).status_code == 400
    cache.clear()
    public = APIClient()
    found = public.post(
        "/api/cases/lookup/", {"number": case.number, "phone_last4": "5678"}, format="json"
    )
    assert found.status_code == 200 and found.json()["due_date"] == "2026-03-09"
    assert "phone" not in found.json()
    missing = public.post(
        "/api/cases/lookup/", {"number": case.number, "phone_last4": "0000"}, format="json"
    )
    assert missing.status_code == 404
    cache.clear()


def test_schema_is_valid(api, admin_user):
    api.force_authenticate(admin_user)
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/cases/cases/{number}/complete/" in paths
    assert "/api/cases/lookup/" in paths


@pytest.mark.parametrize("role", [Role.UNIT_LEAD, Role.WINDOW_STAFF, Role.APPROVER])
def test_unit_roles_never_see_another_departments_case(
    api, make_user, item, other_department, role
):
    case = accept(item, day=dt.date(2026, 3, 2))
    api.force_authenticate(make_user(role, department=other_department))
    assert api.get(f"/api/cases/cases/{case.number}/").status_code == 404
    assert api.get("/api/cases/cases/").json()["results"] == []
    for action, body in (("review", {}), ("withdraw", {}), ("correction", {"reason": "x"})):
        response = api.post(f"/api/cases/cases/{case.number}/{action}/", body, format="json")
        assert response.status_code == 404
    case.refresh_from_db()
    assert case.state == Case.State.ACCEPTED and case.events.count() == 1
    response = api.get(
        "/api/cases/figures/", {"start": "2026-03-01", "end": "2026-03-31", "by": "item"}
    )
    assert response.status_code == 403


def test_import_through_the_api(api, admin_user, center, department):
    ServiceItemFactory(center=center, department=department, code="C-5")
    header = "事项代码,申请人类型,申请人,证件号码,联系电话,受理时间\n"
    row = f"C-5,自然人,甲,{make_id_number(5)},13800001234,2026-03-02 09:00\n"
    api.force_authenticate(admin_user)

    def post(text: str, **extra):
        upload = SimpleUploadedFile("a.csv", text.encode())
        data = {"file": upload, "mapping": "item_code=事项代码", **extra}
        return api.post("/api/cases/import/", data, format="multipart")

    bad = post(header + row + "C-5,自然人,乙,1,13800001234,2026-03-02\n")
    assert bad.status_code == 400 and bad.json()["errors"][0]["row"] == 3
    assert post(header + row, dry_run="true").json()["imported"] == 0
    assert not Case.objects.exists()
    assert post(header + row).json()["imported"] == 1
    assert post(header + row, mapping="colour=颜色").status_code == 400
