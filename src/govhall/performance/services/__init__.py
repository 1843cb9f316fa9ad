"""Writes of the evaluation, by topic: rubrics (`rubrics`), scoring and ranking the units and
the staff (`ranking`), periods, marks and runs with their checks (`runs`), and publishing a run
with its bulletin and report files (`publication`).

Each action a person takes checks its permission here (`org.scoping.require_perm`); the commands
and the demo act as the system (`actor` None).

`from govhall.performance import services; services.evaluate_period(...)` keeps working: this
package re-exports every public service of its modules.
"""

from govhall.performance.services.publication import (
    bulletin_of,
    bulletin_texts,
    edit_run_text,
    publish_run,
    report_run,
    write_report,
)
from govhall.performance.services.ranking import (
    NO_ATTENDANCE,
    UnitResult,
    award_bar,
    rank_departments,
    rank_staff,
)
from govhall.performance.services.rubrics import (
    ensure_default_rubric,
    new_rubric_version,
    validate_rubric,
)
from govhall.performance.services.runs import (
    authorize_compute,
    authorize_marks,
    check_period,
    check_run,
    diff_runs,
    ensure_period,
    enter_manual_scores,
    evaluate_period,
)

__all__ = [
    "NO_ATTENDANCE",
    "UnitResult",
    "authorize_compute",
    "authorize_marks",
    "award_bar",
    "bulletin_of",
    "bulletin_texts",
    "check_period",
    "check_run",
    "diff_runs",
    "edit_run_text",
    "ensure_default_rubric",
    "ensure_period",
    "enter_manual_scores",
    "evaluate_period",
    "new_rubric_version",
    "publish_run",
    "rank_departments",
    "rank_staff",
    "report_run",
    "validate_rubric",
    "write_report",
]
