import pytest
from django.contrib.auth.models import Group

from govhall.core.roles import Role
from tests.factories import StaffProfileFactory, WindowFactory


@pytest.fixture
def window(center, department):
    return WindowFactory(center=center, departments=[department])


@pytest.fixture
def clerk(center, department, window):
    """A window staff member of `department` at `window`."""
    profile = StaffProfileFactory(center=center, department=department, windows=[window])
    profile.user.groups.add(Group.objects.get(name=Role.WINDOW_STAFF))
    return profile


@pytest.fixture
def citizen():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()
