"""The sender: claiming stream heads, settling answers, backoff, dead letters, re-drive.

The receiver here is govhall's own view, reached in-process through an httpx transport; the
fault tests (test_faults.py) put a real HTTP server on loopback in between.
"""

import datetime as dt
import json
import random

import httpx
import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from govhall.core.errors import DomainError, NotFound
from govhall.core.models import OutboxEvent
from govhall.core.roles import Role
from govhall.exchange import services
from govhall.exchange.errors import ExchangeError
from govhall.exchange.models import ReceivedEvent, RemoteCase, RemoteRating
from govhall.exchange.worker import Pusher, run_worker
from govhall.org.errors import OrgError
from tests.exchange.factories import emit_case, emit_rating, emit_traffic

pytestmark = pytest.mark.django_db
Status = OutboxEvent.Status


class Receiver:
    """An httpx transport that hands each push to govhall's receiver view, recording bodies."""

    def __init__(self, fail_with: int | None = None) -> None:
        self.client = Client()
        self.bodies: list[dict] = []
        self.fail_with = fail_with

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.bodies.append(json.loads(request.content))
        if self.fail_with:
            return httpx.Response(self.fail_with, text="down for maintenance")
        answer = self.client.post(
            request.url.path,
            data=request.content,
            content_type="application/json",
            headers={k: v for k, v in request.headers.items() if k.lower().startswith("x-govhall")},
        )
        return httpx.Response(answer.status_code, content=answer.content)


def pusher_for(receiver: Receiver, **kwargs) -> Pusher:
    return Pusher(client=httpx.Client(transport=httpx.MockTransport(receiver)), **kwargs)


def drain(push_settings, receiver: Receiver, rounds: int = 50) -> None:
    pusher = pusher_for(receiver)
    for _ in range(rounds):
        if not pusher.push_batch(push_settings).claimed:
            return


def test_every_event_reaches_the_receiver_once_and_in_order(center, remote, push_settings):
    push_settings.batch_size = 7
    push_settings.save()
    emit_traffic(center, cases=5, ratings=4)
    receiver = Receiver()
    drain(push_settings, receiver)
    assert set(OutboxEvent.objects.values_list("status", flat=True)) == {Status.SENT}
    assert ReceivedEvent.objects.count() == OutboxEvent.objects.count() == 24
    assert RemoteCase.objects.filter(state="delivered").count() == 5
    assert RemoteRating.objects.count() == 4
    for stream in OutboxEvent.objects.values_list("stream", flat=True).distinct():
        sent = list(OutboxEvent.objects.filter(stream=stream).values_list("pk", flat=True))
        received = list(
            ReceivedEvent.objects.filter(stream=stream)
            .order_by("id")
            .values_list("sequence", flat=True)
        )
        assert received == sent


def test_one_push_carries_only_the_head_of_each_stream(center, remote, push_settings):
    emit_case(center, "C1")
    emit_case(center, "C2", ("accepted",))
    receiver = Receiver()
    pusher = pusher_for(receiver)
    pusher.push_batch(push_settings)
    first = receiver.bodies[0]["events"]
    assert [e["kind"] for e in first] == ["case.accepted", "case.accepted"]
    pusher.push_batch(push_settings)
    assert [e["kind"] for e in receiver.bodies[1]["events"]] == ["case.in_review"]


def test_the_push_maps_the_payload_and_leaves_personal_data_home(center, remote, push_settings):
    (row,) = emit_case(center, "C1", ("accepted",))
    receiver = Receiver()
    pusher_for(receiver).push_batch(push_settings)
    sent = receiver.bodies[0]
    assert sent["sender"]["region_code"] == center.region_code
    (ev,) = sent["events"]
    assert ev["idempotency_key"] == str(row.idempotency_key)
    assert ev["sequence"] == row.pk
    assert ev["data"]["region_code"] == center.region_code
    assert "applicant_phone" not in ev["data"]
    assert ev["data"]["accepted_at"].endswith("+08:00")


def test_the_url_and_batch_size_options_override_the_settings(center, remote, push_settings):
    emit_traffic(center, cases=3, ratings=0, events=("accepted",))
    receiver = Receiver()
    seen = []
    receiver_call = receiver.__call__

    def record(request):
        seen.append(str(request.url))
        return receiver_call(request)

    pusher = Pusher(
        client=httpx.Client(transport=httpx.MockTransport(record)),
        url="http://upstream.test/api/exchange/inbound/",
        batch_size=2,
    )
    assert pusher.push_batch(push_settings).claimed == 2
    assert seen == ["http://upstream.test/api/exchange/inbound/"]


def test_a_failed_push_is_retried_later_with_backoff(center, remote, push_settings):
    push_settings.backoff_base_seconds = push_settings.backoff_max_seconds = 60
    push_settings.save()
    (row,) = emit_case(center, "C1", ("accepted",))
    before = timezone.now()
    result = pusher_for(Receiver(fail_with=503)).push_batch(push_settings)
    assert (result.claimed, result.failed, result.acked) == (1, 1, 0)
    row.refresh_from_db()
    assert row.status == Status.PENDING and row.attempts == 1
    assert "HTTP 503" in row.last_error
    assert before + dt.timedelta(seconds=30) <= row.next_attempt_at
    # Not due yet: nothing is claimed until the backoff has passed.
    assert services.claim_batch(center_id=center.pk, limit=10, lease_seconds=5) == []


def test_after_max_attempts_the_row_becomes_a_dead_letter(center, remote, push_settings):
    push_settings.max_attempts = 3
    push_settings.save()
    (row,) = emit_case(center, "C1", ("accepted",))
    pusher = pusher_for(Receiver(fail_with=500))
    for _ in range(3):
        OutboxEvent.objects.filter(pk=row.pk).update(next_attempt_at=None)
        pusher.push_batch(push_settings)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.DEAD, 3)


def test_a_rejected_event_is_dead_at_once_and_blocks_its_stream(center, remote, push_settings):
    accepted, completed = emit_case(center, "C1", ("accepted", "completed"))
    emit_case(center, "C2", ("accepted",))
    original = dict(accepted.payload)
    # The payload names another case than its stream: the sender maps it, the receiver refuses.
    OutboxEvent.objects.filter(pk=accepted.pk).update(
        payload={**accepted.payload, "case_number": "OTHER"}
    )
    drain(push_settings, Receiver())
    accepted.refresh_from_db()
    completed.refresh_from_db()
    assert accepted.status == Status.DEAD and accepted.last_error.startswith("rejected:")
    assert completed.status == Status.PENDING and completed.attempts == 0
    assert list(RemoteCase.objects.values_list("case_number", flat=True)) == ["C2"]
    # The administrator fixes the data and re-drives: the stream goes on, in order.
    OutboxEvent.objects.filter(pk=accepted.pk).update(payload=original)
    assert services.redrive_dead_letters(actor=None, center_id=center.pk, ids=[accepted.pk]) == 1
    drain(push_settings, Receiver())
    assert ReceivedEvent.objects.filter(stream="case:C1").count() == 2
    assert RemoteCase.objects.get(case_number="C1").state == "completed"


def test_a_payload_that_cannot_be_mapped_is_dead_without_being_sent(center, remote, push_settings):
    row = emit_rating(center, "R1")
    OutboxEvent.objects.filter(pk=row.pk).update(payload={"rating_id": "R1"})
    receiver = Receiver()
    result = pusher_for(receiver).push_batch(push_settings)
    assert result.dead == 1 and receiver.bodies == []
    row.refresh_from_db()
    assert row.status == Status.DEAD and row.last_error.startswith("mapping:")


def test_a_claimed_row_is_leased_until_its_time_runs_out(center):
    emit_case(center, "C1", ("accepted",))
    now = timezone.now()
    (row,) = services.claim_batch(center_id=center.pk, limit=10, lease_seconds=30, now=now)
    assert row.attempts == 1
    assert services.claim_batch(center_id=center.pk, limit=10, lease_seconds=30, now=now) == []
    later = now + dt.timedelta(seconds=31)
    (again,) = services.claim_batch(center_id=center.pk, limit=10, lease_seconds=30, now=later)
    assert again.pk == row.pk and again.attempts == 2


def test_settling_leaves_a_row_another_worker_already_acknowledged(center, push_settings):
    (row,) = emit_case(center, "C1", ("accepted",))
    (claimed,) = services.claim_batch(center_id=center.pk, limit=1, lease_seconds=1)
    services.settle_batch(
        settings=push_settings, rows=[claimed], settlement=services.Settlement(acked=[row.pk])
    )
    services.settle_batch(
        settings=push_settings,
        rows=[claimed],
        settlement=services.Settlement(failed={row.pk: "late timeout"}),
    )
    row.refresh_from_db()
    assert (row.status, row.last_error) == (Status.SENT, "")


def test_redrive_refuses_ids_that_are_not_dead_letters_of_the_centre(center, other_center):
    (row,) = emit_case(center, "C1", ("accepted",))
    (foreign,) = emit_case(other_center, "C1", ("accepted",))
    OutboxEvent.objects.filter(pk=foreign.pk).update(status=Status.DEAD)
    with pytest.raises(NotFound) as refused:
        services.redrive_dead_letters(actor=None, center_id=center.pk, ids=[row.pk, foreign.pk])
    assert refused.value.code == ExchangeError.NOT_A_DEAD_LETTER
    assert OutboxEvent.objects.get(pk=foreign.pk).status == Status.DEAD


def test_run_worker_once_drains_and_stops(center, remote, push_settings):
    emit_traffic(center, cases=3, ratings=2)
    total = run_worker(once=True, transport=httpx.MockTransport(Receiver()))
    assert total.acked == 14 and total.claimed == 14
    assert not OutboxEvent.objects.exclude(status=Status.SENT).exists()


@settings(max_examples=60, deadline=None)
@given(
    attempts=st.integers(min_value=1, max_value=40),
    base=st.floats(min_value=0.01, max_value=10),
    cap=st.floats(min_value=0.01, max_value=7200),
    seed=st.integers(),
)
def test_backoff_grows_exponentially_with_jitter_under_the_cap(attempts, base, cap, seed):
    delay = services.retry_delay(attempts, base=base, cap=cap, rng=random.Random(seed))
    ceiling = min(cap, base * 2 ** (attempts - 1))
    assert ceiling / 2 <= delay <= ceiling


@pytest.mark.parametrize(
    ("role", "home", "code"),
    [
        (Role.LEADER, "center", OrgError.PERMISSION_DENIED),
        (Role.CENTER_ADMIN, "other_center", ExchangeError.OTHER_CENTER),
    ],
)
def test_the_redrive_service_checks_the_actor(request, make_user, center, role, home, code):
    (row,) = emit_case(center, "C1", ("accepted",))
    OutboxEvent.objects.filter(pk=row.pk).update(status=Status.DEAD)
    actor = make_user(role, user_center=request.getfixturevalue(home))
    with pytest.raises(DomainError) as refused:
        services.redrive_dead_letters(actor=actor, center_id=center.pk, ids=None)
    assert (refused.value.code, refused.value.status) == (code, 403)
    assert OutboxEvent.objects.get(pk=row.pk).status == Status.DEAD
