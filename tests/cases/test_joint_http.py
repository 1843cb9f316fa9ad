"""并联审批 through the pages and the API (the services decide; test_joint.py has the dates).

Accepted Mon 2026-03-02: the whole is due Fri 2026-05-08 (45 working days, 清明 04-04..06 and
劳动节 05-01..05 off); extended by 15, Thu 2026-05-28.
"""

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from govhall.cases.models import Case, JointCase
from govhall.core.roles import Role
from tests.cases.factories import accept_joint, at, joint_package
from tests.factories import DepartmentFactory, MaterialFactory, ServiceItemFactory, make_id_number

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def lead(center):
    return DepartmentFactory(center=center, name="市场监管局")


@pytest.fixture
def fire(center):
    return DepartmentFactory(center=center, name="消防救援大队")


@pytest.fixture
def package(center, lead, fire):
    items = [
        ServiceItemFactory(center=center, department=lead, promised_limit_days=5),
        ServiceItemFactory(center=center, department=fire, promised_limit_days=10),
    ]
    for item in items:
        MaterialFactory(item=item, name=f"申请书{item.pk}")
    return joint_package(center, items, lead=lead)


@pytest.fixture
def whole(package):
    return accept_joint(package, day=D(2026, 3, 2))


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def steps(whole):
    return list(Case.objects.filter(joint_step__joint=whole).order_by("joint_step__id"))


# --- API ---------------------------------------------------------------------------------------


def test_api_accept_a_package_at_the_lead_window(make_user, lead, package):
    clerk = make_user(Role.WINDOW_STAFF, department=lead)
    items = list(package.items.order_by("pk"))
    body = {
        "package": package.pk,
        "applicant_type": "person",
        "applicant_name": "赵六",
        "id_number": make_id_number(77),
        "phone": "13600001234",
        "materials_received": {str(i.pk): [f"申请书{i.pk}"] for i in items},
    }
    response = api_as(clerk).post(reverse("cases-api-joint-accept"), body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["limit_days"] == 45
    assert [s["department"] for s in data["steps"]] == [lead.pk, items[1].department_id]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"package": 999999}, None),
        ({"materials_received": {"x": []}}, "materials_received"),
        ({"materials_received": {}}, None),
        ({"applicant_type": "robot"}, "applicant_type"),
        ({"id_number": "123"}, None),
    ],
)
def test_api_accept_bad_input_is_400_and_changes_nothing(make_user, lead, package, change, field):
    body = {
        "package": package.pk,
        "applicant_type": "person",
        "applicant_name": "赵六",
        "id_number": make_id_number(78),
        "phone": "13600001234",
        "materials_received": {str(i.pk): [f"申请书{i.pk}"] for i in package.items.all()},
        **change,
    }
    clerk = make_user(Role.WINDOW_STAFF, department=lead)
    response = api_as(clerk).post(reverse("cases-api-joint-accept"), body, format="json")
    assert response.status_code == 400
    assert "code" in response.json()
    assert not JointCase.objects.exists() and not Case.objects.exists()


def test_api_other_department_cannot_accept(make_user, fire, package):
    body = {
        "package": package.pk,
        "applicant_type": "person",
        "applicant_name": "赵六",
        "id_number": make_id_number(79),
        "phone": "13600001234",
        "materials_received": {str(i.pk): [f"申请书{i.pk}"] for i in package.items.all()},
    }
    clerk = make_user(Role.WINDOW_STAFF, department=fire)
    response = api_as(clerk).post(reverse("cases-api-joint-accept"), body, format="json")
    assert response.status_code == 403
    assert not JointCase.objects.exists()


def test_api_detail_shows_a_department_its_own_step_only(make_user, lead, fire, whole, center):
    url = reverse("cases-api-joint-detail", args=[whole.number])
    lead_view = api_as(make_user(Role.APPROVER, department=lead)).get(url).json()
    fire_view = api_as(make_user(Role.APPROVER, department=fire)).get(url).json()
    assert len(lead_view["steps"]) == 2
    assert [s["department"] for s in fire_view["steps"]] == [fire.pk]
    assert fire_view["due_date"] == "2026-05-08"
    outsider = make_user(Role.APPROVER, department=DepartmentFactory(center=center))
    assert api_as(outsider).get(url).status_code == 404


@pytest.mark.parametrize(
    ("who", "step", "status"),
    [("fire", 1, 200), ("fire", 0, 403), ("lead", 1, 403), ("anonymous", 1, 403)],
)
def test_api_decide_own_step_only(make_user, lead, fire, whole, who, step, status):
    case = steps(whole)[step]
    client = (
        APIClient()
        if who == "anonymous"
        else api_as(make_user(Role.APPROVER, department=fire if who == "fire" else lead))
    )
    url = reverse("cases-api-joint-decide", args=[whole.number, case.number])
    response = client.post(url, {"approved": True}, format="json")
    assert response.status_code == status
    case.refresh_from_db()
    assert (case.state == Case.State.COMPLETED) is (status == 200)


def test_api_decide_bad_input(make_user, fire, whole):
    client = api_as(make_user(Role.APPROVER, department=fire))
    case = steps(whole)[1]
    url = reverse("cases-api-joint-decide", args=[whole.number, case.number])
    assert client.post(url, {"approved": "maybe"}, format="json").status_code == 400
    # Denied without a reason.
    assert client.post(url, {"approved": False}, format="json").status_code == 400
    wrong = reverse("cases-api-joint-decide", args=[whole.number, "nope"])
    assert client.post(wrong, {"approved": True}, format="json").status_code == 404
    case.refresh_from_db()
    assert case.state == Case.State.ACCEPTED


def test_api_extend_by_the_head_and_bad_days(make_user, lead, package, whole):
    client = api_as(make_user(Role.UNIT_LEAD, department=lead))
    # Accepted 03-02, due 05-08: asked today (after the due date) the extension is refused.
    late = reverse("cases-api-joint-extend", args=[whole.number])
    assert client.post(late, {"days": 5, "reason": "联合踏勘"}, format="json").status_code == 409
    current = accept_joint(package)
    url = reverse("cases-api-joint-extend", args=[current.number])
    assert client.post(url, {"days": 16, "reason": "联合踏勘"}, format="json").status_code == 400
    assert client.post(url, {"days": 15}, format="json").status_code == 400
    response = client.post(url, {"days": 15, "reason": "联合踏勘"}, format="json")
    assert response.status_code == 200
    assert response.json()["extension_days"] == 15
    again = client.post(url, {"days": 1, "reason": "再次"}, format="json")
    assert again.status_code == 409


def test_api_figures_whole_and_departments(make_user, lead, fire, whole, center):
    # Both steps decided Fri 03-06: the whole completed in 4 working days (03-03..06).
    from govhall.cases import joint

    for case in steps(whole):
        joint.decide_step(actor=None, joint=whole, case=case, approved=True, at=at(D(2026, 3, 6)))
    url = reverse("cases-api-joint-figures") + "?start=2026-03-01&end=2026-03-31"
    admin = api_as(make_user(Role.CENTER_ADMIN)).get(url).json()
    assert admin["total"] == {
        "accepted": 1,
        "completed": 1,
        "denied": 0,
        "overdue": 0,
        "avg_workdays": 4.0,
    }
    rows = {r["department"]: r for r in admin["departments"]}
    assert rows[fire.pk] == {
        "department": fire.pk,
        "received": 1,
        "done": 1,
        "on_time": 1,
        "overdue": 0,
    }
    head = api_as(make_user(Role.UNIT_LEAD, department=fire)).get(url).json()
    assert [r["department"] for r in head["departments"]] == [fire.pk]
    bad = reverse("cases-api-joint-figures") + "?start=2026-03-31&end=2026-03-01"
    assert api_as(make_user(Role.CENTER_ADMIN)).get(bad).status_code == 400
    clerk = make_user(Role.WINDOW_STAFF, department=fire)
    assert api_as(clerk).get(url).status_code == 403


# --- pages -------------------------------------------------------------------------------------


def test_list_page_shows_the_joint_case_and_the_figures(client, make_user, whole):
    client.force_login(make_user(Role.CENTER_ADMIN))
    page = client.get(reverse("cases:joint_list") + "?start=2026-03-01&end=2026-03-31")
    assert page.status_code == 200
    text = page.content.decode()
    assert whole.number in text and 'data-testid="joint-figures"' in text
    assert "2026-05-08" in text
    bad = client.get(reverse("cases:joint_list") + "?start=x&end=2026-03-31")
    assert bad.status_code == 400


def test_detail_page_decide_own_step_and_not_the_others(client, make_user, fire, whole):
    client.force_login(make_user(Role.APPROVER, department=fire))
    licence, check = steps(whole)
    page = client.get(reverse("cases:joint_detail", args=[whole.number])).content.decode()
    assert check.number in page and licence.number not in page
    url = reverse("cases:joint_act", args=[whole.number, "decide"])
    refused = client.post(url, {"step": licence.number, f"decide-{licence.number}-approved": "1"})
    assert refused.status_code == 403
    bad = client.post(url, {"step": check.number, f"decide-{check.number}-approved": "x"})
    assert bad.status_code == 400
    done = client.post(url, {"step": check.number, f"decide-{check.number}-approved": "1"})
    assert done.status_code == 302
    licence.refresh_from_db()
    check.refresh_from_db()
    assert (licence.state, check.state) == (Case.State.ACCEPTED, Case.State.COMPLETED)


def test_page_extension_needs_the_lead_head(client, make_user, lead, fire, whole):
    url = reverse("cases:joint_act", args=[whole.number, "extend"])
    client.force_login(make_user(Role.UNIT_LEAD, department=fire))
    assert client.post(url, {"extend-days": "5", "extend-reason": "踏勘"}).status_code == 403
    client.force_login(make_user(Role.UNIT_LEAD, department=lead))
    assert client.post(url, {"extend-days": "20", "extend-reason": "踏勘"}).status_code == 400
    whole.refresh_from_db()
    assert whole.extension_days == 0


def test_accept_page(client, make_user, lead, package):
    client.force_login(make_user(Role.WINDOW_STAFF, department=lead))
    url = reverse("cases:joint_accept") + f"?package={package.pk}"
    assert client.get(url).status_code == 200
    values = [f"{i.pk}:申请书{i.pk}" for i in package.items.all()]
    form = {
        "applicant_type": "person",
        "applicant_name": "钱七",
        "identifier": make_id_number(80),
        "phone": "13500001234",
        "received": values[:1],
    }
    missing = client.post(url, form)
    assert missing.status_code == 400 and not JointCase.objects.exists()
    done = client.post(url, {**form, "received": values})
    assert done.status_code == 302
    assert JointCase.objects.get().steps.count() == 2


def test_a_department_lists_the_joint_case_with_every_step_counted(client, make_user, fire, whole):
    # The fire department sees one step of two, but the list counts the whole's steps.
    client.force_login(make_user(Role.APPROVER, department=fire))
    page = client.get(reverse("cases:joint_list")).content.decode()
    assert whole.number in page
    assert ">0/2<" in page
    assert 'data-testid="joint-figures"' not in page
