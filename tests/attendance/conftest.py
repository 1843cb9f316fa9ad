import datetime as dt

import pytest
from django.utils import timezone

from govhall.core.roles import Role
from govhall.org.models import StaffProfile
from tests.attendance.factories import assign, standard_timetable
from tests.factories import WindowFactory

NOW = dt.datetime(2026, 11, 1, 12, 0, tzinfo=timezone.get_default_timezone())


@pytest.fixture
def timetable(center):
    return standard_timetable(center)


@pytest.fixture
def window(center, department):
    return WindowFactory(center=center, departments=[department])


@pytest.fixture
def staff_user(make_user, department, window):
    """A window staff member of `department` at `window`, assigned since 2026-01-01."""
    user = make_user(Role.WINDOW_STAFF, department=department)
    user.staff_profile.windows.add(window)
    assign(user.staff_profile)
    return user


@pytest.fixture
def staff(staff_user) -> StaffProfile:
    return staff_user.staff_profile


@pytest.fixture
def unit_lead(make_user, department):
    user = make_user(Role.UNIT_LEAD, department=department)
    assign(user.staff_profile)
    return user


@pytest.fixture
def other_lead(make_user, other_department):
    user = make_user(Role.UNIT_LEAD, department=other_department)
    assign(user.staff_profile)
    return user


@pytest.fixture
def inspector(make_user):
    return make_user(Role.INSPECTOR)
