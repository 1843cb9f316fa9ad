"""Reads of the supervision app: phases and deadlines, problem lists, census, progress.

Phase rule (docs/supervision.md): the phases end on their dates (inclusive, in the order
self-check → inspection → consolidation). The phase current on a day is the first whose end is on
or after it. A problem's default deadline is the end of the phase current on the day it was found;
a problem "falls due in" the phase whose window (after the previous end, up to its own end) holds
its deadline. A problem is overdue on a day when it is still open (待整改 / 退回重改) and its
deadline is before that day; it was fixed late when the fix standing now came after the deadline.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from govhall.core import settings_rows
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
    ProblemEvidence,
    SignOff,
    SupervisionSettings,
)


def settings_for(*, center_id: int) -> SupervisionSettings:
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


def is_overdue(problem: Problem, on: dt.date) -> bool:
    return problem.status in Problem.OPEN_STATUSES and problem.deadline < on


def missed_deadline(problem: Problem, on: dt.date) -> bool:
    """超期 as DOMAIN.md counts it: fixed after its deadline, or still open past it on `on`."""
    if problem.fixed_on is not None:
        return problem.fixed_on > problem.deadline
    return is_overdue(problem, on)


def overdue_problems(*, campaign_id: int, on: dt.date) -> QuerySet[Problem]:
    """Problems still open whose deadline is before `on`."""
    return (
        Problem.objects.filter(
            campaign_id=campaign_id, status__in=Problem.OPEN_STATUSES, deadline__lt=on
        )
        .select_related("unit", "category")
        .order_by("deadline", "unit__sort_order", "id")
    )


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


def _counts(qs: QuerySet[Problem], on: dt.date) -> dict[str, int]:
    done = Q(status__in=Problem.DONE_STATUSES)
    still_open = Q(status__in=Problem.OPEN_STATUSES)
    return qs.aggregate(
        found=Count("id"),
        fixed_on_time=Count("id", filter=done & Q(fixed_on__lte=F("deadline"))),
        fixed_late=Count("id", filter=done & Q(fixed_on__gt=F("deadline"))),
        open=Count("id", filter=still_open),
        overdue=Count("id", filter=still_open & Q(deadline__lt=on)),
        confirmed=Count("id", filter=Q(status=Problem.Status.CONFIRMED)),
    )


def phase_report(
    *, campaign_id: int, on: dt.date, unit_ids: Iterable[int] | None = None
) -> list[PhaseStatus]:
    """For each phase: the problems falling due in it and how they stand on `on`.

    The last phase also takes every deadline set after it.
    """
    base = Problem.objects.filter(campaign_id=campaign_id)
    if unit_ids is not None:
        base = base.filter(unit_id__in=list(unit_ids))
    phases = campaign_phases(campaign_id=campaign_id)
    current = phase_on(phases, on)
    rows = []
    previous_end: dt.date | None = None
    for index, phase in enumerate(phases):
        qs = base
        if previous_end is not None:
            qs = qs.filter(deadline__gt=previous_end)
        if index < len(phases) - 1:
            qs = qs.filter(deadline__lte=phase.ends_on)
        counts = _counts(qs, on)
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


def census_reports(*, campaign_id: int, unit_ids: Iterable[int] | None = None) -> list[Any]:
    qs = CensusReport.objects.filter(campaign_id=campaign_id)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=list(unit_ids))
    return list(
        qs.select_related("unit", "filed_by")
        .prefetch_related(Prefetch("entries", queryset=CensusEntry.objects.order_by("sort_order")))
        .order_by("unit__sort_order", "unit_id")
    )


def missing_census_units(*, campaign_id: int) -> QuerySet[CampaignUnit]:
    """Units of the campaign that have filed neither a census nor a zero report."""
    return (
        CampaignUnit.objects.filter(campaign_id=campaign_id)
        .exclude(pk__in=CensusReport.objects.filter(campaign_id=campaign_id).values("unit_id"))
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


PROGRESS_FIGURES = ("found", "fixed_on_time", "fixed_late", "open", "overdue", "confirmed")


def campaign_progress(
    *, campaign_id: int, on: dt.date, unit_ids: Iterable[int] | None = None
) -> Progress:
    """Per unit: problems found, fixed on time, fixed late, open, overdue on `on`, confirmed.

    found = fixed_on_time + fixed_late + open; `overdue` is the part of `open` past its deadline.
    """
    units = CampaignUnit.objects.filter(campaign_id=campaign_id).order_by("sort_order", "id")
    if unit_ids is not None:
        units = units.filter(pk__in=list(unit_ids))
    done = Q(problems__status__in=Problem.DONE_STATUSES)
    still_open = Q(problems__status__in=Problem.OPEN_STATUSES)
    units = units.annotate(
        found=Count("problems"),
        fixed_on_time=Count(
            "problems", filter=done & Q(problems__fixed_on__lte=F("problems__deadline"))
        ),
        fixed_late=Count(
            "problems", filter=done & Q(problems__fixed_on__gt=F("problems__deadline"))
        ),
        open=Count("problems", filter=still_open),
        overdue=Count("problems", filter=still_open & Q(problems__deadline__lt=on)),
        confirmed=Count("problems", filter=Q(problems__status=Problem.Status.CONFIRMED)),
    )
    signoffs = {
        s.unit_id: s
        for s in SignOff.objects.filter(campaign_id=campaign_id, revoked_at__isnull=True)
    }
    filed = set(
        CensusReport.objects.filter(campaign_id=campaign_id).values_list("unit_id", flat=True)
    )
    rows = []
    for unit in units:
        signoff = signoffs.get(unit.pk)
        rows.append(
            UnitProgress(
                unit_id=unit.pk,
                unit_name=unit.name,
                unit_kind=unit.kind,
                found=unit.found,
                fixed_on_time=unit.fixed_on_time,
                fixed_late=unit.fixed_late,
                open=unit.open,
                overdue=unit.overdue,
                confirmed=unit.confirmed,
                census_filed=unit.pk in filed,
                signer_name=signoff.signer_name if signoff else "",
                signed_at=signoff.signed_at if signoff else None,
            )
        )
    totals = {name: sum(getattr(r, name) for r in rows) for name in PROGRESS_FIGURES}
    totals["units"] = len(rows)
    totals["signed_off"] = sum(1 for r in rows if r.signed_off)
    return Progress(rows=rows, totals=totals)


def unsigned_units(*, campaign_id: int) -> QuerySet[CampaignUnit]:
    return (
        CampaignUnit.objects.filter(campaign_id=campaign_id)
        .exclude(
            pk__in=SignOff.objects.filter(campaign_id=campaign_id, revoked_at__isnull=True).values(
                "unit_id"
            )
        )
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
