import pytest
from django.db import connection

from govhall.core.models import Center
from govhall.core.services import refresh_statistics
from tests.factories import CenterFactory

pytestmark = pytest.mark.django_db


def _planner_rows(table: str) -> int:
    """How many rows the query planner believes `table` holds."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            return int(cursor.fetchone()[0])
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s AND idx IS NULL", [table])
        row = cursor.fetchone()
        if row is None:  # SQLite keeps a table-only line just for tables without indexes
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
            row = cursor.fetchone()
        return int(row[0].split()[0])


def test_refresh_statistics_tells_the_planner_what_a_bulk_load_wrote():
    Center.objects.bulk_create(
        Center(name=f"中心{n}", level="county", region_code=f"4117{n:02d}") for n in range(40)
    )
    CenterFactory()
    refresh_statistics(Center)
    assert _planner_rows(Center._meta.db_table) == Center.objects.count()
