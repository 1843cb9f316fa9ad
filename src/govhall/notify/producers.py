"""Extension point: the apps above notify tell the worker what is due to be sent.

notify sits just above core, so it cannot read tickets, appointments, ratings or cases. Each
app that has something to say registers a producer once (in its ``AppConfig.ready()``)::

    from govhall.notify.producers import producers

    def tickets_nearly_due(*, at):
        ...  # find what is due at `at`, call notify.services.enqueue for each; return how many

    producers.register(tickets_nearly_due)

The worker (`govhall notify`) calls every producer at each pass, then sends the outbox. A
producer reads its own tables, so the requests that change them (issuing, calling, finishing a
ticket, completing a case) pay nothing for the messages; `enqueue` is idempotent per kind and
subject, so a producer may offer the same message at every pass.
"""

import datetime as dt
from typing import Protocol

from govhall.core.hooks import Hook


class Producer(Protocol):
    def __call__(self, *, at: dt.datetime) -> int: ...


# Each producer is called as `fn(at=...)` at each pass of the notification worker.
producers: Hook[Producer] = Hook("notification_producers")
