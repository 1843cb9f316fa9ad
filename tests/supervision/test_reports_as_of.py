"""The reports dated `on` (progress, phase report, the workbook; pages and API) say what was true
at the close of that day, whatever happened since: problems found by then, their state and
deadline then, the sign-offs standing then, the census and evidence filed by then."""

import datetime as dt
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from govhall.supervision import exports, selectors, services
from govhall.supervision.models import Phase, Problem

pytestmark = pytest.mark.django_db

API = "/api/supervision"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
TODAY = dt.date(2018, 7, 15)


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _evidence(actor, problem):
    services.add_evidence(
        actor=actor, problem=problem, file=SimpleUploadedFile("photo.png", PNG, "image/png")
    )


@pytest.fixture
def history(clock, admin_user, lead, other_lead, inspector, unit, other_unit, category):
    """A campaign lived through from 05-12 to 07-15 (phases end 05-20, 06-20, 07-20):

    - A (unit, self-check 05-12, due 05-20): evidence 05-12 and 05-18, fixed 05-18, confirmed 06-05;
    - B (unit, self-check 05-12, due 05-20): fixed late 05-28, reopened 06-10, deadline moved to
      06-30 on 06-11, fixed again 06-25 (on time then);
    - C (other_unit, inspection 05-25, due 06-20): fixed late 06-25;
    - D (unit, inspection 07-02, due 07-20): fixed 07-10;
    - unit files its census 05-12 (late), other_unit 06-15; the town never;
    - unit signs off 06-26, revoked when D is recorded 07-02, signs again 07-12.
    """

    def add(actor, target, text, found_by="self_check"):
        return services.create_problem(
            actor=actor, unit=target, category=category, description=text, measure="措施",
            found_by=found_by,
        )  # fmt: skip

    def fix(actor, problem, day):
        clock(day)
        services.mark_fixed(actor=actor, problem=problem, fix_note="已整改")

    clock(dt.date(2018, 5, 12))
    a = add(lead, unit, "A 指南无示范文本")
    b = add(lead, unit, "B 咨询电话不通")
    _evidence(lead, a)
    services.file_census(actor=lead, unit=unit, zero_report=True, signed_by_name="王局长")
    clock(dt.date(2018, 5, 18))
    _evidence(lead, a)
    services.mark_fixed(actor=lead, problem=a, fix_note="已补")
    clock(dt.date(2018, 5, 25))
    c = add(inspector, other_unit, "C 窗口设置偏少", "inspection")
    fix(lead, b, dt.date(2018, 5, 28))
    clock(dt.date(2018, 6, 5))
    services.confirm_problem(actor=inspector, problem=a)
    clock(dt.date(2018, 6, 10))
    services.reopen_problem(actor=inspector, problem=b, reason="暗访仍占线")
    clock(dt.date(2018, 6, 11))
    services.update_problem(actor=inspector, problem=b, deadline=dt.date(2018, 6, 30))
    clock(dt.date(2018, 6, 15))
    services.file_census(actor=other_lead, unit=other_unit, zero_report=True, signed_by_name="李")
    fix(lead, b, dt.date(2018, 6, 25))
    fix(other_lead, c, dt.date(2018, 6, 25))
    clock(dt.date(2018, 6, 26))
    services.sign_off(actor=lead, unit=unit, signer_name="王局长")
    clock(dt.date(2018, 7, 2))
    d = add(inspector, unit, "D 无复印服务", "inspection")
    fix(lead, d, dt.date(2018, 7, 10))
    clock(dt.datetime(2018, 7, 12, 9, 30))
    services.sign_off(actor=lead, unit=unit, signer_name="王局长")
    clock(TODAY)
    return {"A": a, "B": b, "C": c, "D": d}


def _figures(row):
    return (row.found, row.fixed_on_time, row.fixed_late, row.open, row.overdue, row.confirmed)


# (found, on time, late, open, overdue, confirmed), census filed, signed — per day, for unit and
# for other_unit.
EXPECTED = {
    dt.date(2018, 5, 11): ((0, 0, 0, 0, 0, 0), False, False, (0, 0, 0, 0, 0, 0), False),
    dt.date(2018, 5, 12): ((2, 0, 0, 2, 0, 0), True, False, (0, 0, 0, 0, 0, 0), False),
    dt.date(2018, 5, 21): ((2, 1, 0, 1, 1, 0), True, False, (0, 0, 0, 0, 0, 0), False),
    dt.date(2018, 5, 31): ((2, 1, 1, 0, 0, 0), True, False, (1, 0, 0, 1, 0, 0), False),
    dt.date(2018, 6, 10): ((2, 1, 0, 1, 1, 1), True, False, (1, 0, 0, 1, 0, 0), False),
    dt.date(2018, 6, 12): ((2, 1, 0, 1, 0, 1), True, False, (1, 0, 0, 1, 0, 0), False),
    dt.date(2018, 6, 30): ((2, 2, 0, 0, 0, 1), True, True, (1, 0, 1, 0, 0, 0), True),
    dt.date(2018, 7, 5): ((3, 2, 0, 1, 0, 1), True, False, (1, 0, 1, 0, 0, 0), True),
    TODAY: ((3, 3, 0, 0, 0, 1), True, True, (1, 0, 1, 0, 0, 0), True),
}


@pytest.mark.parametrize("on", list(EXPECTED))
def test_progress_is_as_of_the_close_of_the_day(history, campaign, unit, other_unit, town, on):
    unit_figures, unit_census, unit_signed, other_figures, other_census = EXPECTED[on]
    progress = selectors.campaign_progress(campaign_id=campaign.pk, on=on)
    rows = {r.unit_id: r for r in progress.rows}
    assert _figures(rows[unit.pk]) == unit_figures
    assert rows[unit.pk].census_filed == unit_census
    assert rows[unit.pk].signed_off == unit_signed
    assert _figures(rows[other_unit.pk]) == other_figures
    assert rows[other_unit.pk].census_filed == other_census
    assert not rows[town.pk].census_filed and not rows[town.pk].signed_off
    for row in progress.rows:
        assert row.found == row.fixed_on_time + row.fixed_late + row.open


def test_the_sign_off_standing_on_the_day_is_shown(history, campaign, unit):
    def signed(on):
        row = next(
            r
            for r in selectors.campaign_progress(campaign_id=campaign.pk, on=on).rows
            if r.unit_id == unit.pk
        )
        return row.signed_at and row.signed_at.date()

    assert signed(dt.date(2018, 6, 25)) is None
    assert signed(dt.date(2018, 6, 26)) == dt.date(2018, 6, 26)
    assert signed(dt.date(2018, 7, 2)) is None  # revoked by D that day
    assert signed(TODAY) == dt.date(2018, 7, 12)
    unsigned = selectors.unsigned_units(campaign_id=campaign.pk, on=dt.date(2018, 7, 5))
    assert unit in unsigned
    assert unit not in selectors.unsigned_units(campaign_id=campaign.pk, on=dt.date(2018, 6, 30))


def test_phase_report_uses_the_deadline_and_state_of_the_day(history, campaign):
    def report(on):
        return {
            r.phase.kind: (r.due, r.fixed_on_time, r.fixed_late, r.open_overdue, r.open_not_due)
            for r in selectors.phase_report(campaign_id=campaign.pk, on=on)
        }

    # 06-10: B reopened, still due 05-20 (overdue); C open, due 06-20.
    assert report(dt.date(2018, 6, 10)) == {
        Phase.Kind.SELF_CHECK: (2, 1, 0, 1, 0),
        Phase.Kind.INSPECTION: (1, 0, 0, 0, 1),
        Phase.Kind.CONSOLIDATION: (0, 0, 0, 0, 0),
    }
    # 06-12: B's deadline moved to 06-30 the day before: it falls due in consolidation.
    assert report(dt.date(2018, 6, 12)) == {
        Phase.Kind.SELF_CHECK: (1, 1, 0, 0, 0),
        Phase.Kind.INSPECTION: (1, 0, 0, 0, 1),
        Phase.Kind.CONSOLIDATION: (1, 0, 0, 0, 1),
    }
    # 05-31: B fixed late (05-28), not reopened yet; C not due; D not found yet.
    assert report(dt.date(2018, 5, 31)) == {
        Phase.Kind.SELF_CHECK: (2, 1, 1, 0, 0),
        Phase.Kind.INSPECTION: (1, 0, 0, 0, 1),
        Phase.Kind.CONSOLIDATION: (0, 0, 0, 0, 0),
    }


def test_overdue_list_of_a_past_day(history, campaign):
    overdue = selectors.overdue_problems(campaign_id=campaign.pk, on=dt.date(2018, 6, 10))
    assert [(p.problem.description, p.status, p.deadline) for p in overdue] == [
        ("B 咨询电话不通", Problem.Status.REOPENED, dt.date(2018, 5, 20))
    ]
    assert selectors.overdue_problems(campaign_id=campaign.pk, on=dt.date(2018, 6, 12)) == []


def test_replayed_to_today_it_is_the_list_as_it_stands(history, campaign):
    replayed = selectors.problems_on(campaign_id=campaign.pk, on=TODAY)
    rows = list(selectors.campaign_problems(campaign_id=campaign.pk))
    assert [p.problem.pk for p in replayed] == [p.pk for p in rows]
    for state, row in zip(replayed, rows, strict=True):
        assert (state.status, state.deadline, state.fixed_on) == (
            row.status,
            row.deadline,
            row.fixed_on,
        )
        assert state.evidence == row.evidence.count()


def _sheet(campaign, on, name):
    wb = load_workbook(BytesIO(exports.progress_workbook(campaign=campaign, on=on)))
    return list(wb[name].iter_rows(min_row=3, values_only=True))


@pytest.mark.parametrize("on", list(EXPECTED))
def test_workbook_overdue_column_agrees_with_the_progress_sheet(history, campaign, on):
    progress = _sheet(campaign, on, "整改进度")
    totals = dict(zip(selectors.PROGRESS_FIGURES, progress[-1][3:9], strict=True))
    problems = _sheet(campaign, on, "整改清单")
    assert len(problems) == totals["found"]
    assert sum(1 for r in problems if r[10] == "是") == totals["fixed_late"] + totals["overdue"]


def test_workbook_problem_list_of_a_past_day(history, campaign):
    rows = {r[3]: r for r in _sheet(campaign, dt.date(2018, 6, 10), "整改清单")}
    assert set(rows) == {"A 指南无示范文本", "B 咨询电话不通", "C 窗口设置偏少"}
    # deadline, status, fixed on, 是否超期, evidence files — as they were on 06-10
    assert rows["A 指南无示范文本"][7:12] == (
        dt.datetime(2018, 5, 20), "已确认", dt.datetime(2018, 5, 18), None, 2,
    )  # fmt: skip
    assert rows["B 咨询电话不通"][7:12] == (dt.datetime(2018, 5, 20), "退回重改", None, "是", 0)
    assert rows["C 窗口设置偏少"][7:12] == (dt.datetime(2018, 6, 20), "待整改", None, None, 0)
    early = {r[3]: r for r in _sheet(campaign, dt.date(2018, 5, 12), "整改清单")}
    assert early["A 指南无示范文本"][8:12] == ("待整改", None, None, 1)


def test_workbook_census_of_a_past_day(history, campaign, unit, other_unit, town):
    census = _sheet(campaign, dt.date(2018, 6, 1), "窗口统计表")
    assert [r[0] for r in census if r[3] == "未报送"] == [other_unit.name, town.name]
    assert [r[0] for r in census if r[1] == "是"] == [unit.name]
    later = _sheet(campaign, dt.date(2018, 6, 15), "窗口统计表")
    assert [r[0] for r in later if r[3] == "未报送"] == [town.name]


def test_pages_and_api_report_the_past_day(client, history, admin_user, campaign, unit):
    client.force_login(admin_user)
    page = client.get(reverse("supervision:campaign", args=[campaign.pk]) + "?on=2018-06-10")
    overdue = page.text.split('id="overdue-problems"')[1].split("</table>")[0]
    assert "B 咨询电话不通" in overdue and "退回重改" in overdue

    progress = client.get(f"{API}/campaigns/{campaign.pk}/progress/?on=2018-07-05").json()
    row = next(r for r in progress["rows"] if r["unit_id"] == unit.pk)
    assert (row["found"], row["open"], row["signer_name"], row["signed_at"]) == (3, 1, "", None)
    phases = client.get(f"{API}/campaigns/{campaign.pk}/phase-report/?on=2018-06-10").json()
    assert [p["open_overdue"] for p in phases] == [1, 0, 0]


def test_a_past_days_progress_page_offers_no_signature(
    client, clock, admin_user, lead, campaign, unit, category
):
    problem = services.create_problem(
        actor=lead, unit=unit, category=category, description="x", measure="m"
    )
    services.mark_fixed(actor=lead, problem=problem, fix_note="done")
    clock(dt.date(2018, 5, 14))
    client.force_login(lead)
    url = reverse("supervision:progress", args=[campaign.pk])
    assert 'name="signer_name"' in client.get(url).text
    past = client.get(url + "?on=2018-05-13").text
    assert 'name="signer_name"' not in past and "未签字" in past


@pytest.mark.parametrize(
    "path",
    ["progress/?on=2018-07-16", "phase-report/?on=2018-07-16", "progress.xlsx?on=2018-07-16"],
)
def test_a_day_to_come_is_refused_by_the_api(client, history, inspector, campaign, path):
    client.force_login(inspector)
    response = client.get(f"{API}/campaigns/{campaign.pk}/{path}")
    assert response.status_code == 400
    assert response.json()["code"] == "time_in_future"


@pytest.mark.parametrize("name", ["campaign", "progress", "progress_xlsx"])
def test_a_day_to_come_is_refused_by_the_pages(client, history, inspector, campaign, name):
    client.force_login(inspector)
    url = reverse(f"supervision:{name}", args=[campaign.pk])
    assert client.get(url + "?on=2018-07-16").status_code == 400
    assert client.get(url + "?on=2018-07-15").status_code == 200
