"""The notification worker's loop: ask every producer what is due, then drain the outbox."""

import logging
import threading
from collections.abc import Callable

from django.db import close_old_connections
from django.utils import timezone

from govhall.notify import services
from govhall.notify.backends import SmsBackend
from govhall.notify.producers import producers

log = logging.getLogger(__name__)


def produce() -> int:
    """Run every registered producer once; a failing one is logged and the others still run."""
    at = timezone.now()
    made = 0
    for producer in producers.functions():
        try:
            made += producer(at=at)
        except Exception:
            log.exception("notification producer %s failed", producer)
    return made


def run_pass(backend: SmsBackend, *, batch_size: int = 50) -> services.DeliveryResult:
    """Produce, then send batches until nothing is due."""
    produce()
    total = services.DeliveryResult()
    while True:
        result = services.deliver_due(backend=backend, batch_size=batch_size)
        total.add(result)
        if result.handled < batch_size:
            return total


def run_worker(
    backend: SmsBackend,
    *,
    once: bool = False,
    idle_seconds: float = 5.0,
    batch_size: int = 50,
    stop: threading.Event | None = None,
    report: Callable[[services.DeliveryResult], None] | None = None,
) -> None:
    stop = stop or threading.Event()
    while not stop.is_set():
        close_old_connections()
        result = run_pass(backend, batch_size=batch_size)
        if report is not None and (once or result.handled):
            report(result)
        if once:
            return
        stop.wait(idle_seconds)
