"""Writes of the supervision app: one function per business action, each one transaction, by topic.

Every service takes the acting user and checks, through `scope_for`, that the user holds the
permission and (for a unit's own list) belongs to that unit, so the pages, the API and the admin
actions behave the same. Every state change of a problem writes a `ProblemEvent` with it.
`from govhall.supervision import services; services.create_problem(...)` keeps working: this
package re-exports every public service of its modules.
"""

from govhall.supervision.services.campaigns import (
    DEFAULT_CATEGORIES,
    add_document,
    add_units,
    create_campaign,
    set_phase_dates,
)
from govhall.supervision.services.census import CensusLine, file_census
from govhall.supervision.services.data_imports import (
    LINT_RULE_CATEGORIES,
    Draft,
    ImportResult,
    import_drafts,
    import_from_data,
    import_lint_findings,
    import_overdue_cases,
    import_wait_alerts,
    import_zero_case_departments,
)
from govhall.supervision.services.problems import (
    EDITABLE_FIELDS,
    add_evidence,
    confirm_problem,
    create_problem,
    mark_fixed,
    reopen_problem,
    update_problem,
)
from govhall.supervision.services.signoff import sign_off

__all__ = [
    "DEFAULT_CATEGORIES",
    "EDITABLE_FIELDS",
    "LINT_RULE_CATEGORIES",
    "CensusLine",
    "Draft",
    "ImportResult",
    "add_document",
    "add_evidence",
    "add_units",
    "confirm_problem",
    "create_campaign",
    "create_problem",
    "file_census",
    "import_drafts",
    "import_from_data",
    "import_lint_findings",
    "import_overdue_cases",
    "import_wait_alerts",
    "import_zero_case_departments",
    "mark_fixed",
    "reopen_problem",
    "set_phase_dates",
    "sign_off",
    "update_problem",
]
