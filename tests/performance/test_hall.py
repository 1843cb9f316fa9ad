"""The hall's figures as seed 003 gives them: "设27个服务区、270个工位,入驻部门92个、2340个政务
服务事项(其中最多跑一次事项2230项,占95.3%),引进水、电、气、电信、复印和印章刻制等16家企业84个
企业服务事项" — the enterprises and their items counted apart from the government's — and
"2021年,市政务服务大厅提供上门、延时服务1000余件,免费邮寄服务300余次"."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from docx import Document

from govhall.feedback.models import AssistRecord
from govhall.org.models import Department, Window
from govhall.performance import selectors, services
from govhall.performance.documents import bulletin_docx
from govhall.performance.report import _hall_sentence, compose_bulletin, hall_parts
from govhall.performance.yearly import compose_yearly, yearly_figures
from tests.cases.factories import accept
from tests.factories import DepartmentFactory, ServiceItemFactory, WindowFactory
from tests.feedback.factories import assists

TZ = ZoneInfo("Asia/Shanghai")
YEAR_END = dt.date(2026, 12, 31)
ENTERPRISE = Department.Kind.ENTERPRISE

SEED_003 = {
    "areas": 27,
    "windows": 270,
    "departments": 92,
    "items": 2340,
    "staff": 300,
    "enterprises": 16,
    "enterprise_items": 84,
}


def without(*keys: str) -> dict[str, int]:
    return {k: 0 if k in keys else v for k, v in SEED_003.items()}


@pytest.mark.parametrize(
    ("hall", "text"),
    [
        (
            SEED_003,
            "设27个服务区、270个窗口,共进驻92个部门(单位)、2340项政务服务事项、300名工作人员,"
            "引进16家企业、84项企业服务事项",
        ),
        (
            without("areas"),
            "设270个窗口,共进驻92个部门(单位)、2340项政务服务事项、300名工作人员,"
            "引进16家企业、84项企业服务事项",
        ),
        (
            without("areas", "windows", "staff"),
            "共进驻92个部门(单位)、2340项政务服务事项,引进16家企业、84项企业服务事项",
        ),
        (
            without("enterprises", "enterprise_items"),
            "设27个服务区、270个窗口,共进驻92个部门(单位)、2340项政务服务事项、300名工作人员",
        ),
        (
            without("enterprise_items", "items"),
            "设27个服务区、270个窗口,共进驻92个部门(单位)、300名工作人员,引进16家企业",
        ),
        (
            without("departments", "items", "staff"),
            "设27个服务区、270个窗口,引进16家企业、84项企业服务事项",
        ),
        (
            without("areas", "windows", "departments", "items", "staff"),
            "引进16家企业、84项企业服务事项",
        ),
        ({"staff": 3}, "共进驻3名工作人员"),
        ({}, ""),
        (dict.fromkeys(SEED_003, 0), ""),
    ],
)
def test_the_hall_in_seed_003s_words_leaving_out_what_it_has_none_of(hall, text):
    assert hall_parts(hall) == text


def test_a_bulletin_issued_before_keeps_its_hall_sentence():
    """A run composed by the rules before 3 (its snapshot has the four old figures) prints the
    hall as it was issued; a run of today's rules prints seed 003's sentence."""
    old = {"departments": 12, "items": 80, "staff": 30, "windows": 20}
    assert _hall_sentence("甲中心", old, rules=2) == (
        "目前,甲中心共进驻12个部门(单位)、80项政务服务事项、30名工作人员、20个窗口。"
    )
    assert _hall_sentence("甲中心", {}, rules=2) == ""
    assert _hall_sentence("甲中心", SEED_003) == (
        "目前,甲中心设27个服务区、270个窗口,共进驻92个部门(单位)、2340项政务服务事项、"
        "300名工作人员,引进16家企业、84项企业服务事项。"
    )
    assert _hall_sentence("甲中心", {}) == ""


def a_hall(center):
    """Two areas, three open windows (one closed in a third area, one without an area), a
    government unit A with two items in the hall (and one not entered), an enterprise E with one
    item, an enterprise not entered yet (N, with an item) and a unit retired (R)."""
    a = DepartmentFactory(center=center, name="甲局")
    e = DepartmentFactory(center=center, name="供水公司", kind=ENTERPRISE)
    n = DepartmentFactory(center=center, name="燃气公司", kind=ENTERPRISE, entered=False)
    DepartmentFactory(center=center, name="撤并局", is_active=False)
    WindowFactory(center=center, area="综合受理区", departments=[a])
    WindowFactory(center=center, area="综合受理区", departments=[a])
    WindowFactory(center=center, area="便民服务区", departments=[e])
    WindowFactory(center=center, area="企业服务区", is_open=False)
    WindowFactory(center=center, area="", departments=[a])
    items = [ServiceItemFactory(center=center, department=a) for _i in range(2)]
    ServiceItemFactory(center=center, department=a, entered=False)
    ServiceItemFactory(center=center, department=e)
    ServiceItemFactory(center=center, department=n, entered=False)
    return a, items


@pytest.mark.django_db
def test_the_hall_now_and_on_a_date_count_the_enterprises_apart(center):
    a_hall(center)
    expected = {
        "areas": 2,
        "windows": 4,
        "departments": 1,
        "items": 2,
        "staff": 0,
        "enterprises": 1,
        "enterprise_items": 1,
    }
    assert selectors.hall_counts(center_id=center.pk) == expected
    today = dt.date.today()
    assert selectors.hall_counts_on(center_id=center.pk, day=today + dt.timedelta(days=1)) == (
        expected
    )
    assert selectors.hall_counts_on(center_id=center.pk, day=dt.date(2020, 1, 1)) == dict.fromkeys(
        expected, 0
    )
    assert set(expected) == set(selectors.HALL_KEYS)


@pytest.mark.django_db
def test_a_monthly_bulletin_states_the_hall_with_its_enterprises(center):
    _a, items = a_hall(center)
    accept(items[0], day=dt.date(2026, 3, 10))
    run = services.evaluate_period(center=center, code="2026-03")
    assert run.inputs["hall"]["enterprises"] == 1
    bulletin = compose_bulletin(run=run, texts={}, issued_on=dt.date(2026, 4, 2))
    text = "".join(t for s in bulletin.sections for _lead, t in s.paragraphs)
    assert (
        f"目前,{center.name}设2个服务区、4个窗口,共进驻1个部门(单位)、2项政务服务事项,"
        "引进1家企业、1项企业服务事项。2026年3月,"
    ) in text
    # the same run, as a run issued before the hall had areas and enterprises is composed
    run.inputs["bulletin_rules"] = 2
    bulletin = compose_bulletin(run=run, texts={}, issued_on=dt.date(2026, 4, 2))
    text = "".join(t for s in bulletin.sections for _lead, t in s.paragraphs)
    assert f"目前,{center.name}共进驻1个部门(单位)、2项政务服务事项、4个窗口。" in text


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), tzinfo=TZ)


@pytest.mark.django_db
def test_seed_003_at_a_small_scale(center, admin_user):
    """Seed 003 a hundred times smaller, roughly: 3 service areas, 6 windows, 2 departments with
    43 items (41 of 最多跑一次: 95.3%, as 2230 of 2340), 2 enterprises with 3 items (of 最多跑一次
    too, which the share leaves out: 44 of 46 would be 95.7%); 6 home visits and 4 after-hours
    services (合计10次) and 3 free mailings in 2026."""
    units = [DepartmentFactory(center=center, name=n) for n in ("甲局", "乙局")]
    firms = [DepartmentFactory(center=center, name=n, kind=ENTERPRISE) for n in ("供电", "电信")]
    for number, area in enumerate(("综合受理区",) * 3 + ("部门专区",) * 2 + ("便民服务区",)):
        WindowFactory(center=center, number=f"{number + 1}", area=area, departments=units)
    for k in range(43):
        ServiceItemFactory(center=center, department=units[k % 2], max_visits=1 if k < 41 else 2)
    for k in range(3):
        ServiceItemFactory(center=center, department=firms[k % 2], max_visits=1)
    Kind = AssistRecord.Kind
    assists(
        center,
        units[0],
        {Kind.HOME_VISIT: 6, Kind.AFTER_HOURS: 4, Kind.FREE_MAIL: 3},
        actor=admin_user,
    )
    assert Window.objects.filter(center=center).count() == 6

    figures = yearly_figures(center=center, year=2026, today=YEAR_END)
    bulletin = compose_yearly(
        center=center, figures=figures, texts={"issuer": center.name}, issued_on=dt.date(2027, 1, 4)
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(bulletin_docx(bulletin))).paragraphs)
    for expected in (
        f"截至2026年12月31日,{center.name}设3个服务区、6个窗口,共进驻2个部门(单位)、"
        "43项政务服务事项,引进2家企业、3项企业服务事项。",
        "进驻的43项政务服务事项中,“最多跑一次”事项41项,占比95.3%。",
        "2026年共开展帮办代办服务13次,其中上门服务6次、延时服务4次、免费邮寄服务3次,"
        "上门、延时服务合计10次。",
    ):
        assert expected in text, expected


@pytest.mark.django_db
@pytest.mark.parametrize(("home", "after_hours"), [(6, 0), (0, 4)])
def test_home_visits_and_after_hours_are_added_up_only_when_both_were_given(
    center, department, admin_user, home, after_hours
):
    """One kind alone is already named with its count: no "合计" of one."""
    Kind = AssistRecord.Kind
    assists(
        center, department, {Kind.HOME_VISIT: home, Kind.AFTER_HOURS: after_hours}, actor=admin_user
    )
    figures = yearly_figures(center=center, year=2026, today=YEAR_END)
    bulletin = compose_yearly(
        center=center, figures=figures, texts={}, issued_on=dt.date(2027, 1, 4)
    )
    text = "".join(t for s in bulletin.sections for _lead, t in s.paragraphs)
    assert f"共开展帮办代办服务{home + after_hours}次" in text
    assert "合计" not in text
