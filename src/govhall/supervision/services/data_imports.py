"""Problems from the data: guide lint, overdue cases, long waits, zero-case departments."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.cases.selectors import overdue_cases, zero_case_departments
from govhall.catalog.lint import rule_title
from govhall.catalog.models import ServiceItem
from govhall.catalog.selectors import lint_items
from govhall.core.dates import previous_month
from govhall.core.writes import locked
from govhall.queueing.models import QueueCategory
from govhall.queueing.selectors import wait_alerts
from govhall.supervision import selectors
from govhall.supervision.errors import SupervisionError
from govhall.supervision.models import Campaign, Problem, ProblemCategory
from govhall.supervision.services.common import require_perm
from govhall.supervision.services.problems import new_problem


@dataclass(frozen=True)
class Draft:
    """A problem the data suggests, before it is checked against what is already listed."""

    department_id: int
    category_key: str
    description: str
    source_key: str
    source_ref: dict[str, Any]
    item_id: int | None = None


@dataclass
class ImportResult:
    created: list[Problem] = field(default_factory=list)
    already_listed: int = 0
    outside_scope: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": len(self.created),
            "created_ids": [p.pk for p in self.created],
            "already_listed": self.already_listed,
            "outside_scope": self.outside_scope,
        }


def _category_for(campaign: Campaign, key: str) -> ProblemCategory:
    categories = {c.key: c for c in campaign.categories.all() if c.key}
    category = categories.get(key) or categories.get(ProblemCategory.Key.OTHER)
    if category is None:
        category = campaign.categories.order_by("-sort_order").first()
    if category is None:
        raise SupervisionError.NO_CATEGORIES(_("该活动没有问题类别,请先设置。"))
    return category


def import_drafts(
    *, actor: Any, campaign: Campaign, found_by: str, drafts: Iterable[Draft]
) -> ImportResult:
    """Add the drafts not yet on the campaign's lists; the caller holds the transaction.

    Idempotent: a draft whose `source_key` is already listed (whatever its status) is skipped;
    drafts for departments the campaign does not cover are reported, not added.
    """
    require_perm(actor, "supervision.record_problem", center_id=campaign.center_id)
    locked(Campaign.objects.filter(pk=campaign.pk)).get()
    phases = selectors.campaign_phases(campaign_id=campaign.pk)
    if phases and selectors.phase_on(phases, timezone.localdate()) is None:
        raise SupervisionError.CAMPAIGN_ENDED(
            _("该活动已于 %(end)s 结束,不能再从数据生成问题。") % {"end": phases[-1].ends_on}
        )
    drafts = list(drafts)
    units = {
        u.department_id: u
        for u in campaign.units.filter(department__isnull=False).select_related("campaign")
    }
    listed = set(
        Problem.objects.filter(
            campaign=campaign, source_key__in=[d.source_key for d in drafts]
        ).values_list("source_key", flat=True)
    )
    result = ImportResult()
    for draft in drafts:
        if draft.source_key in listed:
            result.already_listed += 1
            continue
        unit = units.get(draft.department_id)
        if unit is None:
            result.outside_scope.append(draft.source_key)
            continue
        listed.add(draft.source_key)
        result.created.append(
            new_problem(
                actor=actor,
                unit=unit,
                category=_category_for(campaign, draft.category_key),
                description=draft.description,
                found_by=found_by,
                deadline=None,
                source_key=draft.source_key,
                source_ref=draft.source_ref,
                item_id=draft.item_id,
            )
        )
    return result


# One service per data source. Each builds drafts from the owning app's selector and hands them
# to `import_drafts`, which adds only what is not listed yet (the `source_key` says what "the same
# finding" is for that source).

LINT_RULE_CATEGORIES = {"promised_over_legal": ProblemCategory.Key.OTHER}


@transaction.atomic
def import_lint_findings(*, actor: Any, campaign: Campaign) -> ImportResult:
    """One problem per guide-lint finding (item × rule), carrying the item and the finding."""
    require_perm(actor, "supervision.record_problem", center_id=campaign.center_id)
    findings = lint_items(center_id=campaign.center_id)
    departments = dict(
        ServiceItem.objects.filter(pk__in={f.item_id for f in findings}).values_list(
            "pk", "department_id"
        )
    )
    drafts = [
        Draft(
            department_id=departments[f.item_id],
            category_key=LINT_RULE_CATEGORIES.get(f.rule, ProblemCategory.Key.UNCLEAR_REQUIREMENTS),
            description=_("“%(item)s”办事指南:%(title)s。%(message)s")
            % {"item": f.item_name, "title": rule_title(f.rule), "message": f.message},
            source_key=f"guide_lint:{f.item_id}:{f.rule}",
            source_ref={
                "item_id": f.item_id,
                "item_code": f.item_code,
                "item_name": f.item_name,
                "department": f.department,
                "rule": f.rule,
                "rule_title": rule_title(f.rule),
                "severity": f.severity,
                "message": f.message,
            },
            item_id=f.item_id,
        )
        for f in findings
    ]
    return import_drafts(
        actor=actor, campaign=campaign, found_by=Problem.Source.GUIDE_LINT, drafts=drafts
    )


@transaction.atomic
def import_overdue_cases(
    *, actor: Any, campaign: Campaign, on: dt.date | None = None
) -> ImportResult:
    """One problem per department and item for the overdue cases not yet on any list.

    A case number is listed once per campaign: a later run lists only cases that became
    overdue since, as a new problem.
    """
    require_perm(actor, "supervision.record_problem", center_id=campaign.center_id)
    # Not a day still to come: a case due before it is not overdue yet; listed now, it would
    # never be listed again once it really is (a case number is listed once per campaign).
    on = selectors.report_day(on)
    listed: set[str] = set()
    for ref in Problem.objects.filter(
        campaign=campaign, found_by=Problem.Source.OVERDUE_CASES
    ).values_list("source_ref", flat=True):
        listed.update(ref.get("case_numbers", []))
    groups: dict[tuple[int, int], list[Any]] = {}
    for case in overdue_cases(center_id=campaign.center_id, on=on):
        if case.number not in listed:
            groups.setdefault((case.department_id, case.item_id), []).append(case)
    drafts = []
    for (department_id, item_id), cases in groups.items():
        numbers = sorted(c.number for c in cases)
        item = cases[0].item
        drafts.append(
            Draft(
                department_id=department_id,
                category_key=ProblemCategory.Key.OTHER,
                description=_("“%(item)s”有 %(n)d 件办件超过承诺时限未办结:%(numbers)s。")
                % {"item": item.name, "n": len(numbers), "numbers": "、".join(numbers)},
                source_key=f"overdue_cases:{item_id}:{numbers[0]}",
                source_ref={
                    "on": on.isoformat(),
                    "item_id": item_id,
                    "item_name": item.name,
                    "case_numbers": numbers,
                    "due_dates": {c.number: c.due_date.isoformat() for c in cases},
                },
                item_id=item_id,
            )
        )
    return import_drafts(
        actor=actor, campaign=campaign, found_by=Problem.Source.OVERDUE_CASES, drafts=drafts
    )


@transaction.atomic
def import_wait_alerts(*, actor: Any, campaign: Campaign) -> ImportResult:
    """One problem per queue category in alert and department it serves, once a day."""
    require_perm(actor, "supervision.record_problem", center_id=campaign.center_id)
    today = timezone.localdate()
    alerts = wait_alerts(center_id=campaign.center_id)
    served: dict[int, list[int]] = {}
    for category_id, department_id in QueueCategory.departments.through.objects.filter(
        queuecategory_id__in=[a["category_id"] for a in alerts]
    ).values_list("queuecategory_id", "department_id"):
        served.setdefault(category_id, []).append(department_id)
    drafts = [
        Draft(
            department_id=department_id,
            category_key=ProblemCategory.Key.LONG_WAITS,
            description=_(
                "%(name)s(%(prefix)s)排队等待过长:%(waiting)d 人等候,最长已等 %(minutes)d 分钟"
                "(预警线 %(threshold)d 分钟)。"
            )
            % {
                "name": alert["name"],
                "prefix": alert["prefix"],
                "waiting": alert["waiting"],
                "minutes": alert["longest_wait_seconds"] // 60,
                "threshold": alert["threshold_seconds"] // 60,
            },
            source_key=f"long_waits:{alert['category_id']}:{department_id}:{today.isoformat()}",
            source_ref={**alert, "on": today.isoformat()},
        )
        for alert in alerts
        for department_id in served.get(alert["category_id"], [])
    ]
    return import_drafts(
        actor=actor, campaign=campaign, found_by=Problem.Source.LONG_WAITS, drafts=drafts
    )


@transaction.atomic
def import_zero_case_departments(
    *,
    actor: Any,
    campaign: Campaign,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> ImportResult:
    """One problem per entered department with no case in the period (default: last month)."""
    require_perm(actor, "supervision.record_problem", center_id=campaign.center_id)
    today = timezone.localdate()
    if start is None and end is None:
        start, end = previous_month(today)
    elif start is None or end is None:
        raise SupervisionError.BAD_PERIOD(
            _("请同时填写开始日期和结束日期。"),
            detail={"start" if start is None else "end": ["required"]},
        )
    if end > today:
        # "No case in the period" cannot be said of days still to come.
        raise SupervisionError.TIME_IN_FUTURE(
            _("结束日期不能晚于今天。"), detail={"end": [end.isoformat()]}
        )
    if end < start:
        raise SupervisionError.BAD_PERIOD(
            _("结束日期不能早于开始日期。"), detail={"end": [end.isoformat()]}
        )
    drafts = [
        Draft(
            department_id=department.pk,
            category_key=ProblemCategory.Key.NOT_CENTRALISED,
            description=_("%(name)s %(start)s 至 %(end)s 无办件(零办件单位),进驻事项与授权需核查。")
            % {"name": department.name, "start": start, "end": end},
            source_key=f"zero_cases:{department.pk}:{start.isoformat()}:{end.isoformat()}",
            source_ref={
                "department_id": department.pk,
                "department": department.name,
                "start": start.isoformat(),
                "end": end.isoformat(),
            },
        )
        for department in zero_case_departments(center_id=campaign.center_id, start=start, end=end)
    ]
    return import_drafts(
        actor=actor, campaign=campaign, found_by=Problem.Source.ZERO_CASES, drafts=drafts
    )


def import_from_data(
    *,
    actor: Any,
    campaign: Campaign,
    source: str,
    on: dt.date | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> ImportResult:
    """The one-click "create from data" of the pages and the API: dispatch by source."""
    if source == Problem.Source.GUIDE_LINT:
        return import_lint_findings(actor=actor, campaign=campaign)
    if source == Problem.Source.OVERDUE_CASES:
        return import_overdue_cases(actor=actor, campaign=campaign, on=on)
    if source == Problem.Source.LONG_WAITS:
        return import_wait_alerts(actor=actor, campaign=campaign)
    if source == Problem.Source.ZERO_CASES:
        return import_zero_case_departments(actor=actor, campaign=campaign, start=start, end=end)
    raise SupervisionError.UNKNOWN_SOURCE(_("没有这种数据来源。"), detail={"source": [source]})
