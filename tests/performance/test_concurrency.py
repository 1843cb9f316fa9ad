"""Two computations of the same period at once take versions n and n + 1 (PostgreSQL row lock
on the period), instead of one of them failing on the unique (period, version) constraint."""

import datetime as dt
import threading

import pytest
from django.db import connection

from govhall.performance import services
from govhall.performance.models import EvaluationRun
from tests.cases.factories import accept
from tests.factories import ServiceItemFactory

pytestmark = [
    pytest.mark.pg,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]

THREADS = 4


@pytest.mark.django_db(transaction=True)
def test_concurrent_computations_take_consecutive_versions(center, department):
    accept(ServiceItemFactory(center=center, department=department), day=dt.date(2026, 5, 11))
    services.ensure_default_rubric(center=center)
    services.ensure_period(center=center, code="2026-05")
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def compute() -> None:
        try:
            barrier.wait()
            services.evaluate_period(center=center, code="2026-05")
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=compute) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors
    versions = sorted(EvaluationRun.objects.values_list("version", flat=True))
    assert versions == list(range(1, THREADS + 1))
