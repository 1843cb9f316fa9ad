import pytest
import yaml
from django.urls import reverse

from govhall.core.roles import Role
from tests.catalog.factories import clean_item
from tests.factories import CenterFactory, DepartmentFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def test_item_list_is_public_and_searchable(client, center, department):
    item = clean_item(center=center, department=department, name="食品经营许可")
    clean_item(center=center, department=department, name="药品零售企业许可")
    response = client.get("/api/catalog/items/", {"q": "食品", "center": center.region_code})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [row] = body["results"]
    assert (row["id"], row["name"], row["department"]["name"]) == (
        item.pk,
        "食品经营许可",
        department.name,
    )
    assert row["url"] == reverse("catalog:guide_detail", args=[item.pk])


def test_item_detail_has_the_whole_guide(client, center, department):
    item = clean_item(center=center, department=department)
    theme = ThemeFactory(center=center, name="企业开办")
    item.themes.add(theme)
    body = client.get(f"/api/catalog/items/{item.pk}/").json()
    assert body["fees"] == item.fees
    assert body["basis"] == item.basis
    assert body["consult_phone"] == item.consult_phone
    assert [t["name"] for t in body["themes"]] == ["企业开办"]
    form = next(m for m in body["materials"] if m["needs_form"])
    assert form["form_url"].endswith("/form/")
    assert form["sample_url"].endswith("/sample/")
    plain = next(m for m in body["materials"] if not m["needs_form"])
    assert plain["form_url"] is None


@pytest.mark.parametrize(
    ("url", "params", "status"),
    [
        ("/api/catalog/items/", {"department": "x"}, 400),
        ("/api/catalog/items/", {"department": "99999999999999999999999"}, 400),
        ("/api/catalog/items/", {"theme": "9223372036854775808"}, 400),
        ("/api/catalog/items/", {"kind": "nonsense"}, 400),
        ("/api/catalog/items/", {"center": "12"}, 400),
        ("/api/catalog/items/", {"center": "000000"}, 404),
        ("/api/catalog/items/999999/", {}, 404),
        ("/api/catalog/themes/", {"center": "000000"}, 404),
    ],
)
def test_bad_input_is_a_json_error(client, center, department, url, params, status):
    clean_item(center=center, department=department)
    response = client.get(url, params)
    assert response.status_code == status
    assert set(response.json()) == {"code", "message", "detail"}


def test_departments_and_themes(client, center, department, other_department):
    clean_item(center=center, department=department)
    ThemeFactory(center=center, name="企业开办")
    params = {"center": center.region_code}
    departments = client.get("/api/catalog/departments/", params).json()
    assert [d["name"] for d in departments] == [department.name]
    themes = client.get("/api/catalog/themes/", params).json()
    assert [t["name"] for t in themes] == ["企业开办"]


def test_lint_api_scoped(client, make_user, center, department, other_department):
    own = clean_item(center=center, department=department, fees="")
    clean_item(center=center, department=other_department, fees="")
    foreign = DepartmentFactory(center=CenterFactory())
    clean_item(center=foreign.center, department=foreign, fees="")
    assert client.get("/api/catalog/lint/").status_code in (401, 403)
    client.force_login(make_user(Role.WINDOW_STAFF, department=department))
    assert client.get("/api/catalog/lint/").status_code == 403
    client.force_login(make_user(Role.UNIT_LEAD, department=department))
    rows = client.get("/api/catalog/lint/").json()
    assert [(r["item_id"], r["rule"], r["severity"]) for r in rows] == [
        (own.pk, "missing_fees", "error")
    ]
    client.force_login(make_user(Role.INSPECTOR))
    assert len(client.get("/api/catalog/lint/").json()) == 2


def test_schema_lists_the_catalogue_api(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    for path in [
        "/api/catalog/items/",
        "/api/catalog/items/{id}/",
        "/api/catalog/departments/",
        "/api/catalog/themes/",
        "/api/catalog/lint/",
    ]:
        assert path in schema["paths"], path
    params = {p["name"] for p in schema["paths"]["/api/catalog/items/"]["get"]["parameters"]}
    assert {"q", "department", "theme", "kind", "center", "limit", "offset"} <= params
