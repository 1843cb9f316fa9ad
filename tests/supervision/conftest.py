import datetime as dt

import pytest

from govhall.core.roles import Role
from govhall.supervision import services
from govhall.supervision.models import Phase

SEED_002_PHASES = {
    Phase.Kind.SELF_CHECK: dt.date(2018, 5, 20),
    Phase.Kind.INSPECTION: dt.date(2018, 6, 20),
    Phase.Kind.CONSOLIDATION: dt.date(2018, 7, 20),
}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Re-sync the role groups once the whole schema exists.

    The core app syncs them on its own post_migrate, which Django sends before the later apps'
    permissions are created, so on a fresh test database those apps' grants are missing.
    """
    from govhall.core.roles import sync_roles

    with django_db_blocker.unblock():
        sync_roles()


@pytest.fixture
def inspector(make_user):
    return make_user(Role.INSPECTOR)


@pytest.fixture
def lead(make_user, department):
    return make_user(Role.UNIT_LEAD, department=department)


@pytest.fixture
def other_lead(make_user, other_department):
    return make_user(Role.UNIT_LEAD, department=other_department)


@pytest.fixture
def campaign(admin_user, center, department, other_department):
    return services.create_campaign(
        actor=admin_user,
        center_id=center.pk,
        title="窗口服务突出问题排查整改",
        issuer="砀山县人民政府办公室",
        issued_on=dt.date(2018, 5, 9),
        census_due=dt.datetime(2018, 5, 10, 10, 0, tzinfo=dt.UTC) - dt.timedelta(hours=8),
        phase_ends=SEED_002_PHASES,
        department_ids=[department.pk, other_department.pk],
        towns=["李庄镇"],
    )


@pytest.fixture
def unit(campaign, department):
    return campaign.units.get(department=department)


@pytest.fixture
def other_unit(campaign, other_department):
    return campaign.units.get(department=other_department)


@pytest.fixture
def town(campaign):
    return campaign.units.get(kind="town")


@pytest.fixture
def category(campaign):
    return campaign.categories.get(key="unclear_requirements")


@pytest.fixture
def clock(monkeypatch):
    """clock(datetime or date): `timezone.now()` returns that moment (a date means 10:00 local)."""
    from django.utils import timezone

    def set_now(moment):
        if isinstance(moment, dt.date) and not isinstance(moment, dt.datetime):
            moment = dt.datetime.combine(moment, dt.time(10, 0))
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return set_now


@pytest.fixture(autouse=True)
def during_self_check(clock):
    """Tests run on 2018-05-12 (the seed campaign's self-check) unless they set the clock."""
    return clock(dt.date(2018, 5, 12))
