import pytest

from govhall.core.roles import Role
from tests.factories import StaffProfileFactory


@pytest.fixture
def office(make_user):
    """The centre's office: organises training and records who took part."""
    return make_user(Role.CENTER_ADMIN)


@pytest.fixture
def staff_of(center):
    def make(department, n=1, **kwargs):
        return [
            StaffProfileFactory(center=center, department=department, **kwargs) for _ in range(n)
        ]

    return make
