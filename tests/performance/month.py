"""Builders for evaluation fixtures: rows written straight into the apps' tables.

The apps' own tests cover the workflows that produce these rows; the evaluation only reads what
they leave behind, so the fixtures write exactly that (bulk_create where a month is large).
"""

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from django.db import connection

from govhall.cases.models import Case
from govhall.queueing.models import QueueCategory, Ticket
from tests.factories import ServiceItemFactory, make_id_number

SHANGHAI = ZoneInfo("Asia/Shanghai")
_seq = itertools.count(1)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


def served_tickets(
    *, staff, window, day: dt.date, count: int, wait: int = 300, handling: int = 240
):
    """`count` tickets served by `staff` on `day` (waits and handling times in seconds)."""
    category, _created = QueueCategory.objects.get_or_create(
        center=staff.center, prefix="A", defaults={"name": "综合"}
    )
    rows = []
    for _i in range(count):
        n = next(_seq)
        issued = at(day, 9) + dt.timedelta(minutes=n % 300)
        called = issued + dt.timedelta(seconds=wait)
        rows.append(
            Ticket(
                center=staff.center,
                category=category,
                number=f"A{n:04d}",
                seq=n,
                issue_date=day,
                state=Ticket.State.DONE,
                channel=Ticket.Channel.KIOSK,
                window=window,
                staff=staff,
                department=staff.department,
                queue_at=issued,
                issued_at=issued,
                called_at=called,
                started_at=called,
                finished_at=called + dt.timedelta(seconds=handling),
                wait_seconds=wait,
                handling_seconds=handling,
            )
        )
    return Ticket.objects.bulk_create(rows)


def window_cases(
    *,
    department,
    item=None,
    item_name: str | None = None,
    accepted: dt.date,
    count: int,
    completed: dt.date | None = None,
    late: bool = False,
    due: dt.date | None = None,
    batch_size: int = 5000,
):
    """`count` window cases of one item accepted on `accepted` (completed on `completed`)."""
    center = department.center
    if item is None:
        kwargs = {"name": item_name} if item_name else {}
        item = ServiceItemFactory(center=center, department=department, **kwargs)
    state = Case.State.COMPLETED if completed else Case.State.IN_REVIEW
    rows = (
        Case(
            center=center,
            number=f"T{next(_seq):012d}",
            item=item,
            department=department,
            applicant_type=Case.ApplicantType.PERSON,
            applicant_name="张三",
            id_number=make_id_number(1),
            phone="13800000000",
            channel=Case.Channel.WINDOW,
            state=state,
            result=Case.Result.APPROVED if completed else Case.Result.NONE,
            limit_days=5,
            accepted_at=at(accepted),
            due_date=due or accepted + dt.timedelta(days=7),
            completed_at=at(completed, 16) if completed else None,
            completed_late=late,
            elapsed_workdays=2 if completed else None,
        )
        for _i in range(count)
    )
    created = []
    while batch := list(itertools.islice(rows, batch_size)):
        created += Case.objects.bulk_create(batch, batch_size=batch_size)
    return created


def clone_case(case: Case, *, count: int, prefix: str) -> None:
    """`count` copies of `case` in one INSERT … SELECT (numbers prefix + 1..count).

    For months of a hundred thousand cases: the ORM's bulk_create spends most of its time
    preparing values, the database copies a row in microseconds.
    """
    fields = [f.column for f in Case._meta.concrete_fields if f.column not in ("id", "number")]
    columns = ", ".join(fields)
    source = ", ".join(f"t.{c}" for c in fields)
    table = Case._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (number, {columns}) "
            "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < %s) "
            f"SELECT %s || seq.n, {source} FROM seq, {table} t WHERE t.id = %s",
            [count, prefix, case.pk],
        )
