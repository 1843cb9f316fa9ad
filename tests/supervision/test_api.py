"""The supervision API: scoped by role, JSON errors, nothing changed on refusal."""

import datetime as dt
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from govhall.core.roles import Role
from govhall.supervision import selectors, services
from govhall.supervision.models import Campaign, CensusReport, Problem, SignOff

pytestmark = pytest.mark.django_db

API = "/api/supervision"


def _problem(lead, unit, category, text="办事指南无示范文本"):
    return services.create_problem(
        actor=lead, unit=unit, category=category, description=text, measure="补充"
    )


def test_centre_admin_creates_a_campaign(client, admin_user, department):
    client.force_login(admin_user)
    response = client.post(
        f"{API}/campaigns/",
        {
            "title": "窗口服务突出问题排查整改",
            "issuer": "县政府办公室",
            "phase_ends": {
                "self_check": "2018-05-20",
                "inspection": "2018-06-20",
                "consolidation": "2018-07-20",
            },
            "department_ids": [department.pk],
            "towns": ["李庄镇", "园区"],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    campaign = Campaign.objects.get(pk=response.json()["id"])
    assert campaign.units.count() == 3 and campaign.categories.count() == 6
    detail = client.get(f"{API}/campaigns/{campaign.pk}/").json()
    assert [p["kind"] for p in detail["phases"]] == ["self_check", "inspection", "consolidation"]
    assert detail["current_phase"] == "self_check"


@pytest.mark.parametrize("role", [Role.UNIT_LEAD, Role.INSPECTOR, Role.LEADER])
def test_others_cannot_create_campaigns(client, make_user, department, role):
    client.force_login(make_user(role, department=department))
    response = client.post(f"{API}/campaigns/", {}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Campaign.objects.exists()


def test_bad_phase_order_is_a_400(client, admin_user, department):
    client.force_login(admin_user)
    response = client.post(
        f"{API}/campaigns/",
        {
            "title": "t",
            "phase_ends": {
                "self_check": "2018-07-20",
                "inspection": "2018-06-20",
                "consolidation": "2018-07-20",
            },
            "department_ids": [department.pk],
        },
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["code"] == "phases_out_of_order"
    assert not Campaign.objects.exists()


def test_anonymous_is_refused(client, campaign):
    assert client.get(f"{API}/campaigns/").status_code in (401, 403)
    assert client.get(f"{API}/campaigns/{campaign.pk}/problems/").status_code in (401, 403)


def test_unit_sees_only_its_own_list(
    client, lead, other_lead, unit, other_unit, campaign, category
):
    mine = _problem(lead, unit, category)
    theirs = _problem(other_lead, other_unit, category)
    client.force_login(lead)
    rows = client.get(f"{API}/campaigns/{campaign.pk}/problems/").json()
    assert [r["id"] for r in rows] == [mine.pk]
    assert client.get(f"{API}/problems/{theirs.pk}/").status_code == 404
    response = client.patch(
        f"{API}/problems/{theirs.pk}/", {"measure": "x"}, content_type="application/json"
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.measure == "补充"


def test_unit_records_and_fixes_its_problem(client, lead, unit, other_unit, campaign, category):
    client.force_login(lead)
    url = f"{API}/campaigns/{campaign.pk}/problems/"
    response = client.post(
        url,
        {"unit": unit.pk, "category": category.pk, "description": "咨询电话占线", "owner": "张三"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["deadline"] == "2018-05-20" and body["status"] == "open"
    refused = client.post(
        url,
        {"unit": other_unit.pk, "category": category.pk, "description": "x"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    pk = body["id"]
    evidence = client.post(
        f"{API}/problems/{pk}/evidence/",
        {"title": "值班表", "file": SimpleUploadedFile("duty.pdf", b"%PDF-1.4")},
    )
    assert evidence.status_code == 201
    fixed = client.post(
        f"{API}/problems/{pk}/fix/",
        {"fix_note": "已增设专线", "measure": "增设专线"},
        content_type="application/json",
    )
    assert fixed.status_code == 200 and fixed.json()["status"] == "fixed"
    again = client.post(
        f"{API}/problems/{pk}/fix/", {"fix_note": "x"}, content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["code"] == "problem_not_open"
    detail = client.get(f"{API}/problems/{pk}/").json()
    assert [e["kind"] for e in detail["events"]] == ["created", "evidence", "fixed"]
    assert detail["evidence"][0]["title"] == "值班表"


def test_inspector_confirms_and_reopens(client, inspector, lead, unit, category):
    problem = _problem(lead, unit, category)
    services.mark_fixed(actor=lead, problem=problem, fix_note="done")
    client.force_login(lead)
    assert (
        client.post(
            f"{API}/problems/{problem.pk}/confirm/", {}, content_type="application/json"
        ).status_code
        == 403
    )
    client.force_login(inspector)
    response = client.post(
        f"{API}/problems/{problem.pk}/confirm/", {"note": "核实"}, content_type="application/json"
    )
    assert response.json()["status"] == "confirmed"
    missing_reason = client.post(
        f"{API}/problems/{problem.pk}/reopen/", {}, content_type="application/json"
    )
    assert missing_reason.status_code == 400
    response = client.post(
        f"{API}/problems/{problem.pk}/reopen/",
        {"reason": "暗访未改"},
        content_type="application/json",
    )
    assert response.json()["status"] == "reopened"


def test_data_import_endpoint(client, inspector, lead, center, department, campaign):
    from tests.factories import ServiceItemFactory

    ServiceItemFactory(center=center, department=department, consult_phone="")
    client.force_login(lead)
    assert (
        client.post(
            f"{API}/campaigns/{campaign.pk}/import/guide_lint/", {}, content_type="application/json"
        ).status_code
        == 403
    )
    client.force_login(inspector)
    first = client.post(
        f"{API}/campaigns/{campaign.pk}/import/guide_lint/", {}, content_type="application/json"
    ).json()
    assert first["created"] >= 1
    second = client.post(
        f"{API}/campaigns/{campaign.pk}/import/guide_lint/", {}, content_type="application/json"
    ).json()
    assert second["created"] == 0 and second["already_listed"] == first["created"]
    assert (
        client.post(
            f"{API}/campaigns/{campaign.pk}/import/nonsense/", {}, content_type="application/json"
        ).status_code
        == 404
    )
    bad_dates = client.post(
        f"{API}/campaigns/{campaign.pk}/import/zero_cases/",
        {"start": "2018-04-30", "end": "2018-04-01"},
        content_type="application/json",
    )
    assert bad_dates.status_code == 400


def test_census_filing_and_missing_list(client, admin_user, lead, unit, other_unit, town, campaign):
    client.force_login(lead)
    url = f"{API}/campaigns/{campaign.pk}/census/"
    bad = client.post(
        url, {"unit": unit.pk, "signed_by_name": "王"}, content_type="application/json"
    )
    assert bad.status_code == 400  # neither lines nor a zero report
    response = client.post(
        url,
        {
            "unit": unit.pk,
            "signed_by_name": "王局长",
            "entries": [
                {
                    "name": "不动产大厅",
                    "address": "汽博城8栋",
                    "windows": 6,
                    "items": 30,
                    "staff": 8,
                }
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["late"] is True  # the seed's deadline was 2018-05-10 10:00
    foreign = client.post(
        url,
        {"unit": other_unit.pk, "zero_report": True, "signed_by_name": "李"},
        content_type="application/json",
    )
    assert foreign.status_code == 403
    own_view = client.get(url).json()
    assert [r["unit"] for r in own_view["reports"]] == [unit.pk] and own_view["missing"] == []

    client.force_login(admin_user)
    centre_view = client.get(url).json()
    assert {u["id"] for u in centre_view["missing"]} == {other_unit.pk, town.pk}
    assert centre_view["totals"]["windows"] == 6
    assert CensusReport.objects.count() == 1


def test_progress_and_signoff(client, lead, inspector, unit, other_unit, campaign, category):
    problem = _problem(lead, unit, category)
    client.force_login(lead)
    url = f"{API}/campaigns/{campaign.pk}/signoff/"
    refused = client.post(url, {"unit": unit.pk}, content_type="application/json")
    assert refused.status_code == 409 and not SignOff.objects.exists()
    services.mark_fixed(actor=lead, problem=problem, fix_note="done")
    signed = client.post(
        url, {"unit": unit.pk, "signer_name": "王局长"}, content_type="application/json"
    )
    assert signed.status_code == 201 and signed.json()["signer_name"] == "王局长"
    assert (
        client.post(url, {"unit": other_unit.pk}, content_type="application/json").status_code
        == 403
    )

    progress = client.get(f"{API}/campaigns/{campaign.pk}/progress/?on=2018-05-12").json()
    assert [r["unit_id"] for r in progress["rows"]] == [unit.pk]  # a unit sees its own row
    assert (
        progress["rows"][0]["fixed_on_time"] == 1 and progress["rows"][0]["signer_name"] == "王局长"
    )

    client.force_login(inspector)
    progress = client.get(f"{API}/campaigns/{campaign.pk}/progress/?on=2018-05-12").json()
    expected = selectors.campaign_progress(campaign_id=campaign.pk, on=dt.date(2018, 5, 12))
    assert len(progress["rows"]) == len(expected.rows) and progress["totals"] == expected.totals
    assert client.get(f"{API}/campaigns/{campaign.pk}/progress/?on=not-a-date").status_code == 400
    phases = client.get(f"{API}/campaigns/{campaign.pk}/phase-report/?on=2018-05-12").json()
    assert phases[0]["fixed_on_time"] == 1

    xlsx = client.get(f"{API}/campaigns/{campaign.pk}/progress.xlsx?on=2018-05-12")
    assert xlsx.status_code == 200
    sheet = load_workbook(BytesIO(xlsx.content))["整改进度"]
    assert sheet.max_row == 2 + len(expected.rows) + 1


def test_campaign_of_another_department_is_invisible(
    client, make_user, admin_user, center, campaign
):
    from tests.factories import DepartmentFactory

    outsider = make_user(Role.UNIT_LEAD, department=DepartmentFactory(center=center))
    client.force_login(outsider)
    assert client.get(f"{API}/campaigns/").json() == []
    assert client.get(f"{API}/campaigns/{campaign.pk}/").status_code == 404
    assert not Problem.objects.exists()


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", {401, 403}),
        ("window_staff", {403}),
        ("inspector", {403}),
        ("other_lead", {404}),
        ("lead", {200}),
    ],
)
def test_fix_endpoint_over_principals(
    client, make_user, department, lead, other_lead, inspector, unit, category, who, expected
):
    problem = _problem(lead, unit, category)
    users = {
        "anonymous": None,
        "window_staff": make_user(Role.WINDOW_STAFF, department=department),
        "inspector": inspector,
        "other_lead": other_lead,
        "lead": lead,
    }
    if users[who] is not None:
        client.force_login(users[who])
    response = client.post(
        f"{API}/problems/{problem.pk}/fix/", {"fix_note": "已整改"}, content_type="application/json"
    )
    assert response.status_code in expected
    problem.refresh_from_db()
    assert (problem.status == "fixed") == (expected == {200})
    assert problem.events.count() == (2 if expected == {200} else 1)


def test_phase_dates_and_documents_by_the_centre_admin(client, admin_user, lead, campaign):
    client.force_login(lead)
    url = f"{API}/campaigns/{campaign.pk}/phases/"
    assert (
        client.post(url, {"self_check": "2018-05-25"}, content_type="application/json").status_code
        == 403
    )
    doc_url = f"{API}/campaigns/{campaign.pk}/documents/"
    upload = {
        "title": "排查整改通知",
        "doc_number": "砀政办〔2018〕11号",
        "file": SimpleUploadedFile("notice.pdf", b"%PDF-1.4"),
    }
    assert client.post(doc_url, upload).status_code == 403
    assert not campaign.documents.exists()

    client.force_login(admin_user)
    moved = client.post(url, {"self_check": "2018-05-25"}, content_type="application/json")
    assert moved.status_code == 200 and moved.json()[0]["ends_on"] == "2018-05-25"
    disorder = client.post(url, {"inspection": "2018-05-01"}, content_type="application/json")
    assert disorder.status_code == 400
    upload["file"] = SimpleUploadedFile("notice.pdf", b"%PDF-1.4")
    created = client.post(doc_url, upload)
    assert created.status_code == 201 and created.json()["doc_number"] == "砀政办〔2018〕11号"
    bad = client.post(doc_url, {"title": "x", "file": SimpleUploadedFile("x.exe", b"MZ")})
    assert bad.status_code == 400 and campaign.documents.count() == 1
    detail = client.get(f"{API}/campaigns/{campaign.pk}/").json()
    assert detail["documents"][0]["title"] == "排查整改通知"
