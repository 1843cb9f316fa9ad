"""Explicit extension points between apps.

A lower app calls a hook inside the transaction of its change; a higher app registers a function
in its ``AppConfig.ready()``. This keeps dependencies pointing downward (DESIGN.md) without
Django signals: the call site is visible, synchronous and inside the same transaction.
"""

from collections.abc import Callable
from typing import Any, Generic, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class Hook(Generic[F]):
    """The functions registered for one extension point, in registration order; registering a
    function twice has no effect. `register` returns the function (usable as a decorator)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._functions: list[F] = []

    def register(self, fn: F) -> F:
        if fn not in self._functions:
            self._functions.append(fn)
        return fn

    def unregister(self, fn: F) -> None:
        if fn in self._functions:
            self._functions.remove(fn)

    def functions(self) -> tuple[F, ...]:
        return tuple(self._functions)

    def __call__(self, **kwargs: Any) -> None:
        """Call every registered function with `kwargs` (those registered when the call began)."""
        for fn in self.functions():
            fn(**kwargs)


# Called after the working-day calendar changed (deadlines must be recomputed, derived days
# re-derived), inside the import's transaction, with: years=[...] (the years imported),
# before=Calendar (`core.workdays.Calendar` as it was before the import) and changed_dates=[...]
# (the dates, in order, that became a working day or a rest day; empty when nothing changed).
# A receiver takes **kwargs, so a later argument does not break it.
calendar_changed: Hook[Callable[..., Any]] = Hook("calendar_changed")
