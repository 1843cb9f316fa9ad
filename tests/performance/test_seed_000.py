"""Seed 000 (驻马店市民中心, May 2021) reproduced: the bulletin states the report's figures.

131,762 cases handled, 1 overdue at 市农业农村局 (5 cases, 种畜禽生产经营许可), invitation rate 94%,
391 assisted services by 28 departments: 86 home visits, 34 after hours, 117 coaching, 154 weekend.
"""

import datetime as dt

import pytest

from govhall.feedback import services as feedback
from govhall.feedback.models import AssistRecord
from govhall.performance import services
from govhall.performance.report import compose_bulletin
from tests.factories import DepartmentFactory, StaffProfileFactory, WindowFactory
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
    item = window_cases(
        department=farm,
        item_name="种畜禽生产经营许可",
        accepted=dt.date(2021, 5, 10),
        completed=dt.date(2021, 5, 12),
        count=4,
    )[0].item
    window_cases(
        department=farm,
        item=item,
        accepted=dt.date(2021, 5, 10),
        completed=dt.date(2021, 5, 28),
        late=True,
        count=1,
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
    for n, ticket in enumerate(
        served_tickets(staff=staff, window=window, day=dt.date(2021, 5, 20), count=100)
    ):
        if n < 94:
            feedback.invite_for_ticket(ticket=ticket, actor=staff.user)
    givers = [farm, *others][:28]
    AssistRecord.objects.bulk_create(
        AssistRecord(
            center=center,
            kind=kind,
            department=givers[(k + j) % 28],
            date=dt.date(2021, 5, 15),
            count=1,
        )
        for k, (kind, total) in enumerate(ASSISTS)
        for j in range(total)
    )
    return center


def test_the_bulletin_states_seed_000s_figures(seed_000_month):
    run = services.evaluate_period(center=seed_000_month, code="2021-05")
    figures = run.inputs["center"]
    assert (figures["accepted"], figures["overdue"]) == (131_762, 1)
    assert figures["invitation_rate"] == pytest.approx(0.94)
    assert figures["assists_total"] == 391
    bulletin = compose_bulletin(
        run=run,
        settings=services.ensure_bulletin_settings(center=seed_000_month),
        issued_on=dt.date(2021, 6, 1),
    )
    text = "\n".join(
        lead + body for section in bulletin.sections for lead, body in section.paragraphs
    )
    assert bulletin.title == "驻马店市民中心2021年5月进驻窗口单位服务效能评价情况通报"
    assert "共受理办件131762件" in text
    assert "超期1件" in text
    assert "市农业农村局办理业务5件、超期1件(种畜禽生产经营许可)" in text
    assert "“好差评”主动邀评率94%" in text
    assert (
        "共28个窗口单位开展帮办代办服务391次,其中上门服务86次、延时服务34次、咨询辅导117次、双休日服务154次"
        in text
    )
    assert bulletin.date_text == "2021年6月1日"
