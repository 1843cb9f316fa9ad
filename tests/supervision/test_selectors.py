"""Progress per unit and its .xlsx export, opened back and compared with the selector."""

import datetime as dt
from io import BytesIO

import pytest
from openpyxl import load_workbook

from govhall.supervision import exports, selectors, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def progress_data(clock, campaign, lead, other_lead, inspector, unit, other_unit, town, category):
    """unit: one fixed on time (confirmed), one fixed late, one open past its deadline;
    other_unit: one open, not yet due; town: nothing; unit has filed its census."""

    def add(actor, target, text, **kwargs):
        return services.create_problem(
            actor=actor, unit=target, category=category, description=text, measure="措施", **kwargs
        )

    clock(dt.date(2018, 5, 12))
    on_time = add(lead, unit, "指南无示范文本")
    late = add(lead, unit, "咨询电话不通")
    add(lead, unit, "无复印服务")
    services.mark_fixed(actor=lead, problem=on_time, fix_note="已补")
    services.confirm_problem(actor=inspector, problem=on_time)
    services.file_census(actor=lead, unit=unit, zero_report=True, signed_by_name="王局长")
    clock(dt.date(2018, 5, 28))
    services.mark_fixed(actor=lead, problem=late, fix_note="已开通")
    add(other_lead, other_unit, "窗口设置偏少")
    return dt.date(2018, 6, 1)


def test_progress_counts_per_unit(campaign, unit, other_unit, town, progress_data):
    progress = selectors.campaign_progress(campaign_id=campaign.pk, on=progress_data)
    rows = {r.unit_id: r for r in progress.rows}
    figures = lambda r: (r.found, r.fixed_on_time, r.fixed_late, r.open, r.overdue, r.confirmed)  # noqa: E731
    assert figures(rows[unit.pk]) == (3, 1, 1, 1, 1, 1)
    assert figures(rows[other_unit.pk]) == (1, 0, 0, 1, 0, 0)
    assert figures(rows[town.pk]) == (0, 0, 0, 0, 0, 0)
    assert rows[unit.pk].census_filed and not rows[other_unit.pk].census_filed
    assert progress.totals == {
        "found": 4,
        "fixed_on_time": 1,
        "fixed_late": 1,
        "open": 2,
        "overdue": 1,
        "confirmed": 1,
        "units": 3,
        "signed_off": 0,
    }
    for row in progress.rows:
        assert row.found == row.fixed_on_time + row.fixed_late + row.open


def test_progress_for_some_units(campaign, unit, progress_data):
    progress = selectors.campaign_progress(
        campaign_id=campaign.pk, on=progress_data, unit_ids=[unit.pk]
    )
    assert [r.unit_id for r in progress.rows] == [unit.pk]
    assert progress.totals["found"] == 3


def test_xlsx_progress_table_matches_the_selector(campaign, progress_data, unit, lead, clock):
    other = campaign.units.exclude(pk=unit.pk).first()
    problem = services.create_problem(
        actor=lead, unit=unit, category=campaign.categories.first(), description="x", measure="m"
    )
    services.mark_fixed(actor=lead, problem=problem, fix_note="ok")
    content = exports.progress_workbook(campaign=campaign, on=progress_data)
    wb = load_workbook(BytesIO(content))
    ws = wb["整改进度"]
    assert [c.value for c in ws[2]] == exports.progress_headers()
    progress = selectors.campaign_progress(campaign_id=campaign.pk, on=progress_data)
    data = list(ws.iter_rows(min_row=3, values_only=True))
    assert len(data) == len(progress.rows) + 1
    for sheet_row, row in zip(data, progress.rows, strict=False):
        assert sheet_row[1] == row.unit_name
        assert list(sheet_row[3:9]) == [
            row.found,
            row.fixed_on_time,
            row.fixed_late,
            row.open,
            row.overdue,
            row.confirmed,
        ]
        assert sheet_row[9] == ("是" if row.census_filed else "否")
    assert data[-1][0] == "合计"
    assert list(data[-1][3:9]) == [progress.totals[n] for n in selectors.PROGRESS_FIGURES]
    assert other.name in [r[1] for r in data]

    problems = list(wb["整改清单"].iter_rows(min_row=3, values_only=True))
    assert len(problems) == selectors.campaign_problems(campaign_id=campaign.pk).count()
    overdue = {
        p.problem.description
        for p in selectors.overdue_problems(campaign_id=campaign.pk, on=progress_data)
    }
    fixed_late = {
        p.description
        for p in selectors.campaign_problems(campaign_id=campaign.pk)
        if p.fixed_on is not None and p.fixed_on > p.deadline
    }
    # 超期 (DOMAIN.md): fixed after the deadline, or still open past it; as the progress sheet
    # counts them.
    assert fixed_late and overdue
    late = [r[3] for r in problems if r[10] == "是"]
    assert set(late) == overdue | fixed_late
    assert len(late) == progress.totals["fixed_late"] + progress.totals["overdue"]

    census = list(wb["窗口统计表"].iter_rows(min_row=3, values_only=True))
    missing = [u.name for u in selectors.missing_census_units(campaign_id=campaign.pk)]
    assert [r[0] for r in census if r[3] == "未报送"] == missing
    assert [r[0] for r in census if r[1] == "是"] == [unit.name]
    # Filed on 2018-05-12, after the 05-10 10:00 deadline: the printed table says so, as the
    # census page does.
    late = [r.unit.name for r in selectors.late_census_reports(campaign_id=campaign.pk)]
    assert late == [unit.name]
    assert wb["窗口统计表"].cell(row=2, column=11).value == "逾期"
    assert [r[0] for r in census if r[10] == "是"] == late


def test_signed_off_unit_shows_name_and_time(campaign, lead, unit, clock):
    clock(dt.datetime(2018, 7, 18, 16, 30))
    services.sign_off(actor=lead, unit=unit, signer_name="王局长")
    progress = selectors.campaign_progress(campaign_id=campaign.pk, on=dt.date(2018, 7, 18))
    row = next(r for r in progress.rows if r.unit_id == unit.pk)
    assert row.signer_name == "王局长" and row.signed_off
    wb = load_workbook(
        BytesIO(exports.progress_workbook(campaign=campaign, on=dt.date(2018, 7, 18)))
    )
    sheet_row = next(
        r for r in wb["整改进度"].iter_rows(min_row=3, values_only=True) if r[1] == unit.name
    )
    assert sheet_row[10:12] == ("王局长", "2018-07-18 16:30")
    unsigned = selectors.unsigned_units(campaign_id=campaign.pk, on=dt.date(2018, 7, 18))
    assert [u.pk for u in unsigned] == [u.pk for u in campaign.units.exclude(pk=unit.pk)]
