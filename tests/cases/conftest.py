import pytest

from govhall.core.roles import sync_roles


@pytest.fixture(scope="session", autouse=True)
def _roles_with_case_permissions(django_db_setup, django_db_blocker):
    """Core syncs the role groups on its own post_migrate, before the cases app's permissions
    exist; sync again once the test database is complete."""
    with django_db_blocker.unblock():
        sync_roles()
