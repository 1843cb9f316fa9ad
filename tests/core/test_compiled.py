import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from govhall.core.compiled import (
    Placeholders,
    columns,
    columns_by_key,
    fetch_all,
    fetch_one,
    fetch_sql,
    insert,
    instance,
    statement_sql,
    update,
)
from govhall.core.models import Center, User
from govhall.queueing.models import Ticket, TicketEvent
from tests.factories import UserFactory
from tests.queueing.factories import QueueCategoryFactory

pytestmark = pytest.mark.django_db


def _joined_since(p: Placeholders) -> QuerySet:
    return User.objects.filter(
        center_id=p.int("center"), date_joined__gte=p.datetime("since")
    ).values("id", "date_joined")


def test_one_compiled_statement_answers_every_set_of_values() -> None:
    user = UserFactory()
    values = {"center": user.center_id, "since": user.date_joined}
    assert fetch_one(("test-joined",), _joined_since, values) == {
        "id": user.pk,
        "date_joined": user.date_joined,
    }
    later = values | {"since": user.date_joined + dt.timedelta(seconds=1)}
    assert fetch_one(("test-joined",), _joined_since, later) is None


def _named(p: Placeholders) -> QuerySet:
    return User.objects.filter(last_name=p.text("name")).order_by("pk").values("id")


def test_text_placeholders_and_every_row() -> None:
    first, second = UserFactory(last_name="编译"), UserFactory(last_name="编译")
    assert fetch_all(("test-named",), _named, {"name": "编译"}) == [
        {"id": first.pk},
        {"id": second.pk},
    ]
    assert fetch_all(("test-named",), _named, {"name": "无人"}) == []
    assert fetch_one(("test-named",), _named, {"name": "编译"}) == {"id": first.pk}


def test_a_placeholder_missing_from_the_parameters_is_refused() -> None:
    def build(p: Placeholders) -> QuerySet:
        p.int("unused")
        return User.objects.values("id")

    with pytest.raises(ValueError, match="unused"):
        fetch_one(("test-unused",), build, {"unused": 1})


def _fields(obj: object) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


@pytest.mark.parametrize("by_key", [False, True])
def test_a_row_carries_the_models_as_the_orm_loads_them(by_key: bool) -> None:
    user = UserFactory()
    related = (
        columns_by_key(Center, key="center_id", prefix="home_")
        if by_key
        else columns(Center, path="center", prefix="home_")
    )

    def build(p: Placeholders) -> QuerySet:
        return User.objects.filter(pk=p.int("user")).values(*columns(User), **related)

    row = fetch_one(("test-user-center", by_key), build, {"user": user.pk})
    loaded = User.objects.select_related("center").get(pk=user.pk)
    assert _fields(instance(User, row)) == _fields(loaded)
    assert _fields(instance(Center, row, prefix="home_")) == _fields(loaded.center)
    assert not instance(User, row)._state.adding


def _ids(p: Placeholders) -> QuerySet:
    return User.objects.filter(pk=p.int("user"), is_active=True).values("id")


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_the_statements_again() -> None:
    user = UserFactory()
    assert fetch_one(("test-reconnect",), _ids, {"user": user.pk}) == {"id": user.pk}
    connection.close()  # a new server session: nothing prepared on it
    with CaptureQueriesContext(connection) as queries:
        assert fetch_one(("test-reconnect",), _ids, {"user": user.pk}) == {"id": user.pk}
        assert fetch_one(("test-reconnect",), _ids, {"user": user.pk}) == {"id": user.pk}
    if connection.vendor == "postgresql":
        first, second = (q["sql"] for q in queries.captured_queries)
        assert first.startswith("PREPARE ") and second.startswith("EXECUTE ")
        assert statement_sql(first) == statement_sql(second) != first


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared on PostgreSQL only")
def test_a_session_that_lost_its_statements_prepares_them_again() -> None:
    user = UserFactory()
    assert fetch_one(("test-discard",), _ids, {"user": user.pk}) == {"id": user.pk}
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # what a pooler's DISCARD ALL does to the session
    assert fetch_one(("test-discard",), _ids, {"user": user.pk}) == {"id": user.pk}
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    # Inside a transaction the error ends it; the next one prepares again.
    with pytest.raises(DatabaseError), transaction.atomic():
        fetch_one(("test-discard",), _ids, {"user": user.pk})
    assert fetch_one(("test-discard",), _ids, {"user": user.pk}) == {"id": user.pk}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared on PostgreSQL only")
def test_a_statement_prepared_in_a_failed_transaction_stays_prepared() -> None:
    user = UserFactory()
    sql = "SELECT id FROM core_user WHERE id = %s AND 1 / %s = 1"
    with pytest.raises(DatabaseError), transaction.atomic():
        fetch_sql(("test-failed",), sql, [user.pk, 0])
    assert fetch_sql(("test-failed",), sql, [user.pk, 1]) == [(user.pk,)]


def _row(obj: object, *differ: str) -> dict:
    found = type(obj).objects.filter(pk=obj.pk).values().get()
    return {k: v for k, v in found.items() if k not in ("id", "token", *differ)}


def test_insert_writes_the_row_save_writes() -> None:
    category = QueueCategoryFactory()
    at = timezone.now()

    def ticket(seq: int) -> Ticket:
        return Ticket(
            center_id=category.center_id,
            category=category,
            issue_date=at.date(),
            number=f"A00{seq}",
            seq=seq,
            channel=Ticket.Channel.KIOSK,
            phone="13800138000",
            queue_at=at,
            issued_at=at,
        )

    saved, inserted = ticket(1), ticket(2)
    saved.save()
    saved.state = Ticket.State.CANCELLED  # the unique constraint: one waiting per phone
    saved.save(update_fields=["state"])
    inserted.state = Ticket.State.CANCELLED
    assert insert(inserted) is inserted
    assert inserted.pk and inserted.pk != saved.pk and not inserted._state.adding
    assert _row(inserted, "seq", "number") == _row(saved, "seq", "number")
    assert inserted.phone_hash == saved.phone_hash != ""
    events = [
        TicketEvent(center_id=category.center_id, ticket=t, kind="issued", at=at, details={"a": 1})
        for t in (saved, inserted)
    ]
    events[0].save()
    insert(events[1])
    assert _row(events[0], "ticket_id") == _row(events[1], "ticket_id")
    # auto_now_add stamps and a given primary key, as save() writes them
    first, second = User(username="ins-a", center=category.center), User(username="ins-b")
    first.save()
    second.pk = first.pk + 1000
    second.center = category.center
    insert(second)
    assert User.objects.get(pk=second.pk).date_joined >= first.date_joined


def test_a_compiled_update_changes_the_rows_its_filter_finds() -> None:
    first, second = UserFactory(last_name="甲"), UserFactory(last_name="乙")

    def build(p: Placeholders) -> tuple[QuerySet, dict]:
        rows = User.objects.filter(pk=p.int("user"), is_active=True)
        return rows, {"last_name": p.text("name"), "last_login": p.datetime("at")}

    at = timezone.now()
    for user in (first, second, first):
        changed = update(("test-update",), build, {"user": user.pk, "name": "丙", "at": at})
        assert changed == 1
    User.objects.filter(pk=second.pk).update(is_active=False)
    assert update(("test-update",), build, {"user": second.pk, "name": "丁", "at": at}) == 0
    assert list(
        User.objects.filter(pk__in=[first.pk, second.pk])
        .values_list("last_name", flat=True)
        .order_by("pk")
    ) == ["丙", "丙"]
    assert User.objects.get(pk=first.pk).last_login == at


def test_a_placeholder_like_its_value_takes_the_values_kind() -> None:
    p = Placeholders()
    p.like("name", "甲")
    p.like("at", timezone.now())
    p.like("day", dt.date(2026, 12, 7))
    p.like("count", 3)
    p.like("none", None)
    assert p.kinds == {
        "name": "str",
        "at": "datetime",
        "day": "date",
        "count": "int",
        "none": "int",
    }
