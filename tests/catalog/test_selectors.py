import pytest

from govhall.catalog.selectors import GuideQuery, public_center, search_items
from govhall.core.errors import NotFound
from tests.factories import (
    CenterFactory,
    DepartmentFactory,
    MaterialFactory,
    ServiceItemFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def found(center, **query):
    return [i.name for i in search_items(center_id=center.pk, query=GuideQuery(**query))]


@pytest.fixture
def catalogue(center, department, other_department):
    department.name, department.short_name = "市场监督管理局", "市场监管"
    department.save()
    other_department.name = "不动产登记服务中心"
    other_department.save()
    theme = ThemeFactory(center=center, name="企业开办")
    company = ServiceItemFactory(
        center=center, department=department, name="企业设立登记", code="A-001", online=True
    )
    company.themes.add(theme)
    MaterialFactory(item=company, name="公司章程")
    estate = ServiceItemFactory(
        center=center, department=other_department, name="不动产转移登记", code="B-002"
    )
    MaterialFactory(item=estate, name="不动产权证书")
    MaterialFactory(item=estate, name="不动产买卖合同")
    ServiceItemFactory(center=center, department=department, name="已停用事项", is_active=False)
    return {"theme": theme, "company": company, "estate": estate}


def test_keyword_matches_name_code_department_and_material(center, catalogue):
    assert found(center, q="设立") == ["企业设立登记"]
    assert found(center, q="B-002") == ["不动产转移登记"]
    assert found(center, q="市场监管") == ["企业设立登记"]
    assert found(center, q="章程") == ["企业设立登记"]
    # two materials of one item match once
    assert found(center, q="不动产") == ["不动产转移登记"]
    assert found(center, q="登记 章程") == ["企业设立登记"]
    assert found(center, q="没有这个事项") == []


def test_filters(center, department, catalogue):
    assert found(center, department_id=department.pk) == ["企业设立登记"]
    assert found(center, theme_id=catalogue["theme"].pk) == ["企业设立登记"]
    assert found(center, online=True) == ["企业设立登记"]
    assert found(center, kind="ruling") == []


def test_retired_items_and_other_centres_are_not_public(center, catalogue):
    foreign = DepartmentFactory(center=CenterFactory())
    ServiceItemFactory(center=foreign.center, department=foreign, name="外地事项")
    assert sorted(found(center)) == ["不动产转移登记", "企业设立登记"]


def test_items_not_in_the_hall_are_listed_unless_asked(center, department, catalogue):
    department.entered = False
    department.save()
    assert sorted(found(center)) == ["不动产转移登记", "企业设立登记"]
    assert found(center, in_hall=True) == ["不动产转移登记"]


def test_public_center_choice(center):
    other = CenterFactory(region_code="419999")
    assert public_center(region_code="419999") == other
    assert public_center(preferred_id=other.pk) == other
    assert public_center() == min(center, other, key=lambda c: c.region_code)
    with pytest.raises(NotFound):
        public_center(region_code="000000")
