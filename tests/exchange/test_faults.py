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


def test_receiver_down_for_a_while(proxy, center, remote, push_settings):
    push_settings.batch_size = 10
    push_settings.save()
    emit_traffic(center, cases=8, ratings=6)
    result = run_worker(once=True, url=proxy.url)
    assert result.acked == 0 and result.failed > 0
    errors = set(OutboxEvent.objects.exclude(last_error="").values_list("last_error", flat=True))
    assert all(e.startswith("ConnectError") for e in errors)
    assert not ReceivedEvent.objects.exists()
    proxy.start()
    drain_through(proxy)
    assert_delivered_exactly_once_in_order()


# (name, the proxy's actions for the next requests, the receiver sees some events twice)
MISBEHAVIOURS = [
    ("answers-500", ["error500"] * 3, False),
    ("stores-then-500", ["ack_lost_500"] * 3, True),
    ("times-out", ["hang"] * 2, True),
    ("drops-connection", ["drop"] * 2, False),
    ("answers-slowly", ["slow"] * 6, False),
]


def test_receiver_misbehaves(proxy, center, remote, push_settings):
    """One scenario after the other (one transactional test: each costs a database flush)."""
    push_settings.batch_size = 10
    push_settings.save()
    proxy.start()
    for name, plan, receiver_saw_repeats in MISBEHAVIOURS:
        emit_traffic(center, cases=8, ratings=6, prefix=f"{name}-")
        mine = OutboxEvent.objects.filter(stream__contains=f":{name}-")
        forwarded_before = proxy.events_forwarded
        proxy.plan.extend(plan)
        drain_through(proxy)
        assert_delivered_exactly_once_in_order()
        repeats = proxy.events_forwarded - forwarded_before > mine.count()
        assert repeats is receiver_saw_repeats, name
        assert mine.filter(attempts__gt=1).exists() is (plan[0] != "slow"), name
