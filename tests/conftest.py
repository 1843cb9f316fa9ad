import types

import django_ratelimit.core
import pytest

from govhall.core.roles import Role
from tests.factories import (
    CenterFactory,
    DepartmentFactory,
    StaffProfileFactory,
    UserFactory,
    ensure_working_calendar,
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests make many users; the production hasher costs half a second each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _still_rate_window(monkeypatch):
    """django-ratelimit counts in fixed windows that end at a moment of the clock (for "10/m" a
    key's own second of each minute); a test's eleventh try that falls past that moment is
    counted afresh and let through. Its clock stands still in tests, so a limit is reached
    however slowly the tries run; a test clears the cache to start again."""
    monkeypatch.setattr(django_ratelimit.core, "time", types.SimpleNamespace(time=lambda: 1.8e9))


DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


@pytest.fixture(autouse=True)
def _working_calendar(request, django_db_blocker):
    """The calendar the migrations seed, back after a transactional test flushed the tables."""
    if not (
        request.node.get_closest_marker("django_db") or DB_FIXTURES & set(request.fixturenames)
    ):
        return
    request.getfixturevalue("django_db_setup")
    with django_db_blocker.unblock():
        ensure_working_calendar()


@pytest.fixture
def center():
    return CenterFactory()


@pytest.fixture
def department(center):
    return DepartmentFactory(center=center)


@pytest.fixture
def other_department(center):
    return DepartmentFactory(center=center)


@pytest.fixture
def make_user(center):
    """make_user(Role.WINDOW_STAFF, department=dept) → a user with that role in that unit."""

    def make(*roles: Role, department=None, **kwargs):
        user = UserFactory(center=kwargs.pop("user_center", center), roles=list(roles), **kwargs)
        if department is not None:
            StaffProfileFactory(center=user.center, user=user, department=department)
        return user

    return make


@pytest.fixture
def admin_user(make_user):
    return make_user(Role.CENTER_ADMIN, is_staff=True)
