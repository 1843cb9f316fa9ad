"""Extension points for the apps above cases (feedback): called inside the case's transaction.

``register_case_completed(fn)``: `complete_case` calls ``fn(case=case, actor=actor)`` for every
registered function, after the case is saved as completed and before its transaction commits,
so an exception in `fn` rolls the completion back. Register from your ``AppConfig.ready``.

``register_case_closed(fn)``: `withdraw_case` calls ``fn(case=case, actor=actor)`` the same way
when a case ends without a decision (joint handling follows its steps so).
"""

from collections.abc import Callable
from typing import Any

from govhall.core.hooks import Hook

CaseCompletedHook = Callable[..., Any]

_completed_hooks: Hook[CaseCompletedHook] = Hook("case_completed")
_closed_hooks: Hook[CaseCompletedHook] = Hook("case_closed")
register_case_completed = _completed_hooks.register
unregister_case_completed = _completed_hooks.unregister
register_case_closed = _closed_hooks.register
# Both called as run_case_...(case=..., actor=...).
run_case_completed = _completed_hooks
run_case_closed = _closed_hooks
