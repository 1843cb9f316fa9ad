"""A fixture month computed by hand, through the real figure selectors of every app.

Departments A (市市场监督管理局), B (市司法局), C (市农业农村局), D (市教育局, no business)
in May 2026, with the shipped default rubric (no marks entered: 履职能力 and 民主测评 are left out
and the weights renormalised over 15 + 25 + 25 + 10 = 75):

A: 3 tickets rated 5, 5, 4; 4 cases completed on time → every data dimension 100 → total 100.00
B: 2 tickets rated 5, 5; 2 cases on time → 100.00
C: 1 ticket rated 2 (verified valid); 5 cases of 种畜禽生产经营许可, one completed late →
   工作绩效 20 + 40 + (30 − 10) + 10 = 90; 服务质量 0 + (20 − 5) + 20 + 20 + 10 = 65;
   total (15·100 + 25·90 + 25·65 + 10·100) / 75 = 85.00
D: nothing → 工作绩效 0 + 40 + 30 + 10 = 80, 服务质量 100 → (1500 + 2000 + 2500 + 1000) / 75 = 93.33
Ranks: A 1, B 1, D 3, C 4. 优秀窗口 (top 4, no overdue, not zero-case): A and B.
服务标兵 (top 1): A's window staff (volume 3/3 of the best → 40, all else full → 100).
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
from docx import Document
from openpyxl import load_workbook

from govhall.feedback import links
from govhall.feedback import services as feedback
from govhall.feedback.models import Evaluation, Rectification
from govhall.performance import services
from govhall.performance.documents import bulletin_docx, tables_xlsx
from govhall.performance.report import compose_bulletin, report_tables
from tests.factories import DepartmentFactory, StaffProfileFactory, WindowFactory
from tests.performance.month import at, served_tickets, window_cases

pytestmark = pytest.mark.django_db

MAY = dt.date(2026, 5, 1)


def _staffed(center, name):
    department = DepartmentFactory(center=center, name=name)
    window = WindowFactory(center=center, departments=[department])
    staff = StaffProfileFactory(center=center, department=department, windows=[window])
    return department, window, staff


def _rate(staff, window, day, levels):
    for ticket, level in zip(
        served_tickets(staff=staff, window=window, day=day, count=len(levels)), levels, strict=True
    ):
        invitation = feedback.invite_for_ticket(ticket=ticket, actor=staff.user)
        rating = feedback.rate_with_link(
            token=links.sign_invitation(invitation.pk), level=level, actor=None
        )
        # Rated on the day of service (the service stamps the real time).
        Evaluation.objects.filter(pk=rating.pk).update(rated_at=at(day, 12))


@pytest.fixture
def month(center, admin_user):
    a, wa, sa = _staffed(center, "市市场监督管理局")
    b, wb, sb = _staffed(center, "市司法局")
    c, wc, sc = _staffed(center, "市农业农村局")
    d = DepartmentFactory(center=center, name="市教育局")
    _rate(sa, wa, dt.date(2026, 5, 11), [5, 5, 4])
    _rate(sb, wb, dt.date(2026, 5, 12), [5, 5])
    _rate(sc, wc, dt.date(2026, 5, 13), [2])
    feedback.verify_rectification(
        rectification=Rectification.objects.get(department=c),
        valid=True,
        reason="群众反映属实",
        actor=admin_user,
    )
    window_cases(department=a, accepted=dt.date(2026, 5, 6), completed=dt.date(2026, 5, 8), count=4)
    window_cases(department=b, accepted=dt.date(2026, 5, 6), completed=dt.date(2026, 5, 8), count=2)
    item = window_cases(
        department=c,
        item_name="种畜禽生产经营许可",
        accepted=dt.date(2026, 5, 6),
        completed=dt.date(2026, 5, 8),
        count=4,
    )[0].item
    window_cases(
        department=c,
        item=item,
        accepted=dt.date(2026, 5, 6),
        completed=dt.date(2026, 5, 20),
        late=True,
        count=1,
    )
    rubric = services.ensure_default_rubric(center=center)
    rubric.star_top_n = 1
    rubric.save()
    return {"A": a, "B": b, "C": c, "D": d, "sa": sa}


def test_scores_ranks_and_awards(month, center):
    run = services.evaluate_period(center=center, code="2026-05")
    got = {
        s.department.name: (s.total, s.rank, s.award)
        for s in run.scores.select_related("department")
    }
    assert got == {
        "市市场监督管理局": (Decimal("100.00"), 1, "优秀窗口"),
        "市司法局": (Decimal("100.00"), 1, "优秀窗口"),
        "市教育局": (Decimal("93.33"), 3, ""),
        "市农业农村局": (Decimal("85.00"), 4, ""),
    }
    c = run.scores.get(department=month["C"])
    assert (c.dimension_scores["performance"], c.dimension_scores["quality"]) == ("90.00", "65.00")
    assert [s.staff_id for s in run.staff_scores.filter(award="服务标兵")] == [month["sa"].pk]
    figures = run.inputs["center"]
    assert (figures["accepted"], figures["completed"], figures["overdue"]) == (11, 11, 1)
    assert (figures["tickets_served"], figures["ratings"], figures["bad_ratings"]) == (6, 6, 1)


def test_bulletin_and_tables_state_the_selectors_figures(month, center):
    run = services.evaluate_period(center=center, code="2026-05")
    bulletin = compose_bulletin(
        run=run,
        settings=services.ensure_bulletin_settings(center=center),
        issued_on=dt.date(2026, 6, 1),
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(bulletin_docx(bulletin))).paragraphs)
    assert f"{center.name}2026年5月进驻窗口单位服务效能评价情况通报" in text
    assert "共受理办件11件,办结11件,办结率100%,超期1件" in text
    assert "市农业农村局办理业务5件、超期1件(种畜禽生产经营许可)" in text
    assert "市教育局等1个单位未受理办理业务,办件量为零" in text
    assert "评选出优秀窗口2个:" in text
    assert "2026年6月1日" in text

    workbook = load_workbook(io.BytesIO(tables_xlsx(report_tables(run))))
    assert workbook.sheetnames == [
        "业务办理汇总表",
        "考勤考核汇总表",
        "考勤考核汇总表(单位)",
        "服务效能评价排名",
    ]
    ranking = [row for row in workbook["服务效能评价排名"].iter_rows(min_row=3, values_only=True)]
    assert [(r[0], r[1], r[-2], r[-1] or "") for r in ranking] == [
        (s.rank, s.department.name, float(s.total), s.award)
        for s in run.scores.select_related("department").order_by(
            "rank", "department__sort_order", "department__name"
        )
    ]
    business = {r[1]: r for r in workbook["业务办理汇总表"].iter_rows(min_row=3, values_only=True)}
    assert business["市农业农村局"][2:6] == (5, 5, 1.0, 1)
    assert business["合计"][2:6] == (11, 11, 1.0, 1)
