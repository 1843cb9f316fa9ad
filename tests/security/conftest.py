"""The world the route walks run in: one of each object the routes name, and a person of each
kind to visit them as."""

from collections.abc import Iterator

import pytest
from django.db import transaction

from govhall.core.roles import Role
from tests.cases.factories import accept
from tests.factories import (
    CenterFactory,
    DepartmentFactory,
    ServiceItemFactory,
    UserFactory,
    ensure_working_calendar,
)
from tests.queueing.factories import QueueCategoryFactory, staffed_window
from tests.security.urlwalk import World


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """One of the objects the routes with arguments name, so their views get past the lookup,
    a centre administrator and a window clerk. Built once for the module, inside a transaction
    rolled back at its end; each test's own transaction is a savepoint within it, so what a
    request writes is gone before the next test."""
    with django_db_blocker.unblock(), transaction.atomic():
        ensure_working_calendar()
        center = CenterFactory()
        department = DepartmentFactory(center=center)
        item = ServiceItemFactory(center=center, department=department)
        category = QueueCategoryFactory(center=center)
        window, clerk = staffed_window(center, department, categories=[category])
        case = accept(item)
        yield World(
            arguments={
                "guide/": {"pk": item.pk},
                "cases/": {"number": case.number, "action": "accept"},
                "queue/terminal/": {"window_id": window.pk},
                "api/catalog/": {"pk": item.pk},
                "api/cases/": {"number": case.number, "pk": case.pk},
            },
            admin=UserFactory(center=center, roles=[Role.CENTER_ADMIN], is_staff=True),
            clerk=clerk.user,
        )
        transaction.set_rollback(True)
