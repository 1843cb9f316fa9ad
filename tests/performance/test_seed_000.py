"""Seed 000 (驻马店市民中心, May 2021) reproduced: the bulletin states the report's figures.

131,762 cases handled, 1 overdue at 市农业农村局 (5 cases, 种畜禽生产经营许可),
391 assisted services by 28 departments: 86 home visits, 34 after hours, 117 coaching, 154 weekend;
waits within 6 minutes, handling within 4, 90% of the services within 10 minutes.

What the services decide is decided by them here: 市农业农村局's five cases are accepted and
completed through the case services, and the late one is late because the working-day deadline
says so (accepted Thursday 6 May 2021, 5 working days: 7, 8 (the Saturday made up for the May
Day holiday), 10, 11, 12 May; completed on the 13th); the assisted services are recorded through
the feedback service; every served ticket invites its rating through the finishing hook. The
bulk of the volume is copies of one case per department (they carry no invitation, so this month
does not state seed 000's 94% invitation rate: the city month of `govhall simulate` yields that
one as an outcome of its per-service invitations).
"""

import datetime as dt

import pytest

from govhall.cases import services as cases
from govhall.cases.models import Case
from govhall.feedback import services as feedback
from govhall.feedback.models import AssistRecord
from govhall.performance import services
from tests.cases.factories import accept, at
from tests.factories import (
    DepartmentFactory,
    ServiceItemFactory,
    StaffProfileFactory,
    WindowFactory,
)
from tests.performance.month import clone_case, served_tickets, window_cases

pytestmark = pytest.mark.django_db

MAY_2021 = dt.date(2021, 5, 1)
ASSISTS = [
    (AssistRecord.Kind.HOME_VISIT, 86),
    (AssistRecord.Kind.AFTER_HOURS, 34),
    (AssistRecord.Kind.COACHING, 117),
    (AssistRecord.Kind.WEEKEND, 154),
]


@pytest.fixture
def seed_000_month(center):
    center.name = "驻马店市民中心"
    center.save()
    farm = DepartmentFactory(center=center, name="市农业农村局")
    others = [DepartmentFactory(center=center, name=f"市直单位{i:02d}") for i in range(29)]
    item = ServiceItemFactory(
        center=center, department=farm, name="种畜禽生产经营许可", promised_limit_days=5
    )
    for completed_on in (7, 7, 10, 12, 13):
        case = accept(item, day=dt.date(2021, 5, 6))
        cases.complete_case(
            actor=None, case=case, approved=True, at=at(dt.date(2021, 5, completed_on))
        )
    remaining = 131_762 - 5
    for i, department in enumerate(others):
        share = remaining // len(others) + (1 if i < remaining % len(others) else 0)
        (case,) = window_cases(
            department=department,
            accepted=dt.date(2021, 5, 6 + i % 20),
            completed=dt.date(2021, 5, 27),
            count=1,
        )
        clone_case(case, count=share - 1, prefix=f"D{i:02d}-")
    window = WindowFactory(center=center, departments=[others[0]])
    staff = StaffProfileFactory(center=center, department=others[0], windows=[window])
    for ticket in served_tickets(staff=staff, window=window, day=dt.date(2021, 5, 20), count=100):
        feedback.invite_for_ticket(ticket=ticket, actor=staff.user)
    givers = [farm, *others][:28]
    for k, (kind, total) in enumerate(ASSISTS):
        for j, department in enumerate(givers):
            share = total // 28 + (1 if (j + k) % 28 < total % 28 else 0)
            if share:
                feedback.record_assist(
                    center=center,
                    kind=kind,
                    department=department,
                    date=dt.date(2021, 5, 15),
                    count=share,
                )
    return center


def test_the_bulletin_states_seed_000s_figures(seed_000_month):
    late = Case.objects.get(department__name="市农业农村局", completed_late=True)
    assert (late.due_date, late.completed_at.date()) == (dt.date(2021, 5, 12), dt.date(2021, 5, 13))
    run = services.evaluate_period(center=seed_000_month, code="2021-05")
    figures = run.inputs["center"]
    assert (figures["accepted"], figures["overdue"]) == (131_762, 1)
    assert figures["assists_total"] == 391
    assert figures["avg_wait_seconds"] <= 6 * 60
    assert figures["avg_handling_seconds"] <= 4 * 60
    assert figures["share_within_10min"] >= 0.9
    bulletin = services.bulletin_of(run=run, issued_on=dt.date(2021, 6, 1))
    text = "\n".join(
        lead + body for section in bulletin.sections for lead, body in section.paragraphs
    )
    assert bulletin.title == "驻马店市民中心2021年5月进驻窗口单位服务效能评价情况通报"
    assert "平均等待时间为5.0分钟,平均办理时间为4.0分钟,100%的业务在10分钟内办结" in text
    assert "共受理办件131762件" in text
    assert "超期1件" in text
    assert "市农业农村局办理业务5件、超期1件(种畜禽生产经营许可)" in text
    assert (
        "共28个窗口单位开展帮办代办服务391次,其中上门服务86次、延时服务34次、咨询辅导117次、双休日服务154次"
        in text
    )
    assert bulletin.date_text == "2021年6月1日"
