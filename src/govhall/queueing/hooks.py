"""Extension points of the queue for the apps above it (dependency inversion).

queueing may not import feedback or cases, yet a finished ticket must invite a rating. An app
above registers a callable once, usually in its ``AppConfig.ready()``::

    from govhall.queueing.hooks import ticket_finished

    def invite_rating(*, ticket, actor):
        ...  # e.g. create the rating invitation for this service

    ticket_finished.register(invite_rating)

`govhall.queueing.services.finish_ticket` calls `ticket_finished`: every registered callable
gets the keyword arguments ``ticket`` (the `Ticket`, already DONE and saved) and ``actor`` (the
`User` who finished it, or None for an API client without a user), inside its
``transaction.atomic`` block: an exception raised by a hook rolls the finish back, so the ticket
and what the hook writes commit together. Hooks run in registration order; registering the same
callable twice has no effect.
"""

from typing import Any, Protocol

from govhall.core.hooks import Hook


class TicketFinishedHook(Protocol):
    def __call__(self, *, ticket: Any, actor: Any) -> None: ...


ticket_finished: Hook[TicketFinishedHook] = Hook("ticket_finished")
