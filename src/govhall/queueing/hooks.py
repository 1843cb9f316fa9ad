"""Extension points of the queue for the apps above it (dependency inversion).

queueing may not import feedback or cases, yet a finished ticket must invite a rating. An app
above registers a callable once, usually in its ``AppConfig.ready()``::

    from govhall.queueing.hooks import register_ticket_finished

    def invite_rating(*, ticket, actor):
        ...  # e.g. create the rating invitation for this service

    register_ticket_finished(invite_rating)

`govhall.queueing.services.finish_ticket` calls every registered callable with keyword
arguments ``ticket`` (the `Ticket`, already DONE and saved) and ``actor`` (the `User` who
finished it, or None for an API client without a user), inside its ``transaction.atomic``
block: an exception raised by a hook rolls the finish back, so the ticket and what the hook
writes commit together. Hooks run in registration order; registering the same callable twice
has no effect.
"""

from collections.abc import Callable
from typing import Any, Protocol


class TicketFinishedHook(Protocol):
    def __call__(self, *, ticket: Any, actor: Any) -> None: ...


_ticket_finished: list[Callable[..., None]] = []


def register_ticket_finished(fn: TicketFinishedHook) -> TicketFinishedHook:
    """Call `fn(ticket=..., actor=...)` whenever a ticket is finished. Usable as a decorator."""
    if fn not in _ticket_finished:
        _ticket_finished.append(fn)
    return fn


def unregister_ticket_finished(fn: TicketFinishedHook) -> None:
    if fn in _ticket_finished:
        _ticket_finished.remove(fn)


def ticket_finished_hooks() -> tuple[Callable[..., None], ...]:
    return tuple(_ticket_finished)


def run_ticket_finished(*, ticket: Any, actor: Any) -> None:
    for fn in ticket_finished_hooks():
        fn(ticket=ticket, actor=actor)
