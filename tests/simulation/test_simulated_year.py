"""The yearly report of a simulated year (issue 19 item 13): two simulated county months of 2026,
each evaluated and published, read back from the report's .docx against the selectors."""

import datetime as dt
import io

import pytest
from docx import Document

from govhall.cases import selectors as cases_selectors
from govhall.cases.models import Case
from govhall.catalog.models import ServiceItem
from govhall.org.models import Department, Window
from govhall.performance import services as performance
from govhall.performance.documents import bulletin_docx
from govhall.performance.report import cn_date, compose_bulletin, percent
from govhall.performance.yearly import compose_yearly, yearly_figures
from govhall.simulation.profiles import COUNTY
from govhall.simulation.services import simulate_month
from tests.factories import CenterFactory

pytestmark = pytest.mark.django_db

MONTHS = (dt.date(2026, 4, 1), dt.date(2026, 5, 1))
# The report is read as of the end of May: the year is still running then.
TODAY = dt.date(2026, 5, 31)


def test_the_yearly_report_of_a_simulated_year_states_its_figures(django_user_model):
    center = CenterFactory(level="county", region_code="610326")
    office = django_user_model.objects.create_superuser("office", password="x")
    for seed, month in enumerate(MONTHS, start=3):
        simulate_month(center=center, month=month, scale=COUNTY, seed=seed)
        run = performance.evaluate_period(center=center, code=f"{month:%Y-%m}")
        performance.publish_run(run=run, actor=office, issued_on=month.replace(day=28))

    figures = yearly_figures(center=center, year=2026, today=TODAY)
    accepted = Case.objects.filter(center=center, accepted_at__isnull=False).count()
    assert figures.cases["accepted"] == accepted > 0
    bulletin = compose_yearly(
        center=center,
        figures=figures,
        texts={"addressees": "各进驻单位:", "issuer": center.name},
        issued_on=dt.date(2026, 6, 1),
    )
    document = Document(io.BytesIO(bulletin_docx(bulletin)))
    text = "\n".join(p.text for p in document.paragraphs)

    assert f"共受理办件{accepted}件" in text
    # The simulated hall stands in its history: the report's 基本情况 and 最多跑一次 see it.
    departments = Department.objects.filter(center=center, is_active=True, entered=True).count()
    items = ServiceItem.objects.filter(center=center, is_active=True, entered=True).count()
    windows = Window.objects.filter(center=center, is_open=True).count()
    assert figures.hall["departments"] == departments == COUNTY.departments - COUNTY.not_entered
    assert (figures.hall["items"], figures.hall["windows"]) == (items, windows)
    assert f"共进驻{departments}个部门(单位)、{items}项政务服务事项、" in text
    assert f"进驻的{figures.one_visit_items.items}项政务服务事项中" in text
    assert f"全年发布月度服务效能评价2期(4月、5月),{len(figures.ranking)}个单位参加排名。" in text
    assert "数据截至2026年5月31日" in text
    assert "—" not in text and "None" not in text
    # seed 004's 延时、容缺服务: the simulated 容缺 cases beside the after-hours assists
    missing = figures.case_modes[Case.Mode.MISSING]
    assert missing == Case.objects.filter(center=center, mode=Case.Mode.MISSING).count() > 0
    assert f"容缺受理办件{missing}件" in text
    if figures.assists["after_hours"]["count"]:
        assert f"开展延时、容缺服务{figures.after_hours_and_missing}次" in text
    # seed 001's running total: the May bulletin counts from April's first case
    since = cases_selectors.since_launch(center_id=center.pk, end=dt.date(2026, 5, 31))
    assert since["accepted"] == accepted
    may = compose_bulletin(run=run, texts={}, issued_on=dt.date(2026, 6, 1))
    assert (
        f"政务服务系统自{cn_date(since['since'])}启用以来累计受理办件{accepted}件,"
        f"办结{since['completed']}件,办结率{percent(since['completion_rate'], 2)}。"
    ) in "".join(t for section in may.sections for _lead, t in section.paragraphs)
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert [row[1] for row in rows[1:]] == [unit.name for unit in figures.ranking]
    assert all(1 <= int(row[2]) <= 2 for row in rows[1:])
    ranks = [int(row[0]) for row in rows[1:]]
    assert ranks == sorted(ranks) and ranks[0] == 1
