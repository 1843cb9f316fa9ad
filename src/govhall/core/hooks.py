"""Explicit extension points between apps.

A lower app calls a hook inside the transaction of its change; a higher app registers a function
in its ``AppConfig.ready()``. This keeps dependencies pointing downward (DESIGN.md) without
Django signals: the call site is visible, synchronous and inside the same transaction.
"""

from collections.abc import Callable
from typing import Any


class Hook:
    def __init__(self, name: str) -> None:
        self.name = name
        self._functions: list[Callable[..., Any]] = []

    def register(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        if fn not in self._functions:
            self._functions.append(fn)
        return fn

    def __call__(self, **kwargs: Any) -> None:
        for fn in self._functions:
            fn(**kwargs)


# Called with years=[...] after the working-day calendar changed (deadlines must be recomputed).
calendar_changed = Hook("calendar_changed")
