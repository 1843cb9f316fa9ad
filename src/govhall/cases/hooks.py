"""Extension points for the apps above cases (feedback): called inside the case's transaction.

``case_completed.register(fn)``: `complete_case` calls ``fn(case=case, actor=actor)`` for every
registered function, after the case is saved as completed and before its transaction commits,
so an exception in `fn` rolls the completion back. Register from your ``AppConfig.ready``.

``case_closed.register(fn)``: `withdraw_case` calls ``fn(case=case, actor=actor)`` the same way
when a case ends without a decision (joint handling follows its steps so).
"""

from collections.abc import Callable
from typing import Any

from govhall.core.hooks import Hook

CaseHook = Callable[..., Any]

case_completed: Hook[CaseHook] = Hook("case_completed")
case_closed: Hook[CaseHook] = Hook("case_closed")
