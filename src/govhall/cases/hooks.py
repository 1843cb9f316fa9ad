"""Extension points for the apps above cases (feedback): called inside the case's transaction.

``register_case_completed(fn)``: `complete_case` calls ``fn(case=case, actor=actor)`` for every
registered function, after the case is saved as completed and before its transaction commits,
so an exception in `fn` rolls the completion back. Register from your ``AppConfig.ready``.

``register_case_closed(fn)``: `withdraw_case` calls ``fn(case=case, actor=actor)`` the same way
when a case ends without a decision (joint handling follows its steps so).
"""

from collections.abc import Callable
from typing import Any

CaseCompletedHook = Callable[..., Any]

_completed_hooks: list[CaseCompletedHook] = []
_closed_hooks: list[CaseCompletedHook] = []


def register_case_completed(fn: CaseCompletedHook) -> CaseCompletedHook:
    """Register `fn(case=..., actor=...)`; registering the same function twice has no effect.

    Returns `fn`, so it can be used as a decorator.
    """
    if fn not in _completed_hooks:
        _completed_hooks.append(fn)
    return fn


def unregister_case_completed(fn: CaseCompletedHook) -> None:
    if fn in _completed_hooks:
        _completed_hooks.remove(fn)


def run_case_completed(*, case: Any, actor: Any) -> None:
    for fn in list(_completed_hooks):
        fn(case=case, actor=actor)


def register_case_closed(fn: CaseCompletedHook) -> CaseCompletedHook:
    """Register `fn(case=..., actor=...)` for a case withdrawn before its decision."""
    if fn not in _closed_hooks:
        _closed_hooks.append(fn)
    return fn


def run_case_closed(*, case: Any, actor: Any) -> None:
    for fn in list(_closed_hooks):
        fn(case=case, actor=actor)
