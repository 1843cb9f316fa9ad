"""A unit under the volume floor is listed apart from the ranking, not ranked above busy units.

The floor is the rubric's one setting (award_min_volume_share): a unit needs ⌈share × the median
services (tickets served + cases accepted) of the units otherwise ranked⌉ to be ranked and
awarded; the units under it are listed after the ranking with their figures."""

import io
import math
import statistics
from decimal import Decimal

import pytest
from docx import Document
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from govhall.performance import services
from govhall.performance.documents import bulletin_docx, tables_xlsx
from govhall.performance.report import report_tables
from govhall.performance.scoring import volume_floor
from tests.factories import DepartmentFactory
from tests.performance.test_scaled_rubric import MAY, _faultless, _serve


@pytest.fixture
def county_month(center, monkeypatch):
    """May 2026, the default rubric, no marks entered (遵纪守规 15, 工作绩效 25, 服务质量 25,
    考勤考核 10 of the weights are scored).

    services (tickets + cases): 县教育局 0 + 5 = 5, 县民政局 40 + 20 = 60, 县市场监督管理局
    100 + 40 = 140, 县公安局 170 + 60 = 230, 县不动产登记服务中心 300 + 100 = 400.
    Median 140, floor ⌈0.25 × 140⌉ = 35: 县教育局 (5) is listed apart, the four others ranked.

    Every unit is faultless except 不动产: 5 late arrivals among its 10 staff, 考勤考核
    100 − 2 × 5 ÷ 10 = 99.00, total (1500 + 2500 + 2500 + 10 × 99) ÷ 75 = 99.87. The three
    others score 100.00 and are ordered by the tie breakers (cases: 公安 60, 市场监管 40,
    民政 20). 县教育局 would score 100.00 too: without the floor it would head the table.
    """
    units = {
        "县教育局": _faultless(0, 5, 1),
        "县民政局": _faultless(40, 20, 2),
        "县市场监督管理局": _faultless(100, 40, 3),
        "县公安局": _faultless(170, 60, 5),
        "县不动产登记服务中心": _faultless(300, 100, 10, late=5),
    }
    departments = {name: DepartmentFactory(center=center, name=name) for name in units}
    _serve(monkeypatch, {departments[name].pk: f for name, f in units.items()})
    services.ensure_default_rubric(center=center)
    return departments


def _text(run) -> str:
    return "".join(
        lead + body
        for section in services.bulletin_of(run=run).sections
        for lead, body in section.paragraphs
    )


@pytest.mark.django_db
def test_a_five_service_faultless_unit_is_listed_apart_and_the_others_ranked_1_to_n(
    county_month, center
):
    run = services.evaluate_period(center=center, code=MAY)
    scores = {s.department.name: s for s in run.scores.select_related("department")}
    assert run.inputs["award_floor"] == 35
    tiny = scores["县教育局"]
    assert (tiny.standing, tiny.rank, tiny.award, tiny.total) == (
        "low_volume",
        None,
        "",
        Decimal("100.00"),
    )
    ranked = sorted((s.rank, name, s.total) for name, s in scores.items() if s.rank)
    assert ranked == [
        (1, "县公安局", Decimal("100.00")),
        (2, "县市场监督管理局", Decimal("100.00")),
        (3, "县民政局", Decimal("100.00")),
        (4, "县不动产登记服务中心", Decimal("99.87")),
    ]
    assert all(s.award == "优秀窗口" for name, s in scores.items() if s.rank)

    text = _text(run)
    assert (
        "县教育局(服务5人次)服务量未达到排名门槛35人次(参评单位服务量中位数的25%),不参加排名。"
    ) in text
    assert "不参加本期评优" not in text
    assert "—" not in text and "None" not in text
    assert all(check.ok for check in services.check_run(run=run))


@pytest.mark.django_db
def test_the_tables_show_the_ranking_then_the_units_under_the_floor(county_month, center):
    run = services.evaluate_period(center=center, code=MAY)
    bulletin = services.bulletin_of(run=run)
    assert [row[:2] for row in bulletin.ranking_rows] == [
        [1, "县公安局"],
        [2, "县市场监督管理局"],
        [3, "县民政局"],
        [4, "县不动产登记服务中心"],
    ]
    assert bulletin.ranking_rows[-1][-2] == "99.87"
    assert bulletin.low_volume.title == "服务量未达到排名门槛35人次的单位(不参加排名)"
    assert bulletin.low_volume.rows == [["县教育局", 0, 5, 5]]
    assert bulletin.unranked_rows == []

    document = Document(io.BytesIO(bulletin_docx(bulletin)))
    texts = [p.text for p in document.paragraphs]
    assert texts.index(bulletin.low_volume.title) > texts.index(bulletin.attachment_title)
    ranking, apart = document.tables
    assert [cell.text for cell in apart.rows[1].cells] == ["县教育局", "0", "5", "5"]
    assert "县教育局" not in [row.cells[1].text for row in ranking.rows]

    workbook = load_workbook(io.BytesIO(tables_xlsx(report_tables(run))))
    sheet = workbook["服务量未达到排名门槛的单位"]
    assert sheet["A1"].value.endswith("2026年5月服务量未达到排名门槛35人次的单位(不参加排名)")
    assert [c.value for c in sheet[3]] == ["县教育局", 0, 5, 5]
    assert workbook.sheetnames.index("服务量未达到排名门槛的单位") == (
        workbook.sheetnames.index("服务效能评价排名") + 1
    )


@pytest.mark.django_db
def test_without_a_floor_the_tiny_unit_is_ranked_and_heads_the_table(county_month, center):
    """The floor is the rubric's setting: at 0 nothing is listed apart (and 教育局, faultless,
    is first by its total)."""
    rubric = services.ensure_default_rubric(center=center)
    rubric.award_min_volume_share = 0
    rubric.save(update_fields=["award_min_volume_share"])
    run = services.evaluate_period(center=center, code=MAY)
    ranks = {s.department.name: s.rank for s in run.scores.select_related("department")}
    assert sorted(ranks.values()) == [1, 2, 3, 4, 5]
    assert services.bulletin_of(run=run).low_volume is None


@given(
    st.lists(st.integers(min_value=1, max_value=5000), min_size=1, max_size=40),
    st.decimals(min_value=0, max_value=1, places=2),
)
def test_the_floor_splits_the_candidates_into_ranked_and_apart(volumes, share):
    units = list(range(len(volumes)))
    floor, ranked, apart = volume_floor(units, volumes.__getitem__, share)
    assert floor == (math.ceil(share * Decimal(str(statistics.median(volumes)))) if share else 0)
    assert sorted(ranked + apart) == units
    assert all(volumes[u] >= floor for u in ranked)
    assert all(volumes[u] < floor for u in apart)
    # the busiest unit is always ranked: the floor never exceeds the median
    assert max(units, key=volumes.__getitem__) in ranked


@pytest.mark.django_db
def test_a_run_computed_before_the_floor_ranked_keeps_its_document(county_month, center):
    """A run stored before units under the floor were listed apart (the unit ranked, with a
    `not_awarded` flag) is printed as it was computed: ranked, and the award sentence."""
    run = services.evaluate_period(center=center, code=MAY)
    run.scores.filter(department=county_month["县教育局"]).update(
        standing="ranked",
        rank=5,
        flags=[
            {
                "kind": "not_awarded",
                "reason": "low_volume",
                "services": 5.0,
                "floor": 35,
                "message": "服务量5人次,低于评优门槛35人次,不参加评优",
            }
        ],
    )
    bulletin = services.bulletin_of(run=run)
    assert bulletin.low_volume is None
    assert [row[:2] for row in bulletin.ranking_rows][-1] == [5, "县教育局"]
    assert (
        "县教育局(服务5人次)服务量未达到评优门槛35人次(参加排名单位服务量中位数的25%),"
        "不参加本期评优。"
    ) in _text(run)
