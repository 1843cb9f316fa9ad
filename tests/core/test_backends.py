"""The permissions backend: Django's answer, with the user's roles, in one query."""

import pytest
from django.contrib.auth import backends
from django.contrib.auth.models import Group, Permission

from govhall.core.backends import ModelBackend
from govhall.core.roles import Role, roles_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _fresh(user):
    return type(user).objects.get(pk=user.pk)


def test_own_and_group_permissions_as_django_reads_them_in_one_query(
    django_assert_num_queries,
):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=Role.WINDOW_STAFF.value))
    user.user_permissions.add(Permission.objects.get(codename="view_center"))
    expected = backends.ModelBackend().get_all_permissions(_fresh(user))
    assert "core.view_center" in expected and "queueing.call_ticket" in expected

    user = _fresh(user)
    with django_assert_num_queries(1):
        assert ModelBackend().get_all_permissions(user) == expected
        assert user.has_perm("queueing.call_ticket")
        assert not user.has_perm("feedback.decide_appeal")  # a supervisor's, not the window's
        assert roles_of(user) == {Role.WINDOW_STAFF}


def test_roles_read_first_bring_the_permissions_along(django_assert_num_queries):
    user = UserFactory()
    user.groups.add(*Group.objects.filter(name__in=[Role.UNIT_LEAD.value, Role.LEADER.value]))
    user.groups.add(Group.objects.create(name="不是角色的组"))  # a group, but not a role
    expected = backends.ModelBackend().get_all_permissions(_fresh(user))

    user = _fresh(user)
    with django_assert_num_queries(1):
        assert roles_of(user) == {Role.UNIT_LEAD, Role.LEADER}
        assert ModelBackend().get_all_permissions(user) == expected


def test_a_role_without_permissions_is_still_a_role():
    user = UserFactory()
    empty = Group.objects.get(name=Role.APPROVER.value)
    empty.permissions.clear()
    user.groups.add(empty)
    user = _fresh(user)
    assert roles_of(user) == {Role.APPROVER}
    assert ModelBackend().get_all_permissions(user) == set()


def test_superuser_has_every_permission_and_an_inactive_user_none():
    admin = UserFactory(is_superuser=True)
    assert len(ModelBackend().get_all_permissions(admin)) == Permission.objects.count()
    gone = UserFactory(is_active=False)
    gone.groups.add(Group.objects.get(name=Role.WINDOW_STAFF.value))
    assert ModelBackend().get_all_permissions(_fresh(gone)) == set()
    assert ModelBackend().get_all_permissions(_fresh(gone), obj=object()) == set()
