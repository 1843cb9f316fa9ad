"""The yearly report (年度报告) of a small year built through the services, read back with
python-docx; every figure it prints is the one its selector returns (worked by hand below)."""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx import Document

from govhall.attendance import selectors as attendance_selectors
from govhall.attendance import services as attendance_services
from govhall.cases import selectors as cases_selectors
from govhall.cases import services as case_services
from govhall.catalog import selectors as catalog_selectors
from govhall.catalog.models import ServiceItem
from govhall.core.errors import ValidationFailed
from govhall.core.roles import Role
from govhall.feedback import links
from govhall.feedback import services as feedback_services
from govhall.feedback.models import AssistRecord, Channel, Invitation
from govhall.org.models import Department, Window
from govhall.performance import selectors, services
from govhall.performance.documents import bulletin_docx
from govhall.performance.models import DepartmentScore, EvaluationRun
from govhall.performance.rules import quantize
from govhall.performance.selectors import YearRank
from govhall.performance.yearly import compose_yearly, ranking_table, yearly_figures
from govhall.training import services as training_services
from govhall.training.models import TrainingSession
from tests.attendance.factories import assign
from tests.cases.factories import accept
from tests.factories import (
    DepartmentFactory,
    MaterialFactory,
    ServiceItemFactory,
    StaffProfileFactory,
    WindowFactory,
    make_id_number,
)

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
YEAR_END = dt.date(2026, 12, 31)
BEFORE = dt.datetime(2025, 12, 1, 9, tzinfo=TZ)  # when the hall was set up


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


def changed(obj, day: dt.date, **fields):
    """Edit a record as of `day` (its history row dated then)."""
    for name, value in fields.items():
        setattr(obj, name, value)
    obj._history_date = at(day)
    obj.save()


def rate(case, level: int, channel: str, day: dt.date) -> None:
    invitation = Invitation.objects.get(case=case)
    feedback_services.rate_with_link(
        token=links.sign_invitation(invitation.pk), level=level, channel=channel, at=at(day)
    )


def an_assist(
    center,
    department,
    actor,
    kind: str = AssistRecord.Kind.HOME_VISIT,
    day: dt.date = dt.date(2026, 2, 3),
    count: int = 1,
) -> None:
    """An assisted service recorded for `department` (a year with business to report)."""
    feedback_services.record_assist(
        center=center, kind=kind, department=department, date=day, count=count, actor=actor
    )


def report_text(center, figures) -> str:
    """The paragraphs of the year's report, read back from its .docx."""
    bulletin = compose_yearly(
        center=center, figures=figures, texts={"issuer": center.name}, issued_on=dt.date(2027, 1, 4)
    )
    return "\n".join(p.text for p in Document(io.BytesIO(bulletin_docx(bulletin))).paragraphs)


@pytest.fixture
def year(center, admin_user):
    """2026 in a hall of two units (A, B) and one not entered (D):

    - windows W1 (A), W2 (B), W3 closed on 06-01; items of A: a1 (最多跑一次, 2 steps), a0
      (不见面, 1 step), ax (retired 03-01); of B: b2 (跑多次, 4 steps → 3 on 05-01).
    - staff s1 (A), s2 (A, moved to B on 07-01), s3 (B, left on 09-01), all from 2025-12-01.
    - cases (5 working days): A 2 × a1 at the window 03-10, completed 03-12; B 1 × b2 03-11,
      due 03-18 (03-12, 13, 16, 17, 18), completed 03-20: late; B 1 × b2 04-14, still open at
      the year's end; A 1 × a0 online, submitted 05-12, accepted 05-13, completed 05-15.
      → 5 accepted, 1 online (20.00%), 4 completed (80.0%), 2 overdue, 3 of 最多跑一次 items
      (60.0%).
    - ratings: A's two window cases 5 on the web (线上), B's March case 2 by QR (线下) →
      3 ratings, 2 online, 1 offline, good rate 66.7%, 1 bad.
    - assists: 免费刻章 1 record of 673 households, 3311 枚, 529000 元; 上门服务 2.
    - training: one session 06-01, s1, s2, s3 present → 1 期, 3 人次; coverage of today's
      active staff (s1, s2) 100%.
    - months: 2026-03 (A and B ranked) and 2026-04 (B only) published; 2026-05 a draft.
    """
    a = DepartmentFactory(center=center, name="甲局")
    b = DepartmentFactory(center=center, name="乙局")
    DepartmentFactory(center=center, name="丁局", entered=False)
    w1 = WindowFactory(center=center, departments=[a])
    w2 = WindowFactory(center=center, departments=[b])
    w3 = WindowFactory(center=center, departments=[b])
    a1 = ServiceItemFactory(center=center, department=a, max_visits=1, step_count=2)
    a0 = ServiceItemFactory(center=center, department=a, max_visits=0, step_count=1, online=True)
    ax = ServiceItemFactory(center=center, department=a, max_visits=1, step_count=2)
    b2 = ServiceItemFactory(center=center, department=b, max_visits=2, step_count=4)
    s1 = StaffProfileFactory(center=center, department=a, windows=[w1])
    s2 = StaffProfileFactory(center=center, department=a, windows=[w1])
    s3 = StaffProfileFactory(center=center, department=b, windows=[w2])
    for model in (Department, Window, ServiceItem):
        model.history.filter(center=center).update(history_date=BEFORE)
    for staff in (s1, s2, s3):
        assign(staff, since=BEFORE)
    changed(ax, dt.date(2026, 3, 1), is_active=False)
    changed(b2, dt.date(2026, 5, 1), step_count=3)
    changed(w3, dt.date(2026, 6, 1), is_open=False)

    a_cases = [accept(a1, day=dt.date(2026, 3, 10)) for _i in range(2)]
    b_march = accept(b2, day=dt.date(2026, 3, 11))
    accept(b2, day=dt.date(2026, 4, 14))
    online = case_services.submit_case(
        item=a0,
        applicant_type="person",
        applicant_name="李四",
        phone="13800001111",
        id_number=make_id_number(7),
        at=at(dt.date(2026, 5, 12)),
    )
    case_services.accept_submitted_case(actor=None, case=online, at=at(dt.date(2026, 5, 13)))
    for case, day in [
        (a_cases[0], dt.date(2026, 3, 12)),
        (a_cases[1], dt.date(2026, 3, 12)),
        (b_march, dt.date(2026, 3, 20)),
        (online, dt.date(2026, 5, 15)),
    ]:
        case_services.complete_case(actor=None, case=case.pk, approved=True, at=at(day, 15))
    rate(a_cases[0], 5, Channel.WEB, dt.date(2026, 3, 13))
    rate(a_cases[1], 5, Channel.WEB, dt.date(2026, 3, 13))
    rate(b_march, 2, Channel.QR, dt.date(2026, 3, 21))

    feedback_services.record_assist(
        center=center,
        kind=AssistRecord.Kind.FREE_SEAL,
        department=a,
        date=dt.date(2026, 4, 2),
        households=673,
        quantity=3311,
        unit="枚",
        saving=Decimal("529000"),
        actor=admin_user,
    )
    feedback_services.record_assist(
        center=center,
        kind=AssistRecord.Kind.HOME_VISIT,
        department=b,
        date=dt.date(2026, 4, 3),
        count=2,
        actor=admin_user,
    )
    session = training_services.create_session(
        actor=admin_user,
        center_id=center.pk,
        title="业务培训",
        topic=TrainingSession.Topic.BUSINESS,
        held_on=dt.date(2026, 6, 1),
        hours=Decimal(2),
    )
    training_services.record_attendance(
        actor=admin_user,
        session_id=session.pk,
        present_staff_ids=[s1.pk, s2.pk, s3.pk],
        today=dt.date(2026, 6, 1),
    )
    attendance_services.change_assignment(
        actor=admin_user,
        staff=s2,
        department=b,
        windows=[w2],
        reason="轮岗",
        at=at(dt.date(2026, 7, 1)),
    )
    s3.active = False
    s3.save()
    attendance_services.sync_assignments(center=center, at=at(dt.date(2026, 9, 1)))

    services.ensure_default_rubric(center=center)
    for code in ("2026-03", "2026-04"):
        services.publish_run(
            run=services.evaluate_period(center=center, code=code), actor=admin_user
        )
    services.evaluate_period(center=center, code="2026-05")
    return {"a": a, "b": b}


def test_the_year_figures_are_the_selectors_and_worked_by_hand(center, year):
    figures = yearly_figures(center=center, year=2026, today=YEAR_END)
    start = dt.date(2026, 1, 1)
    assert figures.complete and figures.end == YEAR_END
    assert figures.hall == {
        "areas": 0,  # the windows name no area
        "windows": 2,
        "departments": 2,
        "items": 3,
        "staff": 2,
        "enterprises": 0,
        "enterprise_items": 0,
    }
    assert figures.hall == selectors.hall_counts_on(center_id=center.pk, day=YEAR_END)
    assert figures.stability == {
        "staff_at_start": 3,
        "staff_at_end": 2,
        "staff_retained": 1,
        "stability_rate": 1 / 3,
        "staff_turnover": 2,
    }
    assert figures.stability == attendance_selectors.staff_stability(
        center_id=center.pk, start=start, end=YEAR_END
    )
    items = figures.one_visit_items
    assert (items.items, items.one_visit, items.no_visit) == (3, 2, 1)
    assert figures.one_visit_cases == {
        "accepted": 5,
        "accepted_one_visit": 3,
        "one_visit_case_share": 0.6,
    }
    assert figures.one_visit_cases == cases_selectors.one_visit_cases(
        center_id=center.pk, start=start, end=YEAR_END
    )
    cases = figures.cases
    assert (cases["accepted"], cases["accepted_online"], cases["completed"]) == (5, 1, 4)
    assert cases["overdue"] == 2
    ratings = figures.ratings
    assert (ratings["ratings"], ratings["ratings_online"], ratings["ratings_offline"]) == (3, 2, 1)
    assert figures.assists[AssistRecord.Kind.FREE_SEAL] == {
        "count": 1,
        "households": 673,
        "quantity": 3311,
        "saving": Decimal("529000"),
    }
    assert (figures.training.sessions_held, figures.training.attendances) == (1, 3)
    steps = figures.reductions.total.steps
    assert (steps.before, steps.after, steps.share_percent) == (7, 6, Decimal("14.29"))
    assert (
        steps.share_percent
        == catalog_selectors.four_reductions(
            center_id=center.pk, baseline=dt.date(2025, 12, 31), on=YEAR_END
        ).total.steps.share_percent
    )
    assert figures.months == ["2026-03", "2026-04"]


def test_the_ranking_of_the_year_averages_the_published_months(center, year):
    a, b = year["a"], year["b"]
    published = DepartmentScore.objects.filter(
        run__status=EvaluationRun.Status.PUBLISHED, standing=DepartmentScore.Standing.RANKED
    )
    a_totals = list(published.filter(department=a).values_list("total", flat=True))
    b_totals = list(published.filter(department=b).values_list("total", flat=True))
    assert (len(a_totals), len(b_totals)) == (1, 2)  # the May draft is not counted
    ranking = yearly_figures(center=center, year=2026, today=YEAR_END).ranking
    by_unit = {u.department_id: u for u in ranking}
    assert by_unit[a.pk].average == quantize(a_totals[0])
    assert by_unit[b.pk].average == quantize(sum(b_totals) / 2)
    assert (by_unit[a.pk].months, by_unit[b.pk].months) == (1, 2)
    best = max(ranking, key=lambda u: (u.average, u.months))
    assert best.rank == 1 and ranking[0] == best


def test_the_report_reads_back_from_the_docx(center, year):
    figures = yearly_figures(center=center, year=2026, today=YEAR_END)
    bulletin = compose_yearly(
        center=center,
        figures=figures,
        texts={"addressees": "各进驻单位:", "issuer": center.name},
        issued_on=dt.date(2027, 1, 10),
    )
    document = Document(io.BytesIO(bulletin_docx(bulletin)))
    text = "\n".join(p.text for p in document.paragraphs)
    for expected in (
        f"{center.name}2026年度工作报告",
        f"截至2026年12月31日,{center.name}设2个窗口,共进驻2个部门(单位)、3项政务服务事项、"
        "2名工作人员。",
        "年初在岗工作人员3名,至2026年12月31日仍在原单位1名,人员稳定率33.3%,全年人员调离2人次。",
        "共受理办件5件,其中网上办件1件,网上办件占比20.00%,办结4件,办结率80.0%,超期2件。",
        "进驻的3项政务服务事项中,“最多跑一次”事项2项,占比66.7%,其中“不见面审批”事项1项,"
        "全年受理的办件中,“最多跑一次”事项办件3件,占比60.0%。",
        "共收到“好差评”评价3条,其中线上评价2条、线下评价1条,非常满意占比66.7%,好评率66.7%,"
        "差评1条。",
        "上门服务2次、免费刻章1次(673户、3311枚,节省52.9万元)",
        "共为群众和企业节省52.9万元。",
        "全年开展培训1期,参训3人次,学习覆盖率100%。",
        "办理环节由7个减至6个,压减14.29%。",
        "全年发布月度服务效能评价2期(3月、4月),2个单位参加排名。",
        "2027年1月10日",
    ):
        assert expected in text, expected
    assert "—" not in text and "None" not in text
    assert "数据截至" not in text  # the whole year
    table = document.tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0][:4] == ["名次", "单位", "参加排名月数", "平均总分"]
    assert [row[1] for row in rows[1:]] == [u.name for u in figures.ranking]
    assert [int(row[2]) for row in rows[1:]] == [u.months for u in figures.ranking]
    assert [row.cells[0].text for row in document.tables[1].rows[1:]] == ["丁局"]


@pytest.mark.parametrize("after_hours", [34, 0])
def test_seed_004_running_total_ratings_and_missing_materials(
    center, department, admin_user, after_hours
):
    """Seed 004's "为企业开展延时、容缺服务60余次" (after-hours assists + 容缺受理 cases),
    "非常满意占到100%,无不满意评价", and seed 001's running total "至目前…共受理…件,事项办结率为
    96.89%" in the year's report: a case of 2025-12-15 (completed), two 容缺 cases (open) and one
    case completed and rated 非常满意 online in 2026 → 4 accepted since the first, 2 completed."""
    item = ServiceItemFactory(center=center, department=department, promised_limit_days=5)
    MaterialFactory(item=item, name="身份证明", required=False)
    first = accept(item, day=dt.date(2025, 12, 15))
    case_services.complete_case(actor=None, case=first, approved=True, at=at(dt.date(2025, 12, 16)))
    for day in (dt.date(2026, 3, 2), dt.date(2026, 3, 3)):
        accept(item, day=day, mode="missing", materials_missing=["身份证明"])
    rated = accept(item, day=dt.date(2026, 3, 4))
    case_services.complete_case(actor=None, case=rated, approved=True, at=at(dt.date(2026, 3, 5)))
    rate(rated, 5, Channel.WEB, dt.date(2026, 3, 6))
    if after_hours:
        an_assist(center, department, admin_user, AssistRecord.Kind.AFTER_HOURS, count=after_hours)
    figures = yearly_figures(center=center, year=2026, today=YEAR_END)
    assert figures.since_launch == cases_selectors.since_launch(center_id=center.pk, end=YEAR_END)
    assert figures.after_hours_and_missing == after_hours + 2
    text = report_text(center, figures)
    for expected in (
        "截至2026年12月31日,政务服务系统自2025年12月15日启用以来累计受理办件4件,办结2件,"
        "办结率50.00%。",
        "共收到“好差评”评价1条,均为线上评价,非常满意占比100.0%,好评率100.0%,无差评。",
        "2026年共开展帮办代办服务34次,其中延时服务34次。"
        "容缺受理办件2件,与延时服务合计为企业和群众开展延时、容缺服务36次。"
        if after_hours
        else "便民服务。2026年容缺受理办件2件。",
    ):
        assert expected in text, expected
    assert ("延时" in text) == bool(after_hours)


def test_a_sentence_without_its_figure_is_left_out(center, department, admin_user):
    """A year with nothing but one assisted service: no case, rating, ranking or hall sentence
    is printed, and nothing is dashed."""
    an_assist(center, department, admin_user)
    figures = yearly_figures(center=center, year=2026, today=YEAR_END)
    text = report_text(center, figures)
    assert "2026年共开展帮办代办服务1次,其中上门服务1次。" in text
    for absent in ("办结率", "好评率", "最多跑一次", "培训", "排名", "—", "稳定率"):
        assert absent not in text.split("附件")[0], absent


def test_a_year_without_a_published_month_has_no_empty_attachment(center, department, admin_user):
    """Without a published month there is no ranking: the report names no 附件 and prints no
    header-only ranking table for the official to sign (seed 004's report has none)."""
    an_assist(center, department, admin_user)
    figures = yearly_figures(center=center, year=2026, today=YEAR_END)
    bulletin = compose_yearly(
        center=center, figures=figures, texts={"issuer": center.name}, issued_on=dt.date(2027, 1, 4)
    )
    document = Document(io.BytesIO(bulletin_docx(bulletin)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "附件" not in text and "排名" not in text
    assert document.tables == []
    assert len(document.sections) == 1
    assert text.rstrip().endswith("2027年1月4日")


def test_complaints_and_their_callbacks_are_reported(center, department, admin_user):
    """Seed 004: "处理群众问题诉求5起,并通过电话回访当事人办理结果,满意率达100%". Complaints
    received in the year; 满意 and 基本满意 over those called back and reached."""
    outcomes = [
        (dt.date(2026, 3, 2), True, "satisfied"),
        (dt.date(2026, 5, 6), True, "basically"),
        (dt.date(2026, 7, 8), True, "dissatisfied"),
        (dt.date(2026, 9, 9), False, ""),
        (dt.date(2025, 12, 30), True, "dissatisfied"),  # the year before: not counted
    ]
    an_assist(center, department, admin_user)  # the year has business to report besides
    for day, reached, satisfaction in outcomes:
        complaint = feedback_services.create_complaint(
            center=center,
            actor=admin_user,
            channel="window",
            content="材料不全无法办理",
            department=department,
            received_at=at(day),
        )
        feedback_services.assign_complaint(
            complaint=complaint, assignee=admin_user, actor=admin_user
        )
        feedback_services.resolve_complaint(
            complaint=complaint, valid=False, resolution="已解释", actor=admin_user
        )
        feedback_services.callback_complaint(
            complaint=complaint, reached=reached, satisfaction=satisfaction, actor=admin_user
        )
    figures = yearly_figures(center=center, year=2026, today=YEAR_END)
    assert figures.complaints == {
        "complaints": 4,
        "reached": 3,
        "answered": 3,
        "satisfied": 2,
        "satisfaction_rate": 2 / 3,
    }
    text = report_text(center, figures)
    assert "受理群众投诉和“办不成事”反映4起,回访联系上3起,回访满意率67%。" in text


def test_a_year_running_is_reported_up_to_today(center, department, admin_user):
    an_assist(center, department, admin_user)
    figures = yearly_figures(center=center, year=2026, today=dt.date(2026, 3, 5))
    assert not figures.complete and figures.end == dt.date(2026, 3, 5)
    bulletin = compose_yearly(center=center, figures=figures, texts={}, issued_on=figures.end)
    assert bulletin.opening.startswith("现将2026年1月1日至3月5日")
    assert bulletin.sections[-1].paragraphs[-1][1] == "本报告数据截至2026年3月5日。"


@pytest.mark.parametrize(
    ("year", "today", "code"),
    [(2027, dt.date(2026, 12, 5), "future_period"), (2026, YEAR_END, "empty_period")],
)
def test_a_future_or_empty_year_is_refused(center, year, today, code):
    with pytest.raises(ValidationFailed) as caught:
        yearly_figures(center=center, year=year, today=today)
    assert caught.value.code == code


def test_the_command_writes_the_yearly_report(center, year, tmp_path):
    call_command("report", center=str(center.pk), year="2026", out=tmp_path, date=YEAR_END)
    (path,) = tmp_path.iterdir()
    assert path.name.startswith(f"{center.region_code}-2026")
    assert path.name.endswith("-annual-report.docx")
    text = "\n".join(p.text for p in Document(path).paragraphs)
    assert "2026年度工作报告" in text
    with pytest.raises(CommandError, match="格式不正确"):
        call_command("report", center=str(center.pk), year="2026-05", out=tmp_path)
    assert len(list(tmp_path.iterdir())) == 1


@pytest.mark.parametrize(
    ("role", "status"),
    [(None, 302), (Role.WINDOW_STAFF, 403), (Role.LEADER, 200), (Role.CENTER_ADMIN, 200)],
)
def test_the_yearly_page_and_download_by_role(client, make_user, center, year, role, status):
    if role is not None:
        client.force_login(make_user(role, department=year["a"]))
    page = client.get(reverse("performance:yearly") + "?year=2026")
    assert page.status_code == status
    download = client.get(reverse("performance:yearly_docx") + "?year=2026")
    assert download.status_code == status
    if status == 200:
        assert "2026年度工作报告" in page.content.decode()
        assert download["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_bad_year_is_a_clear_error(client, admin_user, year):
    client.force_login(admin_user)
    page = client.get(reverse("performance:yearly") + "?year=26")
    assert page.status_code == 400 and "格式不正确" in page.content.decode()
    api = client.get("/api/performance/years/2026-05/")
    assert api.status_code == 400 and api.json()["code"] == "bad_year"


def test_the_api_gives_the_year_figures(client, admin_user, make_user, center, year):
    client.force_login(admin_user)
    data = client.get("/api/performance/years/2026/").json()
    assert data["year"] == 2026
    assert data["ratings"]["ratings_online"] == 2 and data["ratings"]["ratings_offline"] == 1
    assert data["one_visit"]["accepted_one_visit"] == 3
    assert data["months"] == ["2026-03", "2026-04"]
    assert {row["name"] for row in data["ranking"]} == {"甲局", "乙局"}
    client.force_login(make_user(Role.UNIT_LEAD, department=year["a"]))
    assert client.get("/api/performance/years/2026/").status_code == 403


def test_the_ranking_of_the_year_prints_averages_to_two_decimals():
    """84 prints "84.00", as the monthly totals do (it printed "84.0" beside "97.45")."""
    units = [
        YearRank(department_id=1, name="甲局", months=2, average=Decimal("97.45"), best_rank=1),
        YearRank(department_id=2, name="乙局", months=2, average=Decimal("84.00"), best_rank=2),
    ]
    _header, rows = ranking_table(units)
    assert [row[3] for row in rows] == ["97.45", "84.00"]
