"""A unit's kind (政府部门 / 企业): the centre's administrator sets it in the admin, the list
shows and filters it, and its history carries it so the hall on a date counts it as it was."""

import pytest
from django.urls import reverse
from django.utils import timezone

from govhall.core.roles import Role
from govhall.org import selectors
from govhall.org.models import Department
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def test_the_administrator_brings_in_an_enterprise(client, make_user, center):
    unit = DepartmentFactory(center=center, name="供水公司")
    assert unit.kind == Department.Kind.GOVERNMENT  # the default
    client.force_login(make_user(Role.CENTER_ADMIN, is_staff=True))
    url = reverse("admin:org_department_change", args=[unit.pk])
    form = client.get(url).context["adminform"].form
    assert list(form.fields["kind"].choices) == [
        ("government", "政府部门"),
        ("enterprise", "入驻企业"),
    ]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update({"center": center.pk, "kind": "enterprise"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    unit.refresh_from_db()
    assert unit.kind == Department.Kind.ENTERPRISE
    assert [h.kind for h in unit.history.order_by("history_date")] == ["government", "enterprise"]
    today = timezone.localdate()
    assert selectors.departments_in_hall_on(center_id=center.pk, day=today, kind="enterprise") == 1
    assert selectors.departments_in_hall_on(center_id=center.pk, day=today, kind="government") == 0

    listing = client.get(reverse("admin:org_department_changelist"), {"kind__exact": "enterprise"})
    assert listing.status_code == 200
    assert "供水公司" in listing.content.decode()
    none = client.get(reverse("admin:org_department_changelist"), {"kind__exact": "government"})
    assert "供水公司" not in none.content.decode()
