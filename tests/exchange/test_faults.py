"""Fault tests: the worker pushes through a real HTTP proxy on loopback to govhall's receiver
(pytest-django's live server) while the proxy is down, answers 500, loses the answer, times
out, answers slowly or drops the connection. Afterwards every event is acknowledged, none is
missing and the receiver holds no duplicate."""

import time

import pytest

from govhall.core.models import OutboxEvent
from govhall.exchange.models import ReceivedEvent
from govhall.exchange.worker import run_worker
from tests.exchange.factories import emit_traffic
from tests.exchange.faults import FaultProxy, assert_delivered_exactly_once_in_order

pytestmark = pytest.mark.django_db(transaction=True)


def drain_through(proxy: FaultProxy, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while OutboxEvent.objects.exclude(status=OutboxEvent.Status.SENT).exists():
        assert time.monotonic() < deadline, "the outbox did not drain"
        run_worker(once=True, url=proxy.url)
        time.sleep(0.05)


@pytest.fixture
def proxy(live_server):
    proxy = FaultProxy(live_server.url)
    yield proxy
    proxy.stop()


@pytest.fixture
def traffic(center, remote, push_settings):
    push_settings.batch_size = 10
    push_settings.save()
    emit_traffic(center, cases=8, ratings=6)
    return OutboxEvent.objects.count()


def test_receiver_down_for_a_while(proxy, traffic):
    result = run_worker(once=True, url=proxy.url)
    assert result.acked == 0 and result.failed > 0
    errors = set(OutboxEvent.objects.exclude(last_error="").values_list("last_error", flat=True))
    assert all(e.startswith("ConnectError") for e in errors)
    assert not ReceivedEvent.objects.exists()
    proxy.start()
    drain_through(proxy)
    assert_delivered_exactly_once_in_order()


@pytest.mark.parametrize(
    ("plan", "receiver_saw_repeats"),
    [
        (["error500"] * 3, False),
        (["ack_lost_500"] * 3, True),
        (["hang"] * 2, True),
        (["drop"] * 2, False),
        (["slow"] * 6, False),
    ],
    ids=["answers-500", "stores-then-500", "times-out", "drops-connection", "answers-slowly"],
)
def test_receiver_misbehaves(proxy, traffic, plan, receiver_saw_repeats):
    proxy.plan.extend(plan)
    proxy.start()
    drain_through(proxy)
    assert_delivered_exactly_once_in_order()
    assert (proxy.events_forwarded > traffic) is receiver_saw_repeats
    retried = OutboxEvent.objects.filter(attempts__gt=1).exists()
    assert retried is (plan[0] != "slow")
