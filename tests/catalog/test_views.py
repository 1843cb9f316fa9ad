import pytest
from django.urls import reverse

from govhall.catalog.views import GUIDES_PER_PAGE
from govhall.core.roles import Role
from tests.catalog.factories import clean_item
from tests.factories import CenterFactory, DepartmentFactory, MaterialFactory, ServiceItemFactory

pytestmark = pytest.mark.django_db

LIST = reverse("catalog:guide_list")


def detail(item):
    return reverse("catalog:guide_detail", args=[item.pk])


def test_guide_list_without_login(client, center, department):
    item = clean_item(center=center, department=department, name="食品经营许可")
    response = client.get(LIST)
    assert response.status_code == 200
    assert "食品经营许可" in response.text
    assert detail(item) in response.text


def test_search_finds_an_item(client, center, department):
    clean_item(center=center, department=department, name="食品经营许可")
    clean_item(center=center, department=department, name="药品零售企业许可")
    response = client.get(LIST, {"q": "食品"})
    assert "食品经营许可" in response.text
    assert "药品零售企业许可" not in response.text


def test_htmx_search_returns_only_the_results(client, center, department):
    clean_item(center=center, department=department, name="食品经营许可")
    response = client.get(
        LIST, {"q": "食品"}, headers={"HX-Request": "true", "HX-Target": "guide-results"}
    )
    assert "食品经营许可" in response.text
    assert "<html" not in response.text


def test_pagination_keeps_the_query(client, center, department):
    for n in range(GUIDES_PER_PAGE + 3):
        ServiceItemFactory(center=center, department=department, name=f"登记事项{n:02d}")
    first = client.get(LIST, {"q": "登记"})
    assert first.context["page"].paginator.num_pages == 2
    assert "?q=%E7%99%BB%E8%AE%B0&page=2" in first.text
    second = client.get(LIST, {"q": "登记", "page": "2"})
    assert len(second.context["page"].object_list) == 3


@pytest.mark.parametrize(
    "params",
    [
        {"department": "abc"},
        {"theme": "999999"},
        {"kind": "nonsense"},
        {"page": "-1"},
        {"q": "x" * 500},
        {"in_hall": "maybe"},
    ],
)
def test_bad_input_never_fails(client, center, department, params):
    clean_item(center=center, department=department)
    assert client.get(LIST, params).status_code == 200


def test_unknown_centre_is_404(client, center):
    assert client.get(LIST, {"center": "000000"}).status_code == 404


def test_guide_page_shows_every_field(client, center, department):
    item = clean_item(
        center=center,
        department=department,
        name="食品经营许可",
        conditions="具有与经营的食品品种相适应的场所",
        basis="《中华人民共和国食品安全法》第三十五条",
        fees="不收费",
        steps="申请、受理、审查、决定",
        location="市民中心二楼",
        hours="周一至周五",
        legal_limit_days=20,
        promised_limit_days=5,
        consult_phone="0396-2612345",
        supervise_phone="12345",
    )
    response = client.get(detail(item))
    assert response.status_code == 200
    text = response.text
    for expected in [
        "食品经营许可",
        item.code,
        department.name,
        "具有与经营的食品品种相适应的场所",
        "《中华人民共和国食品安全法》第三十五条",
        "不收费",
        "申请、受理、审查、决定",
        "市民中心二楼",
        "周一至周五",
        "20 个工作日",
        "5 个工作日",
        "0396-2612345",
        "12345",
        "申请人居民身份证",
        "《食品经营许可申请表》",
        "data-print",
    ]:
        assert expected in text, expected
    form = item.materials.get(needs_form=True)
    assert reverse("catalog:material_form", args=[item.pk, form.pk]) in text
    assert reverse("catalog:material_sample", args=[item.pk, form.pk]) in text


def test_item_not_in_hall_is_marked(client, center, department):
    item = clean_item(center=center, department=department, entered=False)
    assert "暂未进驻大厅" in client.get(detail(item)).text


def test_retired_item_is_404(client, center, department):
    item = clean_item(center=center, department=department, is_active=False)
    assert client.get(detail(item)).status_code == 404


def test_form_and_sample_downloads(client, center, department):
    item = clean_item(center=center, department=department)
    form = item.materials.get(needs_form=True)
    response = client.get(reverse("catalog:material_form", args=[item.pk, form.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"blank form"
    assert "attachment" in response["Content-Disposition"]
    response = client.get(reverse("catalog:material_sample", args=[item.pk, form.pk]))
    assert b"".join(response.streaming_content) == b"sample"


def test_download_refusals(client, center, department, other_department):
    item = clean_item(center=center, department=department)
    plain = item.materials.get(needs_form=False)
    other = clean_item(center=center, department=other_department)
    foreign_form = other.materials.get(needs_form=True)
    # a material without file, a material of another item, a missing file on disk
    assert client.get(reverse("catalog:material_form", args=[item.pk, plain.pk])).status_code == 404
    url = reverse("catalog:material_form", args=[item.pk, foreign_form.pk])
    assert client.get(url).status_code == 404
    form = item.materials.get(needs_form=True)
    form.form_file.storage.delete(form.form_file.name)
    assert client.get(reverse("catalog:material_form", args=[item.pk, form.pk])).status_code == 404


LINT = reverse("catalog:lint")


@pytest.fixture
def flawed(center, department, other_department):
    own = clean_item(center=center, department=department, fees="")
    other = clean_item(center=center, department=other_department, basis="")
    foreign_department = DepartmentFactory(center=CenterFactory())
    foreign = clean_item(center=foreign_department.center, department=foreign_department, fees="")
    MaterialFactory(item=foreign, name="其他材料")
    return {"own": own, "other": other, "foreign": foreign}


def test_lint_page_needs_login(client, flawed):
    response = client.get(LINT)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("role", [Role.WINDOW_STAFF, Role.APPROVER])
def test_lint_page_refused_without_permission(client, make_user, department, flawed, role):
    client.force_login(make_user(role, department=department))
    assert client.get(LINT).status_code == 403


@pytest.mark.parametrize("role", [Role.CENTER_ADMIN, Role.LEADER, Role.INSPECTOR])
def test_lint_page_centre_roles_see_the_centre(client, make_user, flawed, role):
    client.force_login(make_user(role))
    response = client.get(LINT)
    assert response.status_code == 200
    shown = {f.item_id for f in response.context["findings"]}
    assert shown == {flawed["own"].pk, flawed["other"].pk}


def test_lint_page_unit_lead_sees_own_department(client, make_user, department, flawed):
    client.force_login(make_user(Role.UNIT_LEAD, department=department))
    response = client.get(LINT)
    assert [f.item_id for f in response.context["findings"]] == [flawed["own"].pk]
    assert flawed["other"].name not in response.text


def test_lint_page_filters(client, admin_user, flawed):
    client.force_login(admin_user)
    response = client.get(LINT, {"rule": "missing_basis"})
    assert [f.rule for f in response.context["findings"]] == ["missing_basis"]
    response = client.get(LINT, {"severity": "warning"})
    assert response.context["findings"] == []
    assert client.get(LINT, {"rule": "nonsense"}).status_code == 200


def test_platform_operator_picks_the_centre(client, django_user_model, flawed):
    root = django_user_model.objects.create_superuser("root", password="x", center=None)
    client.force_login(root)
    foreign_center = flawed["foreign"].center
    response = client.get(LINT, {"center": foreign_center.region_code})
    assert {f.item_id for f in response.context["findings"]} == {flawed["foreign"].pk}
    assert {f.rule for f in response.context["findings"]} == {"missing_fees", "catch_all_material"}


def test_guide_pages_do_not_query_per_item(client, center, department, other_department,
                                          django_assert_max_num_queries):  # fmt: skip
    for n in range(15):
        clean_item(center=center, department=department if n % 2 else other_department)
    with django_assert_max_num_queries(8):
        assert client.get(LIST).status_code == 200
    item = clean_item(center=center, department=department)
    with django_assert_max_num_queries(8):
        assert client.get(detail(item)).status_code == 200
