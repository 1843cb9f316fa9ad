"""Every write on cases: one function per business action, each in one transaction, by topic.

Each action checks its own permission and the actor's department (``actor=None`` is the system:
imports, the demo, scheduled jobs), refuses transitions the case's state does not allow with
`InvalidTransition` (changing nothing), writes a `CaseEvent` and, in the same transaction, an
outbox row ``case.<event>`` for the upstream platform (payload: `outbox_payload`).
`from govhall.cases import services; services.accept_case(...)` keeps working: this package
re-exports every public service of its modules.
"""

from govhall.cases.services.bulk_import import authorize_import, import_cases
from govhall.cases.services.clocks import (
    extend_case,
    recompute_deadlines,
    request_correction,
    resubmit_case,
    resume_case,
    supply_materials,
    suspend_case,
)
from govhall.cases.services.common import (
    EventType,
    State,
    case_outbox,
    next_numbers,
    outbox_payload,
)
from govhall.cases.services.delivery import deliver_case
from govhall.cases.services.intake import (
    accept_case,
    accept_submitted_case,
    authorize_intake,
    notify_correction,
    refuse_case,
    submit_case,
)
from govhall.cases.services.workflow import (
    complete_case,
    revoke_commitment,
    start_review,
    verify_commitment,
    withdraw_case,
)

__all__ = [
    "EventType",
    "State",
    "accept_case",
    "accept_submitted_case",
    "authorize_import",
    "authorize_intake",
    "case_outbox",
    "complete_case",
    "deliver_case",
    "extend_case",
    "import_cases",
    "next_numbers",
    "notify_correction",
    "outbox_payload",
    "recompute_deadlines",
    "refuse_case",
    "request_correction",
    "resubmit_case",
    "resume_case",
    "revoke_commitment",
    "start_review",
    "submit_case",
    "supply_materials",
    "suspend_case",
    "verify_commitment",
    "withdraw_case",
]
