"""Writes of the supervision app: one function per business action, each one transaction.

Every service takes the acting user and checks, through `scope_for`, that the user holds the
permission and (for a unit's own list) belongs to that unit, so the pages, the API and the admin
actions behave the same. Every state change of a problem writes a `ProblemEvent` with it.
"""

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.cases.selectors import overdue_cases, zero_case_departments
from govhall.catalog.lint import rule_title
from govhall.catalog.models import ServiceItem
from govhall.catalog.selectors import lint_items
from govhall.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from govhall.org.models import Department
from govhall.org.scoping import Scope, scope_for
from govhall.queueing.models import QueueCategory
from govhall.queueing.selectors import wait_alerts
from govhall.supervision import selectors
from govhall.supervision.models import (
    Campaign,
    CampaignDocument,
    CampaignUnit,
    CensusEntry,
    CensusReport,
    Phase,
    Problem,
    ProblemCategory,
    ProblemEvent,
    ProblemEvidence,
    SignOff,
)

# The six categories of seed 002, in its order; every new campaign starts with them.
DEFAULT_CATEGORIES: tuple[tuple[str, str], ...] = (
    (
        ProblemCategory.Key.UNCLEAR_REQUIREMENTS,
        "办事指南不明晰、存在兜底条款、不提供表格和示范文本;网上办事入口不好找;咨询电话不通;"
        "一次性告知不到位。",
    ),
    (
        ProblemCategory.Key.EXCESSIVE_CERTIFICATES,
        "“奇葩证明”“重复证明”“循环证明”;基础信息库未互联互通,证明材料只能由当事人去跑。",
    ),
    (
        ProblemCategory.Key.NOT_CENTRALISED,
        "应进未进、进而未授权,窗口缺乏审批权,审批服务“体外循环”。",
    ),
    (
        ProblemCategory.Key.FEW_FACILITIES,
        "不提供复印服务、设备形同虚设;没有排队叫号机、指引标识不清;大厅秩序不好、“黄牛”插队。",
    ),
    (
        ProblemCategory.Key.LONG_WAITS,
        "窗口办事效率低、窗口设置偏少、缺乏综合窗口、纸质材料处理效率低。",
    ),
    (ProblemCategory.Key.OTHER, "其他服务质量差、服务行为不规范、办事效率不高的问题。"),
)


# --- helpers ------------------------------------------------------------------------------


def _locked(qs: QuerySet) -> QuerySet:
    """The one row-lock helper: lock in primary-key order so two writers never deadlock."""
    return qs.select_for_update().order_by("pk")


def _scope(actor: Any, *, center_id: int) -> Scope:
    scope = scope_for(actor)
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("请先登录。"))
    if not scope.all_centers and scope.center_id != center_id:
        raise PermissionDenied(_("该记录不属于您所在的中心。"))
    return scope


def _require(actor: Any, perm: str, *, center_id: int, unit: CampaignUnit | None = None) -> Scope:
    scope = _scope(actor, center_id=center_id)
    scope.require(perm)
    if unit is not None:
        scope.check_department(unit.department_id, unit.center_id)
    return scope


def _may_edit_list(actor: Any, unit: CampaignUnit) -> bool:
    """The unit's own people (or the centre admin) edit a list; inspectors record problems."""
    scope = _scope(actor, center_id=unit.center_id)
    return scope.can("supervision.edit_problem_list") and scope.may_see_department(
        unit.department_id, unit.center_id
    )


def _save(obj: Model, **kwargs: Any) -> None:
    try:
        obj.full_clean(**kwargs)
    except DjangoValidationError as exc:
        raise ValidationFailed(_("输入有误。"), detail=exc.message_dict) from exc
    obj.save()


def _event(
    problem: Problem, kind: str, actor: Any, *, at: dt.datetime | None = None, **details: Any
) -> ProblemEvent:
    return ProblemEvent.objects.create(
        center_id=problem.center_id,
        problem=problem,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=at or timezone.now(),
        details=details,
    )


def _when(at: dt.datetime | None) -> dt.datetime:
    """The moment of an action: now, or a past moment when a paper record is entered later
    (the demo and imports; the pages and the API never pass one)."""
    now = timezone.now()
    if at is None:
        return now
    if at > now:
        raise ValidationFailed(_("时间不能晚于现在。"), detail={"at": [at.isoformat()]})
    return at


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


# --- campaigns ------------------------------------------------------------------------------


@transaction.atomic
def create_campaign(
    *,
    actor: Any,
    center_id: int,
    title: str,
    phase_ends: dict[str, dt.date],
    department_ids: Sequence[int] = (),
    towns: Sequence[str] = (),
    halls: Sequence[str] = (),
    issuer: str = "",
    issued_on: dt.date | None = None,
    summary: str = "",
    census_due: dt.datetime | None = None,
    categories: Sequence[str] | None = None,
) -> Campaign:
    """A campaign with its units, its categories (seed 002's six unless given) and three phases."""
    _require(actor, "supervision.manage_campaign", center_id=center_id)
    campaign = Campaign(
        center_id=center_id,
        title=title.strip(),
        issuer=issuer,
        issued_on=issued_on,
        summary=summary,
        census_due=census_due,
        created_by=_user(actor),
    )
    _save(campaign)
    _create_phases(campaign, phase_ends)
    _create_units(campaign, department_ids=department_ids, towns=towns, halls=halls)
    names = [n.strip() for n in categories if n.strip()] if categories is not None else None
    if names is not None and not names:
        raise ValidationFailed(_("至少需要一个问题类别。"))
    if names is None:
        for order, (key, description) in enumerate(DEFAULT_CATEGORIES):
            _save(
                ProblemCategory(
                    center_id=center_id,
                    campaign=campaign,
                    key=key,
                    name=str(ProblemCategory.Key(key).label),
                    description=description,
                    sort_order=order,
                )
            )
    else:
        for order, name in enumerate(dict.fromkeys(names)):
            _save(
                ProblemCategory(center_id=center_id, campaign=campaign, name=name, sort_order=order)
            )
    return campaign


def _create_phases(campaign: Campaign, phase_ends: dict[str, dt.date]) -> None:
    missing = [k for k in Phase.ORDER if not phase_ends.get(k)]
    if missing:
        raise ValidationFailed(
            _("请填写三个阶段的截止日期。"), detail={"phase_ends": [str(k) for k in missing]}
        )
    _check_phase_order([phase_ends[k] for k in Phase.ORDER])
    for kind in Phase.ORDER:
        _save(
            Phase(
                center_id=campaign.center_id,
                campaign=campaign,
                kind=kind,
                ends_on=phase_ends[kind],
            )
        )


def _check_phase_order(ends: Sequence[dt.date]) -> None:
    if any(a >= b for a, b in itertools.pairwise(ends)):
        raise ValidationFailed(_("各阶段的截止日期须依次为自查自纠、集中督查、巩固提升,逐个推后。"))


def _create_units(
    campaign: Campaign,
    *,
    department_ids: Sequence[int],
    towns: Sequence[str],
    halls: Sequence[str],
) -> None:
    departments = list(
        Department.objects.filter(center_id=campaign.center_id, pk__in=list(department_ids))
    )
    if len(departments) != len(set(department_ids)):
        raise ValidationFailed(
            _("所选单位不属于本中心。"), detail={"department_ids": list(department_ids)}
        )
    order = campaign.units.count()
    entries: list[tuple[str, Department | None, str]] = [
        (CampaignUnit.Kind.DEPARTMENT, d, d.name)
        for d in sorted(departments, key=lambda d: (d.sort_order, d.name))
    ]
    entries += [(CampaignUnit.Kind.TOWN, None, n.strip()) for n in towns if n.strip()]
    entries += [(CampaignUnit.Kind.HALL, None, n.strip()) for n in halls if n.strip()]
    if not entries and not order:
        raise ValidationFailed(_("请至少选择一个排查单位。"))
    for kind, department, name in entries:
        order += 1
        _save(
            CampaignUnit(
                center_id=campaign.center_id,
                campaign=campaign,
                kind=kind,
                department=department,
                name=name,
                sort_order=order,
            )
        )


@transaction.atomic
def add_units(
    *,
    actor: Any,
    campaign: Campaign,
    department_ids: Sequence[int] = (),
    towns: Sequence[str] = (),
    halls: Sequence[str] = (),
) -> None:
    _require(actor, "supervision.manage_campaign", center_id=campaign.center_id)
    _create_units(campaign, department_ids=department_ids, towns=towns, halls=halls)


@transaction.atomic
def set_phase_dates(*, actor: Any, campaign: Campaign, phase_ends: dict[str, dt.date]) -> None:
    """Move the phases' end dates; deadlines already set on problems stay as they are."""
    _require(actor, "supervision.manage_campaign", center_id=campaign.center_id)
    phases = {p.kind: p for p in _locked(campaign.phases.all())}
    merged = {kind: phase_ends.get(kind) or phases[kind].ends_on for kind in Phase.ORDER}
    _check_phase_order([merged[k] for k in Phase.ORDER])
    for kind, phase in phases.items():
        if phase.ends_on != merged[kind]:
            phase.ends_on = merged[kind]
            _save(phase)


@transaction.atomic
def add_document(
    *, actor: Any, campaign: Campaign, title: str, file: UploadedFile, doc_number: str = ""
) -> CampaignDocument:
    _require(actor, "supervision.manage_campaign", center_id=campaign.center_id)
    doc = CampaignDocument(
        center_id=campaign.center_id,
        campaign=campaign,
        title=title.strip(),
        doc_number=doc_number.strip(),
        file=file,
        uploaded_by=_user(actor),
    )
    _save(doc)
    return doc


# --- problems -------------------------------------------------------------------------------


def _resolve_deadline(campaign: Campaign, found_on: dt.date, deadline: dt.date | None) -> dt.date:
    if deadline is None:
        deadline = selectors.default_deadline(
            selectors.campaign_phases(campaign_id=campaign.pk), found_on
        )
        if deadline is None:
            raise ValidationFailed(
                _("活动各阶段均已结束,请填写整改时限。"), detail={"deadline": ["required"]}
            )
    if deadline < found_on:
        raise ValidationFailed(
            _("整改时限不能早于发现日期。"), detail={"deadline": [deadline.isoformat()]}
        )
    return deadline


def _check_category(campaign: Campaign, category: ProblemCategory) -> None:
    if category.campaign_id != campaign.pk:
        raise ValidationFailed(_("问题类别不属于该活动。"), detail={"category": [category.pk]})


def _new_problem(
    *,
    actor: Any,
    unit: CampaignUnit,
    category: ProblemCategory,
    description: str,
    found_by: str,
    deadline: dt.date | None,
    measure: str = "",
    owner: str = "",
    source_key: str = "",
    source_ref: dict[str, Any] | None = None,
    item_id: int | None = None,
    at: dt.datetime | None = None,
) -> Problem:
    campaign = unit.campaign
    _check_category(campaign, category)
    at = _when(at)
    found_on = timezone.localdate(at)
    problem = Problem(
        center_id=unit.center_id,
        campaign=campaign,
        unit=unit,
        category=category,
        description=description.strip(),
        found_by=found_by,
        found_on=found_on,
        deadline=_resolve_deadline(campaign, found_on, deadline),
        measure=measure.strip(),
        owner=owner.strip(),
        source_key=source_key,
        source_ref=source_ref or {},
        item_id=item_id,
        created_by=_user(actor),
    )
    _save(problem)
    revoked = _revoke_signoff(
        problem, reason=_("签字后新增问题:%(p)s") % {"p": str(problem)}, at=at
    )
    _event(
        problem,
        ProblemEvent.Kind.CREATED,
        actor,
        at=at,
        found_by=found_by,
        category=category.name,
        deadline=problem.deadline.isoformat(),
        source_key=source_key,
        signoff_revoked=revoked is not None,
    )
    return problem


@transaction.atomic
def create_problem(
    *,
    actor: Any,
    unit: CampaignUnit,
    category: ProblemCategory,
    description: str,
    found_by: str = Problem.Source.SELF_CHECK,
    measure: str = "",
    owner: str = "",
    deadline: dt.date | None = None,
    at: dt.datetime | None = None,
) -> Problem:
    """Record a problem by hand: a unit's self-check on its own list, or the centre's findings.

    Problems from the data come only through the `import_*` services (which keep them unique).
    """
    if found_by in Problem.DATA_SOURCES:
        raise ValidationFailed(
            _("由数据发现的问题请使用“从数据生成”。"), detail={"found_by": [found_by]}
        )
    if found_by not in Problem.Source.values:
        raise ValidationFailed(_("发现方式无效。"), detail={"found_by": [found_by]})
    if found_by == Problem.Source.SELF_CHECK:
        _require(actor, "supervision.edit_problem_list", center_id=unit.center_id, unit=unit)
    else:
        _require(actor, "supervision.record_problem", center_id=unit.center_id)
    return _new_problem(
        actor=actor,
        unit=unit,
        category=category,
        description=description,
        found_by=found_by,
        deadline=deadline,
        measure=measure,
        owner=owner,
        at=at,
    )


def _lock_problem(problem: Problem) -> Problem:
    return _locked(Problem.objects.filter(pk=problem.pk)).select_related("unit", "campaign").get()


EDITABLE_FIELDS = ("description", "category", "measure", "owner")


@transaction.atomic
def update_problem(
    *,
    actor: Any,
    problem: Problem,
    description: str | None = None,
    category: ProblemCategory | None = None,
    measure: str | None = None,
    owner: str | None = None,
    deadline: dt.date | None = None,
) -> Problem:
    """Edit an open problem: the unit its text, category, measure and owner; the centre also its
    deadline (a unit cannot move its own deadline once recorded)."""
    problem = _lock_problem(problem)
    scope = _scope(actor, center_id=problem.center_id)
    may_edit = _may_edit_list(actor, problem.unit)
    may_record = scope.can("supervision.record_problem")
    if not (may_edit or may_record):
        raise PermissionDenied(_("您不能修改该单位的整改清单。"))
    if not problem.is_open:
        raise InvalidTransition(_("已整改的问题不能修改;如需重改请由督查人员退回。"))
    changes: dict[str, Any] = {}
    values = {"description": description, "measure": measure, "owner": owner}
    for name, value in values.items():
        if value is not None and value.strip() != getattr(problem, name):
            changes[name] = [getattr(problem, name), value.strip()]
            setattr(problem, name, value.strip())
    if category is not None and category.pk != problem.category_id:
        _check_category(problem.campaign, category)
        changes["category"] = [problem.category.name, category.name]
        problem.category = category
    if deadline is not None and deadline != problem.deadline:
        if not may_record:
            raise PermissionDenied(_("整改时限登记后只能由中心调整。"))
        if deadline < problem.found_on:
            raise ValidationFailed(
                _("整改时限不能早于发现日期。"), detail={"deadline": [str(deadline)]}
            )
        changes["deadline"] = [problem.deadline.isoformat(), deadline.isoformat()]
        problem.deadline = deadline
    if not changes:
        return problem
    _save(problem)
    _event(problem, ProblemEvent.Kind.UPDATED, actor, changes=changes)
    return problem


@transaction.atomic
def add_evidence(
    *, actor: Any, problem: Problem, file: UploadedFile, title: str = ""
) -> ProblemEvidence:
    problem = _lock_problem(problem)
    scope = _scope(actor, center_id=problem.center_id)
    if not (_may_edit_list(actor, problem.unit) or scope.can("supervision.record_problem")):
        raise PermissionDenied(_("您不能为该单位上传佐证材料。"))
    if problem.status == Problem.Status.CONFIRMED:
        raise InvalidTransition(_("已确认的问题不能再上传佐证材料。"))
    evidence = ProblemEvidence(
        center_id=problem.center_id,
        problem=problem,
        title=title.strip(),
        file=file,
        uploaded_by=_user(actor),
    )
    _save(evidence)
    _event(
        problem, ProblemEvent.Kind.EVIDENCE, actor, evidence_id=evidence.pk, title=evidence.title
    )
    return evidence


@transaction.atomic
def mark_fixed(
    *,
    actor: Any,
    problem: Problem,
    fix_note: str,
    measure: str | None = None,
    at: dt.datetime | None = None,
) -> Problem:
    """The unit reports the problem fixed (整改完成): the measure and what was done are required."""
    problem = _lock_problem(problem)
    _require(actor, "supervision.edit_problem_list", center_id=problem.center_id, unit=problem.unit)
    if not problem.is_open:
        raise InvalidTransition(_("该问题已整改完成。"))
    if measure is not None:
        problem.measure = measure.strip()
    if not problem.measure:
        raise ValidationFailed(_("请先填写整改措施。"), detail={"measure": ["required"]})
    if not fix_note.strip():
        raise ValidationFailed(_("请说明整改情况。"), detail={"fix_note": ["required"]})
    now = _when(at)
    if timezone.localdate(now) < problem.found_on:
        raise ValidationFailed(_("整改完成日期不能早于发现日期。"))
    problem.status = Problem.Status.FIXED
    problem.fix_note = fix_note.strip()
    problem.fixed_at = now
    problem.fixed_on = timezone.localdate(now)
    _save(problem)
    _event(
        problem,
        ProblemEvent.Kind.FIXED,
        actor,
        at=now,
        fix_note=problem.fix_note,
        on_time=problem.fixed_on <= problem.deadline,
    )
    return problem


@transaction.atomic
def confirm_problem(
    *, actor: Any, problem: Problem, note: str = "", at: dt.datetime | None = None
) -> Problem:
    """An inspector confirms a fix (督查确认)."""
    problem = _lock_problem(problem)
    _require(actor, "supervision.confirm_problem", center_id=problem.center_id)
    if problem.status != Problem.Status.FIXED:
        raise InvalidTransition(_("只有已整改的问题才能确认。"))
    problem.status = Problem.Status.CONFIRMED
    problem.confirmed_at = _when(at)
    problem.confirmed_by = _user(actor)
    _save(problem)
    _event(problem, ProblemEvent.Kind.CONFIRMED, actor, at=problem.confirmed_at, note=note.strip())
    return problem


@transaction.atomic
def reopen_problem(
    *, actor: Any, problem: Problem, reason: str, at: dt.datetime | None = None
) -> Problem:
    """An inspector sends a fix back (退回重改); a sign-off of the unit is revoked with it."""
    problem = _lock_problem(problem)
    _require(actor, "supervision.confirm_problem", center_id=problem.center_id)
    if problem.status not in Problem.DONE_STATUSES:
        raise InvalidTransition(_("只有已整改或已确认的问题才能退回。"))
    if not reason.strip():
        raise ValidationFailed(_("请说明退回原因。"), detail={"reason": ["required"]})
    at = _when(at)
    previous = problem.status
    problem.status = Problem.Status.REOPENED
    problem.fixed_at = None
    problem.fixed_on = None
    problem.confirmed_at = None
    problem.confirmed_by = None
    _save(problem)
    revoked = _revoke_signoff(
        problem, reason=_("问题被退回重改:%(p)s") % {"p": str(problem)}, at=at
    )
    _event(
        problem,
        ProblemEvent.Kind.REOPENED,
        actor,
        at=at,
        reason=reason.strip(),
        previous=previous,
        signoff_revoked=revoked is not None,
    )
    return problem


def _revoke_signoff(problem: Problem, *, reason: str, at: dt.datetime) -> SignOff | None:
    signoff = _locked(
        SignOff.objects.filter(
            campaign_id=problem.campaign_id, unit_id=problem.unit_id, revoked_at__isnull=True
        )
    ).first()
    if signoff is None:
        return None
    signoff.revoked_at = max(at, signoff.signed_at)
    signoff.revoked_reason = reason[:200]
    _save(signoff)
    return signoff


# --- census ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CensusLine:
    name: str
    address: str
    windows: int
    items: int
    staff: int
    kind: str = CensusEntry.Kind.HALL


@transaction.atomic
def file_census(
    *,
    actor: Any,
    unit: CampaignUnit,
    signed_by_name: str,
    entries: Sequence[CensusLine] = (),
    zero_report: bool = False,
    contact_phone: str = "",
    note: str = "",
    at: dt.datetime | None = None,
) -> CensusReport:
    """File (or re-file) a unit's census: its separately run halls and windows, or a zero report.

    A zero report has no lines; a census has at least one. Re-filing replaces the lines and keeps
    the time of the first filing (which the deadline is judged by).
    """
    _require(actor, "supervision.file_census", center_id=unit.center_id, unit=unit)
    if zero_report and entries:
        raise ValidationFailed(
            _("零报告不能填写窗口或大厅。"), detail={"entries": ["must_be_empty"]}
        )
    if not zero_report and not entries:
        raise ValidationFailed(
            _("请填写单独设立的窗口和服务大厅,没有的请报送零报告。"),
            detail={"entries": ["required"]},
        )
    if not signed_by_name.strip():
        raise ValidationFailed(_("请填写主要负责人姓名。"), detail={"signed_by_name": ["required"]})
    now = _when(at)
    report = _locked(CensusReport.objects.filter(campaign_id=unit.campaign_id, unit=unit)).first()
    if report is None:
        report = CensusReport(
            center_id=unit.center_id, campaign_id=unit.campaign_id, unit=unit, first_filed_at=now
        )
    report.zero_report = zero_report
    report.signed_by_name = signed_by_name.strip()
    report.contact_phone = contact_phone.strip()
    report.note = note.strip()
    report.filed_at = now
    report.filed_by = _user(actor)
    _save(report)
    report.entries.all().delete()
    for order, line in enumerate(entries):
        _save(
            CensusEntry(
                center_id=unit.center_id,
                report=report,
                kind=line.kind,
                name=line.name.strip(),
                address=line.address.strip(),
                windows=line.windows,
                items=line.items,
                staff=line.staff,
                sort_order=order,
            )
        )
    return report


# --- sign-off -------------------------------------------------------------------------------


@transaction.atomic
def sign_off(
    *,
    actor: Any,
    unit: CampaignUnit,
    signer_name: str = "",
    note: str = "",
    at: dt.datetime | None = None,
) -> SignOff:
    """The unit's lead signs the unit's list off (主要负责人签字).

    Only the unit's own lead signs a department's list; a town's or hall's paper signature is
    recorded by the centre admin with the signer's name. Refused while a problem is still open
    (or, when the centre's setting asks for it, not yet confirmed by an inspector).
    """
    if unit.department_id is None:
        _require(actor, "supervision.manage_campaign", center_id=unit.center_id)
        if not signer_name.strip():
            raise ValidationFailed(_("请填写签字人姓名。"), detail={"signer_name": ["required"]})
    else:
        _require(actor, "supervision.sign_off", center_id=unit.center_id, unit=unit)
    _locked(CampaignUnit.objects.filter(pk=unit.pk)).get()
    if selectors.active_signoff(campaign_id=unit.campaign_id, unit_id=unit.pk):
        raise Conflict(_("该单位已签字确认。"))
    problems = Problem.objects.filter(campaign_id=unit.campaign_id, unit=unit)
    still_open = problems.filter(status__in=Problem.OPEN_STATUSES).count()
    if still_open:
        raise InvalidTransition(
            _("还有 %(n)d 个问题未整改完成,不能签字。") % {"n": still_open},
            detail={"open": still_open},
        )
    if selectors.settings_for(center_id=unit.center_id).signoff_requires_confirmation:
        unconfirmed = problems.filter(status=Problem.Status.FIXED).count()
        if unconfirmed:
            raise InvalidTransition(
                _("还有 %(n)d 个问题未经督查确认,不能签字。") % {"n": unconfirmed},
                detail={"unconfirmed": unconfirmed},
            )
    signoff = SignOff(
        center_id=unit.center_id,
        campaign_id=unit.campaign_id,
        unit=unit,
        signed_by=_user(actor),
        signer_name=signer_name.strip() or actor.display_name,
        signed_at=_when(at),
        note=note.strip(),
    )
    _save(signoff)
    return signoff


# --- problems from the data -----------------------------------------------------------------


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
        raise ValidationFailed(_("该活动没有问题类别,请先设置。"))
    return category


def import_drafts(
    *, actor: Any, campaign: Campaign, found_by: str, drafts: Iterable[Draft]
) -> ImportResult:
    """Add the drafts not yet on the campaign's lists; the caller holds the transaction.

    Idempotent: a draft whose `source_key` is already listed (whatever its status) is skipped;
    drafts for departments the campaign does not cover are reported, not added.
    """
    _require(actor, "supervision.record_problem", center_id=campaign.center_id)
    _locked(Campaign.objects.filter(pk=campaign.pk)).get()
    phases = selectors.campaign_phases(campaign_id=campaign.pk)
    if phases and selectors.phase_on(phases, timezone.localdate()) is None:
        raise InvalidTransition(
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
            _new_problem(
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
    _require(actor, "supervision.record_problem", center_id=campaign.center_id)
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
    _require(actor, "supervision.record_problem", center_id=campaign.center_id)
    on = on or timezone.localdate()
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
    _require(actor, "supervision.record_problem", center_id=campaign.center_id)
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


def previous_month(today: dt.date) -> tuple[dt.date, dt.date]:
    end = today.replace(day=1) - dt.timedelta(days=1)
    return end.replace(day=1), end


@transaction.atomic
def import_zero_case_departments(
    *,
    actor: Any,
    campaign: Campaign,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> ImportResult:
    """One problem per entered department with no case in the period (default: last month)."""
    _require(actor, "supervision.record_problem", center_id=campaign.center_id)
    if start is None or end is None:
        start, end = previous_month(timezone.localdate())
    if end < start:
        raise ValidationFailed(_("结束日期不能早于开始日期。"), detail={"end": [end.isoformat()]})
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
    raise ValidationFailed(_("没有这种数据来源。"), detail={"source": [source]})
