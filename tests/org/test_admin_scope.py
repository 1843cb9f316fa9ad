"""Who reads what in the admin: a unit's people their department, centre roles their centre.

Every role is tried on departments, staff, windows, items and materials of its own department,
another department of its centre and a department of another centre; refused POSTs change
nothing.
"""

import pytest
from django.urls import reverse

from govhall.catalog.models import ServiceItem
from govhall.core.roles import Role
from govhall.org.models import Department
from tests.factories import (
    CenterFactory,
    DepartmentFactory,
    MaterialFactory,
    ServiceItemFactory,
    StaffProfileFactory,
    WindowFactory,
)

pytestmark = pytest.mark.django_db

UNIT_ROLES = [Role.UNIT_LEAD, Role.WINDOW_STAFF, Role.APPROVER]
CENTRE_ROLES = [Role.CENTER_ADMIN, Role.LEADER, Role.INSPECTOR]
# admin model → how to find the record of a unit and the text that names it on a page
MODELS = ["department", "staffprofile", "window", "serviceitem", "material"]


def unit(center, label):
    department = DepartmentFactory(center=center, name=f"{label}局")
    item = ServiceItemFactory(center=center, department=department, name=f"{label}事项")
    records = {
        "department": (department, department.name),
        "staffprofile": (
            StaffProfileFactory(center=center, department=department, staff_number=f"NO-{label}"),
            f"NO-{label}",
        ),
        "window": (
            WindowFactory(center=center, name=f"{label}窗口", departments=[department]),
            f"{label}窗口",
        ),
        "serviceitem": (item, item.name),
        "material": (MaterialFactory(item=item, name=f"{label}材料"), f"{label}材料"),
    }
    return department, records


@pytest.fixture
def world(center):
    own_department, own = unit(center, "甲")
    _other_department, other = unit(center, "乙")
    _foreign_department, foreign = unit(CenterFactory(), "丙")
    return {"department": own_department, "own": own, "other": other, "foreign": foreign}


def app_of(model):
    return "org" if model in {"department", "staffprofile", "window"} else "catalog"


def changelist(model):
    return reverse(f"admin:{app_of(model)}_{model}_changelist")


def change(model, obj):
    return reverse(f"admin:{app_of(model)}_{model}_change", args=[obj.pk])


def history(model, obj):
    return reverse(f"admin:{app_of(model)}_{model}_history", args=[obj.pk])


@pytest.fixture
def login(client, make_user, world):
    def as_role(role):
        department = world["department"] if role in UNIT_ROLES else None
        client.force_login(make_user(role, department=department, is_staff=True))
        return client

    return as_role


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("role", UNIT_ROLES)
def test_unit_roles_read_their_department_only(login, world, role, model):
    client = login(role)
    page = client.get(changelist(model))
    assert page.status_code == 200
    assert world["own"][model][1] in page.text
    for elsewhere in ("other", "foreign"):
        obj, text = world[elsewhere][model]
        assert text not in page.text
        for url in (change(model, obj), history(model, obj)):
            refused = client.get(url)
            assert refused.status_code == 302
            assert refused["Location"] == reverse("admin:index")
    assert client.get(change(model, world["own"][model][0])).status_code == 200


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("role", CENTRE_ROLES)
def test_centre_roles_read_the_centre_never_another(login, world, role, model):
    client = login(role)
    page = client.get(changelist(model))
    assert page.status_code == 200
    assert world["own"][model][1] in page.text
    assert world["other"][model][1] in page.text
    assert world["foreign"][model][1] not in page.text
    assert client.get(change(model, world["other"][model][0])).status_code == 200
    assert client.get(change(model, world["foreign"][model][0])).status_code == 302
    assert client.get(history(model, world["foreign"][model][0])).status_code == 302


@pytest.mark.parametrize(
    ("role", "target", "status"),
    [
        (Role.UNIT_LEAD, "other", 302),  # may edit items, but not that one: "no such item"
        (Role.UNIT_LEAD, "foreign", 302),
        (Role.WINDOW_STAFF, "own", 403),  # reads, never writes
        (Role.APPROVER, "own", 403),
        (Role.LEADER, "own", 403),
        (Role.INSPECTOR, "other", 403),
        (Role.CENTER_ADMIN, "foreign", 302),
    ],
)
def test_refused_item_changes_change_nothing(login, world, role, target, status):
    item = world[target]["serviceitem"][0]
    before = ServiceItem.objects.values().get(pk=item.pk)
    response = login(role).post(change("serviceitem", item), {"name": "篡改后的名称"})
    assert response.status_code == status
    assert ServiceItem.objects.values().get(pk=item.pk) == before


@pytest.mark.parametrize("role", [Role.UNIT_LEAD, Role.WINDOW_STAFF, Role.LEADER])
def test_refused_department_changes_change_nothing(login, world, role):
    department = world["department"]
    before = Department.objects.values().get(pk=department.pk)
    response = login(role).post(change("department", department), {"name": "篡改"})
    assert response.status_code == 403
    assert Department.objects.values().get(pk=department.pk) == before


def test_unit_lead_adds_items_only_to_own_department(login, world):
    page = login(Role.UNIT_LEAD).get(reverse("admin:catalog_serviceitem_add"))
    assert page.status_code == 200
    choices = {str(d) for d in page.context["adminform"].form.fields["department"].queryset}
    assert choices == {"甲局"}


def test_unit_lead_edits_own_item(login, world):
    item = world["own"]["serviceitem"][0]
    client = login(Role.UNIT_LEAD)
    form = client.get(change("serviceitem", item)).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update(
        {
            "center": item.center_id,
            "department": item.department_id,
            "name": "甲事项(修订)",
            "materials-TOTAL_FORMS": "0",
            "materials-INITIAL_FORMS": "0",
        }
    )
    response = client.post(change("serviceitem", item), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    item.refresh_from_db()
    assert item.name == "甲事项(修订)"
    assert item.history.first().history_user.staff_profile.department == world["department"]
