"""The supervision pages: what each role sees and may do, through the same services."""

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from govhall.core.roles import Role
from govhall.supervision import selectors, services
from govhall.supervision.models import Campaign, CensusReport, Problem, SignOff

pytestmark = pytest.mark.django_db


def _problem(lead, unit, category, text="指南缺示范文本"):
    return services.create_problem(
        actor=lead, unit=unit, category=category, description=text, measure="补充示范文本"
    )


def test_pages_render_for_the_centre(client, admin_user, campaign, lead, unit, category):
    problem = _problem(lead, unit, category)
    client.force_login(admin_user)
    for name, args in [
        ("campaigns", []),
        ("campaign_create", []),
        ("campaign", [campaign.pk]),
        ("problems", [campaign.pk]),
        ("census", [campaign.pk]),
        ("progress", [campaign.pk]),
        ("problem", [problem.pk]),
    ]:
        response = client.get(reverse(f"supervision:{name}", args=args))
        assert response.status_code == 200, name
    assert "自查自纠" in client.get(reverse("supervision:campaign", args=[campaign.pk])).text


def test_anonymous_is_sent_to_login(client, campaign):
    response = client.get(reverse("supervision:problems", args=[campaign.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_campaign_created_on_its_page(client, admin_user, department):
    client.force_login(admin_user)
    response = client.post(
        reverse("supervision:campaign_create"),
        {
            "title": "窗口服务突出问题排查整改",
            "self_check": "2018-05-20",
            "inspection": "2018-06-20",
            "consolidation": "2018-07-20",
            "departments": [department.pk],
            "towns": "李庄镇\n\n园区",
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert [u.name for u in campaign.units.all()] == [department.name, "李庄镇", "园区"]
    assert campaign.categories.count() == 6


def test_unit_lead_page_shows_only_own_list(
    client, lead, other_lead, unit, other_unit, campaign, category
):
    _problem(lead, unit, category, "本单位问题")
    _problem(other_lead, other_unit, category, "别的单位问题")
    client.force_login(lead)
    page = client.get(reverse("supervision:problems", args=[campaign.pk])).text
    assert "本单位问题" in page and "别的单位问题" not in page
    fragment = client.get(
        reverse("supervision:problems", args=[campaign.pk]) + "?status=open",
        headers={"HX-Request": "true"},
    )
    assert "本单位问题" in fragment.text and "<html" not in fragment.text


def test_unit_lead_adds_to_own_list_only(client, lead, unit, other_unit, campaign, category):
    client.force_login(lead)
    url = reverse("supervision:problem_create", args=[campaign.pk])
    client.post(
        url,
        {
            "unit": other_unit.pk,
            "category": category.pk,
            "found_by": "self_check",
            "description": "x",
        },
    )
    assert not Problem.objects.exists()
    client.post(
        url,
        {
            "unit": unit.pk,
            "category": category.pk,
            "found_by": "self_check",
            "description": "咨询电话不通",
        },
    )
    assert Problem.objects.get().unit == unit


def test_fix_and_confirm_through_the_pages(client, lead, inspector, unit, category):
    problem = _problem(lead, unit, category)
    client.force_login(lead)
    client.post(reverse("supervision:problem_confirm", args=[problem.pk]), {})
    problem.refresh_from_db()
    assert problem.status == "open"  # a unit does not confirm its own fix
    client.post(
        reverse("supervision:problem_fix", args=[problem.pk]),
        {"measure": "补充", "fix_note": "已上传"},
    )
    problem.refresh_from_db()
    assert problem.status == "fixed"
    client.force_login(inspector)
    client.post(reverse("supervision:problem_confirm", args=[problem.pk]), {"note": "核实"})
    problem.refresh_from_db()
    assert problem.status == "confirmed"
    page = client.get(reverse("supervision:problem", args=[problem.pk])).text
    assert "督查确认" in page and "退回重改" in page


def test_inspector_imports_from_the_page(client, inspector, center, department, campaign):
    from tests.factories import ServiceItemFactory

    ServiceItemFactory(center=center, department=department, consult_phone="")
    client.force_login(inspector)
    url = reverse("supervision:problem_import", args=[campaign.pk])
    client.post(url, {"source": "guide_lint"})
    count = Problem.objects.count()
    assert count >= 1
    client.post(url, {"source": "guide_lint"})
    assert Problem.objects.count() == count


def test_census_page_zero_report_and_missing(
    client, lead, admin_user, unit, other_unit, town, campaign
):
    client.force_login(lead)
    prefix = f"census-{unit.pk}"
    lines = f"lines-{unit.pk}"
    client.post(
        reverse("supervision:census_file", args=[campaign.pk]),
        {
            "unit": unit.pk,
            f"{prefix}-unit": unit.pk,
            f"{prefix}-zero_report": "on",
            f"{prefix}-signed_by_name": "王局长",
            f"{lines}-TOTAL_FORMS": "3",
            f"{lines}-INITIAL_FORMS": "0",
            # empty lines as a browser sends them: the type select keeps its default
            **{f"{lines}-{i}-kind": "hall" for i in range(3)},
        },
    )
    report = CensusReport.objects.get()
    assert report.unit == unit and report.zero_report
    client.force_login(admin_user)
    page = client.get(reverse("supervision:census", args=[campaign.pk])).text
    missing = page.split('id="missing-census"')[1].split("</ul>")[0]
    assert other_unit.name in missing and town.name in missing and unit.name not in missing


def test_progress_page_signoff_and_xlsx(client, lead, unit, campaign, category):
    problem = _problem(lead, unit, category)
    client.force_login(lead)
    url = reverse("supervision:sign_off", args=[campaign.pk])
    client.post(url, {"unit": unit.pk})
    assert not SignOff.objects.exists()  # an open problem blocks the signature
    services.mark_fixed(actor=lead, problem=problem, fix_note="done")
    client.post(url, {"unit": unit.pk, "signer_name": "王局长"})
    assert SignOff.objects.get().signer_name == "王局长"
    page = client.get(reverse("supervision:progress", args=[campaign.pk])).text
    assert "王局长" in page
    xlsx = client.get(reverse("supervision:progress_xlsx", args=[campaign.pk]) + "?on=2018-05-12")
    rows = list(
        load_workbook(BytesIO(xlsx.content))["整改进度"].iter_rows(min_row=3, values_only=True)
    )
    expected = selectors.campaign_progress(
        campaign_id=campaign.pk, on=dt.date(2018, 5, 12), unit_ids=[unit.pk]
    )
    assert [r[1] for r in rows[:-1]] == [r.unit_name for r in expected.rows]
    assert rows[0][3:6] == (1, 1, 0)


@pytest.mark.parametrize("role", [Role.WINDOW_STAFF, Role.LEADER])
def test_read_only_roles_see_no_forms(client, make_user, department, campaign, role):
    client.force_login(make_user(role, department=department))
    page = client.get(reverse("supervision:problems", args=[campaign.pk])).text
    assert "登记问题" not in page and "从数据生成" not in page


def test_campaign_page_lists_what_is_overdue_on_a_date(
    client, clock, admin_user, lead, unit, campaign, category
):
    problem = _problem(lead, unit, category, "咨询电话长期占线")
    clock(dt.date(2018, 7, 21))  # the dates asked about have passed
    client.force_login(admin_user)
    url = reverse("supervision:campaign", args=[campaign.pk])
    before = client.get(url + "?on=2018-05-20").text.split('id="overdue-problems"')[1]
    after = client.get(url + "?on=2018-05-21").text.split('id="overdue-problems"')[1]
    assert "咨询电话长期占线" not in before.split("</table>")[0]
    assert "咨询电话长期占线" in after.split("</table>")[0]
    assert 'id="unsigned-units"' not in client.get(url + "?on=2018-07-20").text
    ended = client.get(url + "?on=2018-07-21").text
    assert unit.name in ended.split('id="unsigned-units"')[1].split("</ul>")[0]
    assert problem.pk


def test_another_units_problem_page_is_not_found(client, lead, other_lead, other_unit, category):
    problem = _problem(other_lead, other_unit, category)
    client.force_login(lead)
    assert client.get(reverse("supervision:problem", args=[problem.pk])).status_code == 404
    client.post(
        reverse("supervision:problem_fix", args=[problem.pk]), {"measure": "m", "fix_note": "n"}
    )
    problem.refresh_from_db()
    assert problem.status == "open"


def test_census_line_errors_are_shown_and_nothing_is_filed(client, lead, unit, campaign):
    client.force_login(lead)
    prefix, lines = f"census-{unit.pk}", f"lines-{unit.pk}"
    response = client.post(
        reverse("supervision:census_file", args=[campaign.pk]),
        {
            "unit": unit.pk,
            f"{prefix}-unit": unit.pk,
            f"{prefix}-signed_by_name": "王局长",
            f"{lines}-TOTAL_FORMS": "1",
            f"{lines}-INITIAL_FORMS": "0",
            f"{lines}-0-kind": "hall",
            f"{lines}-0-name": "服务大厅",
            f"{lines}-0-windows": "-1",
        },
        follow=True,
    )
    assert "第 1 行" in response.text
    assert not CensusReport.objects.exists()


@pytest.mark.parametrize("key", ["99999999999999999999999", "-99999999999999999999999"])
def test_a_department_key_past_any_row_is_a_form_error_not_a_500(client, admin_user, key):
    client.force_login(admin_user)
    response = client.post(
        reverse("supervision:campaign_create"),
        {
            "title": "窗口服务突出问题排查整改",
            "self_check": "2018-05-20",
            "inspection": "2018-06-20",
            "consolidation": "2018-07-20",
            "departments": [key],
        },
    )
    assert response.status_code in (200, 400)
    assert "departments" in response.context["form"].errors
    assert not Campaign.objects.exists()
