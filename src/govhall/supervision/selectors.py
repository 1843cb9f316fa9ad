"""Reads of the supervision app: phases and deadlines, problem lists, census, progress.

Phase rule (docs/supervision.md): the phases end on their dates (inclusive, in the order
self-check → inspection → consolidation). The phase current on a day is the first whose end is on
or after it. A problem's default deadline is the end of the phase current on the day it was found;
a problem "falls due in" the phase whose window (after the previous end, up to its own end) holds
its deadline. A problem is overdue on a day when it is still open (待整改 / 退回重改) and its
deadline is before that day; it was fixed late when its standing fix came after the deadline.

The reports dated `on` (phase report, progress, the workbook) are as of the close of that day:
the problems found by then, each as its timeline (`ProblemEvent`) leaves it then
(`problems_on`), the sign-offs standing then and the census reports filed by then.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core import settings_rows
from govhall.core.dates import end_of_day
from govhall.core.selectors import filtered
from govhall.org.scoping import Scope, scope_for
from govhall.supervision.errors import SupervisionError
from govhall.supervision.models import (
    Campaign,
    CampaignDocument,
    CampaignUnit,
    CensusEntry,
    CensusReport,
    Phase,
    Problem,
    ProblemEvent,
    ProblemEvidence,
    SignOff,
    SupervisionSettings,
)


def supervision_settings(*, center_id: int) -> SupervisionSettings:
    """The centre's supervision settings (the defaults, unsaved, if it has no row)."""
    return settings_rows.read(SupervisionSettings, center_id)


# --- phases and deadlines -----------------------------------------------------------------


def campaign_phases(*, campaign_id: int) -> list[Phase]:
    return list(Phase.objects.filter(campaign_id=campaign_id).order_by("ends_on"))


def phase_on(phases: Sequence[Phase], day: dt.date) -> Phase | None:
    """The phase current on `day` (phases ordered by end date); None once the last has ended."""
    for phase in phases:
        if day <= phase.ends_on:
            return phase
    return None


def default_deadline(phases: Sequence[Phase], found_on: dt.date) -> dt.date | None:
    """The end of the phase current when the problem was found (None after the last phase)."""
    phase = phase_on(phases, found_on)
    return phase.ends_on if phase else None


def phase_of_deadline(phases: Sequence[Phase], deadline: dt.date) -> Phase | None:
    """The phase a deadline falls due in; deadlines after the last phase count in the last."""
    return phase_on(phases, deadline) or (phases[-1] if phases else None)


class Standing(Protocol):
    """What the deadline rules read of a problem: a `Problem` as it stands now, or a
    `ProblemOn` as it stood at the close of a day."""

    status: str
    deadline: dt.date
    fixed_on: dt.date | None


def is_overdue(problem: Standing, on: dt.date) -> bool:
    return problem.status in Problem.OPEN_STATUSES and problem.deadline < on


def missed_deadline(problem: Standing, on: dt.date) -> bool:
    """超期 as DOMAIN.md counts it: fixed after its deadline, or still open past it on `on`."""
    if problem.fixed_on is not None:
        return problem.fixed_on > problem.deadline
    return is_overdue(problem, on)


def report_day(on: dt.date | None) -> dt.date:
    """The day a report is dated: `on` (today when not given), refused when still to come — a
    report says what was true at the close of a day, and a day to come has not closed."""
    today = timezone.localdate()
    if on is None:
        return today
    if on > today:
        raise SupervisionError.TIME_IN_FUTURE(
            _("统计日期不能晚于今天。"), detail={"on": [on.isoformat()]}
        )
    return on


# --- problems as of a day -------------------------------------------------------------------


@dataclass(frozen=True)
class ProblemOn:
    """A problem as it stood at the close of a day: its state and deadline then, the fix
    standing then (`fixed_on`) and the evidence files filed by then. `problem` is the row as it
    is now (its wording, unit and category)."""

    problem: Problem
    status: str
    deadline: dt.date
    fixed_on: dt.date | None
    evidence: int

    @property
    def status_label(self) -> str:
        return str(Problem.Status(self.status).label)


# The timeline entries that move a problem's state (its deadline moves are `updated` entries).
STATE_EVENTS = (
    ProblemEvent.Kind.FIXED,
    ProblemEvent.Kind.CONFIRMED,
    ProblemEvent.Kind.REOPENED,
)


def _replayed(problem: Problem, close: dt.datetime) -> ProblemOn:
    """`problem` at `close`, from its timeline (`problem.timeline`: its state events and its
    deadline moves, in the order they were written): the state the events before `close` leave,
    and the deadline the first move after `close` moved away from (the current one when none has
    moved it since). Replayed to now, it is the row as it stands."""
    status, fixed_on = Problem.Status.OPEN, None
    deadline = problem.deadline
    for event in problem.timeline:
        if event.at >= close:
            if event.kind == ProblemEvent.Kind.UPDATED:
                deadline = dt.date.fromisoformat(event.details["changes"]["deadline"][0])
                break
            continue
        if event.kind == ProblemEvent.Kind.FIXED:
            status, fixed_on = Problem.Status.FIXED, timezone.localdate(event.at)
        elif event.kind == ProblemEvent.Kind.CONFIRMED:
            status = Problem.Status.CONFIRMED
        elif event.kind == ProblemEvent.Kind.REOPENED:
            status, fixed_on = Problem.Status.REOPENED, None
    return ProblemOn(
        problem=problem,
        status=status,
        deadline=deadline,
        fixed_on=fixed_on,
        evidence=problem.evidence_filed,
    )


def problems_on(
    *, campaign_id: int, on: dt.date, unit_ids: Iterable[int] | None = None
) -> list[ProblemOn]:
    """The campaign's problems found by `on`, each as it stood at the close of that day (its
    timeline replayed), in list order (unit, then as recorded)."""
    close = end_of_day(on)
    timeline = ProblemEvent.objects.filter(
        Q(kind__in=STATE_EVENTS)
        | Q(kind=ProblemEvent.Kind.UPDATED, details__changes__has_key="deadline")
    ).order_by("id")
    qs = (
        campaign_problems(campaign_id=campaign_id, unit_ids=unit_ids)
        .filter(found_on__lte=on)
        .annotate(evidence_filed=Count("evidence", filter=Q(evidence__uploaded_at__lt=close)))
        .prefetch_related(Prefetch("events", queryset=timeline, to_attr="timeline"))
    )
    return [_replayed(problem, close) for problem in qs]


def overdue_problems(
    *, campaign_id: int, on: dt.date, unit_ids: Iterable[int] | None = None
) -> list[ProblemOn]:
    """Problems still open at the close of `on` whose deadline then was before it."""
    overdue = [
        p
        for p in problems_on(campaign_id=campaign_id, on=on, unit_ids=unit_ids)
        if is_overdue(p, on)
    ]
    return sorted(overdue, key=lambda p: (p.deadline, p.problem.unit.sort_order, p.problem.pk))


PROGRESS_FIGURES = ("found", "fixed_on_time", "fixed_late", "open", "overdue", "confirmed")


def _tally(problems: Iterable[ProblemOn], on: dt.date) -> dict[str, int]:
    """The progress figures of `problems` on `on`: found = fixed on time + fixed late + open;
    `overdue` is the part of `open` past its deadline (fixed late + overdue: the 超期 ones)."""
    counts = dict.fromkeys(PROGRESS_FIGURES, 0)
    for p in problems:
        counts["found"] += 1
        if p.fixed_on is None:
            counts["open"] += 1
            counts["overdue"] += is_overdue(p, on)
        elif missed_deadline(p, on):
            counts["fixed_late"] += 1
        else:
            counts["fixed_on_time"] += 1
        counts["confirmed"] += p.status == Problem.Status.CONFIRMED
    return counts


@dataclass(frozen=True)
class PhaseStatus:
    phase: Phase
    starts_after: dt.date | None
    due: int
    fixed_on_time: int
    fixed_late: int
    open_overdue: int
    open_not_due: int
    current: bool
    ended: bool


def phase_report(
    *, campaign_id: int, on: dt.date, unit_ids: Iterable[int] | None = None
) -> list[PhaseStatus]:
    """For each phase: the problems falling due in it and how they stand at the close of `on`
    (`problems_on`: found by then, with the deadline and state they had then).

    The last phase also takes every deadline set after it.
    """
    phases = campaign_phases(campaign_id=campaign_id)
    falling_due: dict[int, list[ProblemOn]] = {phase.pk: [] for phase in phases}
    for problem in problems_on(campaign_id=campaign_id, on=on, unit_ids=unit_ids):
        phase = phase_of_deadline(phases, problem.deadline)
        if phase is not None:
            falling_due[phase.pk].append(problem)
    current = phase_on(phases, on)
    rows = []
    previous_end: dt.date | None = None
    for phase in phases:
        counts = _tally(falling_due[phase.pk], on)
        rows.append(
            PhaseStatus(
                phase=phase,
                starts_after=previous_end,
                due=counts["found"],
                fixed_on_time=counts["fixed_on_time"],
                fixed_late=counts["fixed_late"],
                open_overdue=counts["overdue"],
                open_not_due=counts["open"] - counts["overdue"],
                current=current is not None and current.pk == phase.pk,
                ended=phase.ends_on < on,
            )
        )
        previous_end = phase.ends_on
    return rows


# --- campaigns, units and problem lists -----------------------------------------------------


def visible_campaigns(scope: Scope) -> QuerySet[Campaign]:
    """Campaigns the user may see: the whole centre's, or those covering the user's unit."""
    qs = scope.filter(Campaign.objects.all(), department_field="units__department")
    return qs.distinct().order_by("-issued_on", "-id")


def visible_campaign(scope: Scope, *, campaign_id: int) -> Campaign:
    """One campaign the user may see, or CAMPAIGN_NOT_FOUND (for the pages and the API)."""
    campaign = visible_campaigns(scope).filter(pk=campaign_id).first()
    if campaign is None:
        raise SupervisionError.CAMPAIGN_NOT_FOUND(_("活动不存在。"))
    return campaign


def visible_units(scope: Scope, *, campaign_id: int) -> QuerySet[CampaignUnit]:
    return scope.filter(
        CampaignUnit.objects.filter(campaign_id=campaign_id).select_related("department"),
        department_field="department",
    ).order_by("sort_order", "id")


def visible_unit_ids(scope: Scope, *, campaign_id: int) -> list[int] | None:
    """The ids of the campaign's units the user sees; None for the whole centre."""
    if scope.whole_center:
        return None
    return list(visible_units(scope, campaign_id=campaign_id).values_list("pk", flat=True))


def problem_list(
    scope: Scope,
    *,
    campaign_id: int,
    unit_id: int | None = None,
    status: str | None = None,
    category_id: int | None = None,
    found_by: str | None = None,
) -> QuerySet[Problem]:
    qs = scope.filter(
        Problem.objects.filter(campaign_id=campaign_id), department_field="unit__department"
    )
    qs = filtered(qs, unit_id=unit_id, status=status, category_id=category_id, found_by=found_by)
    return qs.select_related("unit", "category", "item").order_by(
        "unit__sort_order", "unit_id", "id"
    )


def campaign_problems(
    *, campaign_id: int, unit_ids: Iterable[int] | None = None
) -> QuerySet[Problem]:
    """The whole list of a campaign (or of some of its units), in unit order."""
    qs = Problem.objects.filter(campaign_id=campaign_id)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=list(unit_ids))
    return qs.select_related("unit", "category", "item").order_by(
        "unit__sort_order", "unit_id", "id"
    )


def problem_detail(scope: Scope, *, problem_id: int) -> Problem | None:
    return (
        scope.filter(Problem.objects.all(), department_field="unit__department")
        .select_related("campaign", "unit", "category", "item", "confirmed_by", "created_by")
        .prefetch_related("evidence", "events__actor")
        .filter(pk=problem_id)
        .first()
    )


def visible_problem(scope: Scope, *, problem_id: int) -> Problem:
    """`problem_detail`, or PROBLEM_NOT_FOUND (for the pages and the API)."""
    problem = problem_detail(scope, problem_id=problem_id)
    if problem is None:
        raise SupervisionError.PROBLEM_NOT_FOUND(_("问题不存在。"))
    return problem


# --- census -------------------------------------------------------------------------------


def _filed_census(*, campaign_id: int, on: dt.date | None) -> QuerySet[CensusReport]:
    """The campaign's census reports first filed by the close of `on` (None: so far)."""
    qs = CensusReport.objects.filter(campaign_id=campaign_id)
    return qs if on is None else qs.filter(first_filed_at__lt=end_of_day(on))


def census_reports(
    *, campaign_id: int, unit_ids: Iterable[int] | None = None, on: dt.date | None = None
) -> list[Any]:
    """The census reports (with their lines as filed last), those first filed by `on` if given."""
    qs = _filed_census(campaign_id=campaign_id, on=on)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=list(unit_ids))
    return list(
        qs.select_related("unit", "filed_by")
        .prefetch_related(Prefetch("entries", queryset=CensusEntry.objects.order_by("sort_order")))
        .order_by("unit__sort_order", "unit_id")
    )


def missing_census_units(*, campaign_id: int, on: dt.date | None = None) -> QuerySet[CampaignUnit]:
    """Units of the campaign that have filed neither a census nor a zero report (by `on` if
    given)."""
    filed = _filed_census(campaign_id=campaign_id, on=on)
    return (
        CampaignUnit.objects.filter(campaign_id=campaign_id)
        .exclude(pk__in=filed.values("unit_id"))
        .order_by("sort_order", "id")
    )


def late_census_reports(*, campaign_id: int) -> QuerySet[CensusReport]:
    """Reports first filed after the campaign's census deadline."""
    return CensusReport.objects.filter(
        campaign_id=campaign_id,
        campaign__census_due__isnull=False,
        first_filed_at__gt=F("campaign__census_due"),
    ).select_related("unit")


def census_totals(*, campaign_id: int) -> dict[str, int]:
    reports = CensusReport.objects.filter(campaign_id=campaign_id).aggregate(
        filed=Count("id"), zero=Count("id", filter=Q(zero_report=True))
    )
    entries = CensusEntry.objects.filter(report__campaign_id=campaign_id).aggregate(
        halls=Count("id", filter=Q(kind=CensusEntry.Kind.HALL)),
        window_groups=Count("id", filter=Q(kind=CensusEntry.Kind.WINDOW)),
        windows=Sum("windows", default=0),
        items=Sum("items", default=0),
        staff=Sum("staff", default=0),
    )
    units = CampaignUnit.objects.filter(campaign_id=campaign_id).count()
    return {"units": units, "missing": units - reports["filed"], **reports, **entries}


# --- progress -------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitProgress:
    unit_id: int
    unit_name: str
    unit_kind: str
    found: int
    fixed_on_time: int
    fixed_late: int
    open: int
    overdue: int
    confirmed: int
    census_filed: bool
    signer_name: str = ""
    signed_at: dt.datetime | None = None

    @property
    def signed_off(self) -> bool:
        return self.signed_at is not None


@dataclass(frozen=True)
class Progress:
    rows: list[UnitProgress]
    totals: dict[str, int] = field(default_factory=dict)


def signoffs_on(*, campaign_id: int, on: dt.date) -> QuerySet[SignOff]:
    """The sign-offs standing at the close of `on`: made by then and not revoked by then."""
    close = end_of_day(on)
    return SignOff.objects.filter(campaign_id=campaign_id, signed_at__lt=close).filter(
        Q(revoked_at__isnull=True) | Q(revoked_at__gte=close)
    )


def campaign_progress(
    *, campaign_id: int, on: dt.date, unit_ids: Iterable[int] | None = None
) -> Progress:
    """Per unit, as of the close of `on`: problems found, fixed on time, fixed late, open,
    overdue, confirmed (`problems_on`); the census filed by then; the sign-off standing then.

    found = fixed_on_time + fixed_late + open; `overdue` is the part of `open` past its deadline.
    """
    units = CampaignUnit.objects.filter(campaign_id=campaign_id).order_by("sort_order", "id")
    if unit_ids is not None:
        units = units.filter(pk__in=list(unit_ids))
    lists: dict[int, list[ProblemOn]] = {unit.pk: [] for unit in units}
    for problem in problems_on(campaign_id=campaign_id, on=on, unit_ids=unit_ids):
        lists[problem.problem.unit_id].append(problem)
    signoffs = {
        s.unit_id: s for s in signoffs_on(campaign_id=campaign_id, on=on).order_by("signed_at")
    }
    filed = {r.unit_id for r in _filed_census(campaign_id=campaign_id, on=on)}
    rows = []
    for unit in units:
        signoff = signoffs.get(unit.pk)
        rows.append(
            UnitProgress(
                unit_id=unit.pk,
                unit_name=unit.name,
                unit_kind=unit.kind,
                **_tally(lists[unit.pk], on),
                census_filed=unit.pk in filed,
                signer_name=signoff.signer_name if signoff else "",
                signed_at=signoff.signed_at if signoff else None,
            )
        )
    totals = {name: sum(getattr(r, name) for r in rows) for name in PROGRESS_FIGURES}
    totals["units"] = len(rows)
    totals["signed_off"] = sum(1 for r in rows if r.signed_off)
    return Progress(rows=rows, totals=totals)


def unsigned_units(*, campaign_id: int, on: dt.date) -> QuerySet[CampaignUnit]:
    """Units without a sign-off standing at the close of `on`."""
    signed = signoffs_on(campaign_id=campaign_id, on=on)
    return (
        CampaignUnit.objects.filter(campaign_id=campaign_id)
        .exclude(pk__in=signed.values("unit_id"))
        .order_by("sort_order", "id")
    )


def active_signoff(*, campaign_id: int, unit_id: int) -> SignOff | None:
    return SignOff.objects.filter(
        campaign_id=campaign_id, unit_id=unit_id, revoked_at__isnull=True
    ).first()


def may_download_document(user: Any, document: CampaignDocument) -> bool:
    """Whether the user may open a campaign's document: whoever may see the campaign."""
    scope = scope_for(user)
    return (
        scope.can("supervision.view_campaign")
        and visible_campaigns(scope).filter(pk=document.campaign_id).exists()
    )


def may_download_evidence(user: Any, evidence: ProblemEvidence) -> bool:
    """Whether the user may open a problem's evidence: whoever may see the problem."""
    scope = scope_for(user)
    return (
        scope.can("supervision.view_problem")
        and problem_detail(scope, problem_id=evidence.problem_id) is not None
    )


def visible_phase_report(scope: Scope, campaign: Campaign, *, on: dt.date) -> list[PhaseStatus]:
    """`phase_report` of the campaign's units the user sees."""
    unit_ids = visible_unit_ids(scope, campaign_id=campaign.pk)
    return phase_report(campaign_id=campaign.pk, on=on, unit_ids=unit_ids)


def visible_progress(scope: Scope, campaign: Campaign, *, on: dt.date) -> Progress:
    """`campaign_progress` of the campaign's units the user sees."""
    unit_ids = visible_unit_ids(scope, campaign_id=campaign.pk)
    return campaign_progress(campaign_id=campaign.pk, on=on, unit_ids=unit_ids)
