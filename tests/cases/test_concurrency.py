"""Windows accepting at the same moment never get the same case number (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection

from govhall.cases.models import Case, CaseSequence
from tests.cases.factories import accept
from tests.factories import ServiceItemFactory

pytestmark = [
    pytest.mark.pg,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]

THREADS = 8
PER_THREAD = 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_acceptances_get_distinct_consecutive_numbers(center, department):
    item = ServiceItemFactory(center=center, department=department)
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def window() -> None:
        try:
            barrier.wait()
            for _ in range(PER_THREAD):
                accept(item)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=window) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    numbers = sorted(Case.objects.values_list("number", flat=True))
    total = THREADS * PER_THREAD
    assert len(set(numbers)) == total
    assert [int(n[-6:]) for n in numbers] == list(range(1, total + 1))
    assert CaseSequence.objects.get(center=center).last == total
