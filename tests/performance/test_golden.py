"""A fixture month computed by hand, through the real figure selectors of every app.

Departments A (市市场监督管理局), B (市司法局), C (市农业农村局), D (市教育局, no business)
in May 2026, with the shipped default rubric. No marks are entered (履职能力 and 民主测评 are
left out). A's and B's window staff have an attendance record for the day they served (one
实出勤天数 each, no late arrival: 考勤考核 100); C's has none, so C has no 考勤考核 score and is
kept out of the awards. Every completed case invites its rating, as completing a case does; no
rectification falls due in May, so that rate has no data and its points are re-spread over the
rest of 服务质量.

A: 3 tickets rated 5, 5, 4; 4 cases completed on time → every data dimension 100 → total 100.00
B: 2 tickets rated 5, 5; 2 cases on time → 100.00
C: 1 ticket rated 2 (verified valid); 5 cases of 种畜禽生产经营许可, one completed late; the
   default rubric reads overdue cases per 100 cases and bad ratings per 100 services (1 ticket
   + 5 cases = 6 services):
   工作绩效 20 + 40 + (30 − 10 × 1 ÷ 0.05 = 30 − 200 → 0) + 10 = 70;
   服务质量 (0 + (20 − 5 × 1 ÷ 0.06 = 20 − 83.33 → 0) + 20 + 20) of 90 = 44.44;
   attendance not scored, weights over 15 + 25 + 25 = 65:
   total (15·100 + 25·70 + 25·44.44) / 65 = (1500 + 1750 + 1111) / 65 = 67.09
   (per event, as before the scales: 90, 61.11 and 81.20).
D: no case → listed apart (无办件), neither ranked nor awarded.
Ranks: A 1 and B 2 (equal totals: A accepted more cases), C 3. The award floor: services A 7,
B 4, C 6, median 6, ⌈0.25 × 6⌉ = 2: all three reach it. 优秀窗口 (4, none with overdue cases,
none without attendance): A and B, the only eligible; the bulletin says why C is not (无出勤
记录). 服务标兵 (1): A's window staff (volume 3/3 of the best).
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
from docx import Document
from openpyxl import load_workbook

from govhall.core.errors import InvalidTransition, ValidationFailed
from govhall.feedback import links
from govhall.feedback import services as feedback
from govhall.feedback.models import Rectification
from govhall.performance import selectors, services
from govhall.performance.documents import bulletin_docx, tables_xlsx
from govhall.performance.report import report_tables
from tests.factories import (
    AttendanceRecordFactory,
    DepartmentFactory,
    StaffProfileFactory,
    WindowFactory,
)
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
        feedback.rate_with_link(
            token=links.sign_invitation(invitation.pk),
            level=level,
            # An anonymous bad rating must say what went wrong (nobody to call back).
            comment="等候时间过长" if level <= 2 else "",
            actor=None,
            at=at(day, 12),
        )


@pytest.fixture
def month(center, admin_user):
    a, wa, sa = _staffed(center, "市市场监督管理局")
    b, wb, sb = _staffed(center, "市司法局")
    c, wc, sc = _staffed(center, "市农业农村局")
    d = DepartmentFactory(center=center, name="市教育局")
    _rate(sa, wa, dt.date(2026, 5, 11), [5, 5, 4])
    _rate(sb, wb, dt.date(2026, 5, 12), [5, 5])
    _rate(sc, wc, dt.date(2026, 5, 13), [2])
    AttendanceRecordFactory(staff=sa, date=dt.date(2026, 5, 11))
    AttendanceRecordFactory(staff=sb, date=dt.date(2026, 5, 12))
    feedback.verify_rectification(
        rectification=Rectification.objects.get(department=c),
        valid=True,
        reason="群众反映属实",
        actor=admin_user,
    )
    cases = window_cases(
        department=a, accepted=dt.date(2026, 5, 6), completed=dt.date(2026, 5, 8), count=4
    )
    cases += window_cases(
        department=b, accepted=dt.date(2026, 5, 6), completed=dt.date(2026, 5, 8), count=2
    )
    on_time = window_cases(
        department=c,
        item_name="种畜禽生产经营许可",
        accepted=dt.date(2026, 5, 6),
        completed=dt.date(2026, 5, 8),
        count=4,
    )
    cases += on_time + window_cases(
        department=c,
        item=on_time[0].item,
        accepted=dt.date(2026, 5, 6),
        completed=dt.date(2026, 5, 20),
        late=True,
        count=1,
    )
    for case in cases:
        feedback.invite_for_case(case=case, actor=None)
    rubric = services.ensure_default_rubric(center=center)
    rubric.awards.filter(subject="staff").update(count=1)
    return {"A": a, "B": b, "C": c, "D": d, "sa": sa, "sb": sb}


def test_scores_ranks_and_awards(month, center):
    run = services.evaluate_period(center=center, code="2026-05")
    got = {
        s.department.name: (s.total, s.standing, s.rank, s.award)
        for s in run.scores.select_related("department")
    }
    assert got == {
        "市市场监督管理局": (Decimal("100.00"), "ranked", 1, "优秀窗口"),
        "市司法局": (Decimal("100.00"), "ranked", 2, "优秀窗口"),
        "市农业农村局": (Decimal("67.09"), "ranked", 3, ""),
        # scored as the others (工作绩效: has cases 0 of 20, overdue 30 of 30 → 60), listed apart
        "市教育局": (Decimal("84.62"), "no_cases", None, ""),
    }
    c = run.scores.get(department=month["C"])
    assert (c.dimension_scores["performance"], c.dimension_scores["quality"]) == ("70.00", "44.44")
    assert c.dimension_scores["attendance"] is None
    assert run.scores.get(department=month["A"]).dimension_scores["attendance"] == "100.00"
    assert [f["reason"] for f in c.flags if f["kind"] == "not_awarded"] == ["no_attendance"]
    assert run.inputs["award_floor"] == 2
    assert [s.staff_id for s in run.staff_scores.filter(award="服务标兵")] == [month["sa"].pk]
    figures = run.inputs["center"]
    assert (figures["accepted"], figures["completed"], figures["overdue"]) == (11, 11, 1)
    assert (figures["tickets_served"], figures["ratings"], figures["bad_ratings"]) == (6, 6, 1)
    # 6 tickets and 11 cases without a ticket, each invited once
    assert (figures["services_completed"], figures["invitations"]) == (17, 17)


def _text(bulletin) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(bulletin_docx(bulletin))).paragraphs)


def test_bulletin_and_tables_state_the_selectors_figures(month, center):
    run = services.evaluate_period(center=center, code="2026-05")
    text = _text(services.bulletin_of(run=run, issued_on=dt.date(2026, 6, 1)))
    assert text.startswith("草稿(未发布)\n")
    assert f"{center.name}2026年5月进驻窗口单位服务效能评价情况通报" in text
    hall = f"目前,{center.name}设3个窗口,共进驻4个部门(单位)、3项政务服务事项、3名工作人员。"
    assert hall in text
    assert (
        "2026年5月,群众在窗口的平均等待时间为5.0分钟,平均办理时间为4.0分钟,"
        "100%的业务在10分钟内办结。共受理办件11件,办结11件,办结率100%,超期1件。"
    ) in text
    assert "办件量居前的有市农业农村局5件、市市场监督管理局4件、市司法局2件。" in text
    assert "“好差评”主动邀评率100%,收到评价6条(均为线上评价),好评率83.3%,差评1条。" in text
    assert "市农业农村局办理业务5件、超期1件(种畜禽生产经营许可)" in text
    assert "市教育局未受理办理业务,办件量为零,未参加排名。" in text
    assert "评选出优秀窗口2个:市市场监督管理局、市司法局。服务标兵1名:" in text
    assert "市农业农村局考核期内无出勤记录,不参加本期评优。" in text
    assert "—" not in text and "等1个" not in text
    assert "2026年6月1日" in text

    workbook = load_workbook(io.BytesIO(tables_xlsx(report_tables(run))))
    assert workbook.sheetnames == [
        "业务办理汇总表",
        "考勤考核汇总表",
        "考勤考核汇总表(单位)",
        "服务效能评价排名",
        "未参加排名的单位",
    ]
    ranking = [row for row in workbook["服务效能评价排名"].iter_rows(min_row=3, values_only=True)]
    assert [(r[0], r[1], r[-2], r[-1] or "") for r in ranking] == [
        (1, "市市场监督管理局", 100.0, "优秀窗口"),
        (2, "市司法局", 100.0, "优秀窗口"),
        (3, "市农业农村局", 67.09, ""),
    ]
    apart = list(workbook["未参加排名的单位"].iter_rows(min_row=3, values_only=True))
    assert apart == [("市教育局", "无办件")]
    business = {r[1]: r for r in workbook["业务办理汇总表"].iter_rows(min_row=3, values_only=True)}
    # 受理 5, 办结 5, 办结率 5 ÷ 5, 网上办件 0, 超期 1
    assert business["市农业农村局"][2:7] == (5, 5, 1.0, 0, 1)
    assert business["合计"][2:7] == (11, 11, 1.0, 0, 1)


def test_a_published_bulletin_never_changes(month, center, admin_user):
    """Publish; then rename the centre, every department and person, rewrite every setting:
    the document downloaded again says word for word what was published."""
    settings = selectors.bulletin_settings(center_id=center.pk)
    settings.basis = "《市政务服务中心窗口服务效能评价办法》(政服〔2026〕5号)"
    settings.save()
    run = services.evaluate_period(center=center, code="2026-05")
    services.edit_run_text(
        run=run,
        narrative_work="部门重视主动作为。市司法局领导到窗口现场办公。",
        narrative_problems="",
        actor=admin_user,
    )
    run = services.publish_run(run=run, actor=admin_user, issued_on=dt.date(2026, 6, 1))
    before = _text(services.bulletin_of(run=run))
    before_tables = report_tables(run)
    assert "草稿" not in before
    assert "严格落实《市政务服务中心窗口服务效能评价办法》(政服〔2026〕5号)规定" in before
    assert "(四)部门重视主动作为。市司法局领导到窗口现场办公。" in before

    center.name = "改名后的中心"
    center.save()
    for department in (month["A"], month["B"], month["C"], month["D"]):
        department.name += "(新)"
        department.save()
    for staff in (month["sa"], month["sb"]):
        staff.user.first_name = staff.user.last_name = "新"
        staff.user.save()
    settings.addressees = "新的主送:"
    settings.basis = "《新办法》"
    settings.requirements = "新的工作要求。"
    settings.closing = "新的结束语。"
    settings.issuer = "新的发文机关"
    settings.save()
    rubric = run.rubric
    for award in rubric.awards.all():
        award.name += "(新)"
        award.save()
    rubric.dimensions.update(name="新维度")

    run.refresh_from_db()
    assert _text(services.bulletin_of(run=run)) == before
    assert report_tables(run) == before_tables
    with pytest.raises(ValidationFailed):
        services.bulletin_of(run=run, issued_on=dt.date(2026, 7, 1))
    with pytest.raises(InvalidTransition):
        services.edit_run_text(
            run=run, narrative_work="改", narrative_problems="", actor=admin_user
        )
