"""The demo centre: big enough, deterministic, and loading it twice creates nothing new."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from govhall.catalog import demo as catalog_demo
from govhall.catalog.demo_data import FLAWS
from govhall.catalog.lint import RULES
from govhall.catalog.models import Material, ServiceItem, Theme
from govhall.catalog.selectors import (
    GuideQuery,
    four_reductions,
    items_in_hall_on,
    lint_items,
    search_items,
)
from govhall.core.models import User
from govhall.core.roles import Role
from govhall.core.validators import is_valid_phone, is_valid_uscc
from govhall.org import demo as org_demo
from govhall.org.models import Department, StaffProfile, Window
from tests.factories import CenterFactory

pytestmark = pytest.mark.django_db

MODELS = [Department, Window, StaffProfile, User, Group, Theme, ServiceItem, Material]


def load(center):
    return org_demo.load_demo(center, password="demo-pass-1") + catalog_demo.load_demo(
        center, password="demo-pass-1"
    )


def test_demo_centre():
    """One test, because loading the demo is the slow part."""
    center = CenterFactory(region_code="411700", name="驻马店市民中心", address="驻马店市驿城区")
    logins = load(center)
    check_city_hall(center)
    check_enterprises(center)
    check_logins(logins)
    check_guides(center)
    check_search(center)
    check_four_reductions(center)
    check_loading_again_creates_nothing(center, logins)


def check_four_reductions(center):
    """The demo catalogue was entered at the start of the year and a third of it reformed."""
    today = timezone.localdate()
    entered = ServiceItem.history.filter(center=center).earliest("history_date").history_date
    four = four_reductions(center_id=center.pk, baseline=entered.date(), on=today)
    assert four.total.items == ServiceItem.objects.filter(center=center).count()
    for reduction in (four.total.steps, four.total.materials, four.total.days):
        assert 0 < reduction.share < Decimal("0.5")
    # The demo's free items stay free (nothing to cut: no share); its priced ones are unknown.
    assert (four.total.fees.before, four.total.fees.after, four.total.fees.share) == (0, 0, None)
    assert not ServiceItem.history.filter(center=center, name__in=FLAWS, history_type="~").exists()


def check_loading_again_creates_nothing(center, logins):
    counts = {m: m.objects.count() for m in MODELS}
    items = list(ServiceItem.objects.order_by("code").values_list("code", "name", "department"))
    assert load(center) == logins
    assert {m: m.objects.count() for m in MODELS} == counts
    assert list(ServiceItem.objects.order_by("code").values_list("code", "name", "department")) == (
        items
    )


def check_city_hall(center):
    departments = Department.objects.filter(center=center)
    assert departments.count() >= 32
    assert departments.filter(entered=False).exists()
    for name in [
        "市场监督管理局",
        "不动产登记服务中心",
        "司法局",
        "农业农村局",
        "税务局",
        "公安局",
    ]:
        assert departments.filter(name=name).exists(), name
    assert all(is_valid_uscc(d.uscc) for d in departments)
    assert Window.objects.filter(center=center).count() == 63
    kinds = set(Window.objects.filter(center=center).values_list("kind", flat=True))
    assert set(Window.Kind.values) <= kinds
    assert StaffProfile.objects.filter(center=center).count() >= 100
    assert all(is_valid_phone(p) for p in StaffProfile.objects.values_list("phone", flat=True))
    assert ServiceItem.objects.filter(center=center).count() >= 200
    assert ServiceItem.objects.filter(center=center, entered=False).exists()
    assert not ServiceItem.objects.filter(center=center, materials=None).exists()
    assert Theme.objects.filter(center=center).count() >= 10


def check_enterprises(center):
    """The utilities, the telecom company and the seal maker are enterprises brought into the
    hall (seed 003), with their windows in an area of their own and items of their own: the
    hall's figures count them apart from the government's."""
    enterprises = Department.objects.filter(center=center, kind=Department.Kind.ENTERPRISE)
    assert set(enterprises.values_list("short_name", flat=True)) == org_demo.ENTERPRISES
    windows = Window.objects.filter(center=center, departments__in=enterprises).distinct()
    assert {w.area for w in windows if w.kind == Window.Kind.DEPARTMENT} == {
        org_demo.ENTERPRISE_AREA
    }
    assert not Window.objects.filter(center=center, area=org_demo.ENTERPRISE_AREA).exclude(
        departments__in=enterprises
    )
    today = timezone.localdate()
    both = items_in_hall_on(center_id=center.pk, day=today)
    government = items_in_hall_on(
        center_id=center.pk, day=today, department_kind=Department.Kind.GOVERNMENT
    )
    enterprise = items_in_hall_on(
        center_id=center.pk, day=today, department_kind=Department.Kind.ENTERPRISE
    )
    assert (
        enterprise
        == ServiceItem.objects.filter(
            center=center, department__in=enterprises, is_active=True, entered=True
        ).count()
    )
    assert (government + enterprise, enterprise) == (both, 17)


def check_logins(logins):
    usernames = dict((username, label) for label, username in logins)
    assert set(usernames) == {"admin", "lead", "window", "approver", "inspector", "leader", "root"}
    for username, role in [
        ("admin", Role.CENTER_ADMIN),
        ("lead", Role.UNIT_LEAD),
        ("window", Role.WINDOW_STAFF),
        ("approver", Role.APPROVER),
        ("inspector", Role.INSPECTOR),
        ("leader", Role.LEADER),
    ]:
        user = User.objects.get(username=username)
        assert user.groups.filter(name=role.value).exists()
        assert user.check_password("demo-pass-1")
    assert User.objects.get(username="admin").is_staff
    root = User.objects.get(username="root")
    assert root.is_superuser and root.center is None
    lead = User.objects.get(username="lead")
    assert lead.staff_profile.department.lead == lead


def check_search(center):
    """The guide search finds items by what people call them, the best match first."""

    def names(q):
        return [i.name for i in search_items(center_id=center.pk, query=GuideQuery(q=q))]

    licence = names("营业执照")
    assert licence.index("企业设立登记") <= 1  # after 营业执照遗失补领, whose name holds the words
    assert names("开公司")[0] == "企业设立登记"
    assert names("注册公司")[0] == "企业设立登记"
    marriage = names("结婚")
    assert marriage[0] == "结婚登记"
    assert marriage.index("结婚登记") < marriage.index("出生登记")
    assert names("领证")[0] == "结婚登记"
    assert names("结婚登记")[0] == "结婚登记"
    assert names("上户口")[0] == "出生登记"


def check_guides(center):
    forms = Material.objects.filter(item__center=center, needs_form=True)
    assert forms.exclude(form_file="").count() >= 150
    sample = forms.exclude(sample_file="").first()
    with sample.sample_file.open("rb") as handle:
        assert handle.read(2) == b"PK"  # a .docx is a zip archive
    found = {f.rule for f in lint_items(center_id=center.pk)}
    wanted = set(RULES) - {"missing_conditions", "missing_steps", "no_materials"}
    assert found == wanted
