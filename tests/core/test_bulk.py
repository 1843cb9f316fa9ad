"""The one bulk writer (`core.bulk`): what it writes reads back as the ORM's own writes would,
on SQLite and on PostgreSQL (``GOVHALL_DATABASE_URL``)."""

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from govhall.core import bulk
from govhall.core.crypto import keyed_hash
from govhall.core.models import OutboxEvent
from govhall.queueing.models import Ticket
from tests.factories import CenterFactory
from tests.queueing.factories import QueueCategoryFactory

pytestmark = pytest.mark.django_db

PAYLOAD = {"case_number": "411722202601050000001", "name": "张三", "nested": {"n": [1, 2.5, None]}}


def _outbox(center, **values) -> OutboxEvent:
    return OutboxEvent(
        center=center, stream="case:1", kind="case.accepted", payload=PAYLOAD, **values
    )


def test_insert_sets_ids_and_writes_what_save_would():
    center = CenterFactory()
    before = OutboxEvent.objects.create(center=center, stream="s", kind="k", payload={})
    retry = timezone.make_aware(dt.datetime(2026, 1, 5, 9, 30, 15))
    objs = [_outbox(center, next_attempt_at=retry), _outbox(center, attempts=3)]
    started = timezone.now()

    returned = bulk.insert(OutboxEvent, objs)

    assert returned == objs
    assert [o.pk for o in objs] == sorted(o.pk for o in objs)
    assert min(o.pk for o in objs) > before.pk
    assert all(not o._state.adding for o in objs)
    rows = {o.pk: o for o in OutboxEvent.objects.filter(pk__in=[o.pk for o in objs])}
    for obj in objs:
        row = rows[obj.pk]
        assert row.payload == PAYLOAD
        assert row.idempotency_key == obj.idempotency_key
        assert row.status == OutboxEvent.Status.PENDING
        assert row.created_at >= started.replace(microsecond=0)  # auto_now_add, as on save
    assert rows[objs[0].pk].next_attempt_at == retry
    assert rows[objs[1].pk].attempts == 3
    # The sequence moved past the ids taken: the next ordinary insert does not collide.
    after = OutboxEvent.objects.create(center=center, stream="s", kind="k", payload={})
    assert after.pk > max(o.pk for o in objs)


def test_insert_keeps_the_given_time_stamps_only_when_asked_and_leaves_the_field_alone():
    center = CenterFactory()
    past = timezone.make_aware(dt.datetime(2026, 5, 6, 10, 0, 0))
    field = OutboxEvent._meta.get_field("created_at")
    started = timezone.now()

    kept, stamped = (
        bulk.insert(OutboxEvent, [_outbox(center, created_at=past)], keep_timestamps=keep)[0]
        for keep in (True, False)
    )

    assert OutboxEvent.objects.get(pk=kept.pk).created_at == past
    assert OutboxEvent.objects.get(pk=stamped.pk).created_at >= started.replace(microsecond=0)
    assert field.auto_now_add  # the model's field definition is never switched off


def test_insert_encrypts_personal_numbers_and_sets_their_keyed_hashes():
    category = QueueCategoryFactory()
    now = timezone.now()
    ticket = Ticket(
        center_id=category.center_id,
        category=category,
        number="A001",
        seq=1,
        issue_date=dt.date(2026, 1, 5),
        phone="13800138000",
        channel=Ticket.Channel.KIOSK,
        queue_at=now,
        issued_at=now,
    )

    bulk.insert(Ticket, [ticket])

    row = Ticket.objects.get(phone_hash=keyed_hash("13800138000"))
    assert row.pk == ticket.pk
    assert row.phone == "13800138000"
    assert row.issue_date == dt.date(2026, 1, 5)
    assert isinstance(row.token, uuid.UUID) and row.token == ticket.token
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT phone FROM {Ticket._meta.db_table} WHERE id = %s", [ticket.pk])
        (stored,) = cursor.fetchone()
    assert stored and stored != "13800138000"  # stored encrypted, as a save would


def test_insert_of_nothing_writes_nothing():
    assert bulk.insert(OutboxEvent, []) == []
    assert bulk.insert_rows(OutboxEvent, [], conflict=("idempotency_key",)) == []


def test_update_writes_the_named_fields_only_as_save_would():
    center = CenterFactory()
    objs = bulk.insert(OutboxEvent, [_outbox(center), _outbox(center)])
    other = OutboxEvent.objects.create(center=center, stream="s", kind="k", payload={})
    acked = timezone.make_aware(dt.datetime(2026, 2, 3, 10, 0, 5))
    for n, obj in enumerate(objs):
        obj.acked_at, obj.payload, obj.attempts = acked, {"n": [n, "张三"]}, n + 1
        obj.kind = "not.written"

    bulk.update(OutboxEvent, objs, ["acked_at", "payload", "attempts"])

    for n, obj in enumerate(objs):
        row = OutboxEvent.objects.get(pk=obj.pk)
        assert (row.acked_at, row.payload, row.attempts) == (acked, {"n": [n, "张三"]}, n + 1)
        assert row.kind == "case.accepted"
    assert OutboxEvent.objects.get(pk=other.pk).acked_at is None
    bulk.update(OutboxEvent, [], ["acked_at"])


def _row(center, key: uuid.UUID, attempts: int, stream: str = "case:1") -> dict:
    return {
        "center": center.pk,
        "idempotency_key": key,
        "stream": stream,
        "kind": "case.accepted",
        "payload": PAYLOAD,
        "created_at": timezone.make_aware(dt.datetime(2026, 1, 5, 9, 0)),
        "status": OutboxEvent.Status.PENDING,
        "attempts": attempts,
        "last_error": "",  # a row is written as given: no defaults
    }


def test_insert_rows_skips_the_rows_that_exist():
    center = CenterFactory()
    key, fresh = uuid.uuid4(), uuid.uuid4()
    first = bulk.insert_rows(
        OutboxEvent, [_row(center, key, 1)], conflict=("idempotency_key",), returning="id"
    )
    again = bulk.insert_rows(
        OutboxEvent,
        [_row(center, key, 5, stream="changed"), _row(center, fresh, 1)],
        conflict=("idempotency_key",),
        returning="id",
    )

    assert len(first) == 1 and len(again) == 1  # only the new row comes back
    kept = OutboxEvent.objects.get(idempotency_key=key)
    assert (kept.pk, kept.stream, kept.attempts) == (first[0], "case:1", 1)
    added = OutboxEvent.objects.get(idempotency_key=fresh)
    assert added.pk == again[0]
    assert added.payload == PAYLOAD
    assert added.created_at == timezone.make_aware(dt.datetime(2026, 1, 5, 9, 0))


def test_insert_rows_overwrites_only_with_a_newer_row():
    center = CenterFactory()
    key = uuid.uuid4()
    upsert = dict(conflict=("idempotency_key",), update_if_newer="attempts", returning="id")
    (pk,) = bulk.insert_rows(OutboxEvent, [_row(center, key, 2)], **upsert)

    older = bulk.insert_rows(OutboxEvent, [_row(center, key, 1, stream="older")], **upsert)
    newer = bulk.insert_rows(OutboxEvent, [_row(center, key, 3, stream="newer")], **upsert)

    assert older == [] and newer == [pk]
    row = OutboxEvent.objects.get(idempotency_key=key)
    assert (row.stream, row.attempts) == ("newer", 3)
