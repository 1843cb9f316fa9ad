import pytest

from govhall.core.roles import Role
from govhall.org.models import Department
from govhall.org.scoping import scope_for
from tests.factories import CenterFactory, DepartmentFactory

pytestmark = pytest.mark.django_db


def test_unit_roles_see_their_department_only(make_user, department, other_department):
    for role in (Role.UNIT_LEAD, Role.WINDOW_STAFF, Role.APPROVER):
        user = make_user(role, department=department)
        visible = scope_for(user).filter(Department.objects.all(), department_field="pk")
        assert list(visible) == [department]


def test_centre_roles_see_the_whole_centre_not_others(make_user, department, other_department):
    foreign = DepartmentFactory(center=CenterFactory())
    for role in (Role.CENTER_ADMIN, Role.LEADER, Role.INSPECTOR):
        user = make_user(role)
        visible = set(scope_for(user).filter(Department.objects.all(), department_field="pk"))
        assert visible == {department, other_department}
        assert foreign not in visible


def test_user_without_profile_or_role_sees_nothing(make_user, department):
    user = make_user()
    assert not scope_for(user).filter(Department.objects.all(), department_field="pk").exists()
