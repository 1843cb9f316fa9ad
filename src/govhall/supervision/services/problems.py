"""Problems on a unit's list, through their states; every change writes a `ProblemEvent`."""

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core.writes import acting_user, add_event, locked, validated_save
from govhall.supervision import selectors
from govhall.supervision.errors import SupervisionError
from govhall.supervision.models import (
    Campaign,
    CampaignUnit,
    Problem,
    ProblemCategory,
    ProblemEvent,
    ProblemEvidence,
    SignOff,
)
from govhall.supervision.services.common import center_scope, may_edit_list, moment, require_perm


def _event(
    problem: Problem, kind: str, actor: Any, *, at: dt.datetime | None = None, **details: Any
) -> ProblemEvent:
    return add_event(ProblemEvent, problem, kind, actor, at=at or timezone.now(), details=details)


def _resolve_deadline(campaign: Campaign, found_on: dt.date, deadline: dt.date | None) -> dt.date:
    if deadline is None:
        deadline = selectors.default_deadline(
            selectors.campaign_phases(campaign_id=campaign.pk), found_on
        )
        if deadline is None:
            raise SupervisionError.DEADLINE_REQUIRED(
                _("活动各阶段均已结束,请填写整改时限。"), detail={"deadline": ["required"]}
            )
    if deadline < found_on:
        raise SupervisionError.DEADLINE_BEFORE_FOUND(
            _("整改时限不能早于发现日期。"), detail={"deadline": [deadline.isoformat()]}
        )
    return deadline


def _check_category(campaign: Campaign, category: ProblemCategory) -> None:
    if category.campaign_id != campaign.pk:
        raise SupervisionError.CATEGORY_NOT_IN_CAMPAIGN(
            _("问题类别不属于该活动。"), detail={"category": [category.pk]}
        )


def new_problem(
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
    at = moment(at)
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
        created_by=acting_user(actor),
    )
    _save_revoking_signoff(
        problem,
        actor,
        ProblemEvent.Kind.CREATED,
        _("签字后新增问题:%(p)s"),
        at,
        found_by=found_by,
        category=category.name,
        deadline=problem.deadline.isoformat(),
        source_key=source_key,
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
        raise SupervisionError.FOUND_BY_DATA_ONLY(
            _("由数据发现的问题请使用“从数据生成”。"), detail={"found_by": [found_by]}
        )
    if found_by not in Problem.Source.values:
        raise SupervisionError.FOUND_BY_INVALID(
            _("发现方式无效。"), detail={"found_by": [found_by]}
        )
    if found_by == Problem.Source.SELF_CHECK:
        require_perm(actor, "supervision.edit_problem_list", center_id=unit.center_id, unit=unit)
    else:
        require_perm(actor, "supervision.record_problem", center_id=unit.center_id)
    return new_problem(
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


def _check_paper_moment(problem: Problem, at: dt.datetime | None) -> None:
    """The moment of a paper record entered later (`at`: the demo, imports) is never before the
    problem's last recorded step: the reports dated a past day replay its timeline in the order
    it was written (`selectors.problems_on`), which must be the order of the moments."""
    if at is None:
        return
    last = problem.events.order_by("-at").values_list("at", flat=True).first()
    if last is not None and at < last:
        raise SupervisionError.BEFORE_LAST_STEP(
            _("时间不能早于该问题的上一条记录(%(last)s)。")
            % {"last": timezone.localtime(last).strftime("%Y-%m-%d %H:%M")},
            detail={"at": [at.isoformat()]},
        )


def _lock_problem(problem: Problem) -> Problem:
    return locked(Problem.objects.filter(pk=problem.pk)).select_related("unit", "campaign").get()


def _inspected(problem: Problem, actor: Any) -> Problem:
    """`problem` locked for an inspector's verdict on its fix (the confirm permission)."""
    problem = _lock_problem(problem)
    require_perm(actor, "supervision.confirm_problem", center_id=problem.center_id)
    return problem


def _save_revoking_signoff(
    problem: Problem, actor: Any, kind: str, why: str, at: dt.datetime, **details: Any
) -> None:
    """Save `problem`, which (re)opens work on its unit's list, and record its event of `kind`:
    the unit's sign-off is revoked, for the reason `why` (``%(p)s``: the problem)."""
    validated_save(problem)
    revoked = _revoke_signoff(problem, reason=why % {"p": str(problem)}, at=at)
    _event(problem, kind, actor, at=at, **details, signoff_revoked=revoked is not None)


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
    scope = center_scope(actor, center_id=problem.center_id)
    may_edit = may_edit_list(actor, problem.unit)
    may_record = scope.can("supervision.record_problem")
    if not (may_edit or may_record):
        raise SupervisionError.NOT_YOUR_LIST(_("您不能修改该单位的整改清单。"))
    if not problem.is_open:
        raise SupervisionError.PROBLEM_NOT_OPEN(
            _("已整改的问题不能修改;如需重改请由督查人员退回。")
        )
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
            raise SupervisionError.DEADLINE_CENTER_ONLY(_("整改时限登记后只能由中心调整。"))
        if deadline < problem.found_on:
            raise SupervisionError.DEADLINE_BEFORE_FOUND(
                _("整改时限不能早于发现日期。"), detail={"deadline": [str(deadline)]}
            )
        changes["deadline"] = [problem.deadline.isoformat(), deadline.isoformat()]
        problem.deadline = deadline
    if not changes:
        return problem
    validated_save(problem)
    _event(problem, ProblemEvent.Kind.UPDATED, actor, changes=changes)
    return problem


@transaction.atomic
def add_evidence(
    *, actor: Any, problem: Problem, file: UploadedFile, title: str = ""
) -> ProblemEvidence:
    problem = _lock_problem(problem)
    scope = center_scope(actor, center_id=problem.center_id)
    if not (may_edit_list(actor, problem.unit) or scope.can("supervision.record_problem")):
        raise SupervisionError.NOT_YOUR_LIST(_("您不能为该单位上传佐证材料。"))
    if problem.status == Problem.Status.CONFIRMED:
        raise SupervisionError.PROBLEM_CONFIRMED(_("已确认的问题不能再上传佐证材料。"))
    evidence = ProblemEvidence(
        center_id=problem.center_id,
        problem=problem,
        title=title.strip(),
        file=file,
        uploaded_by=acting_user(actor),
    )
    validated_save(evidence)
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
    require_perm(
        actor, "supervision.edit_problem_list", center_id=problem.center_id, unit=problem.unit
    )
    if not problem.is_open:
        raise SupervisionError.PROBLEM_NOT_OPEN(_("该问题已整改完成。"))
    if measure is not None:
        problem.measure = measure.strip()
    if not problem.measure:
        raise SupervisionError.FIELD_REQUIRED(
            _("请先填写整改措施。"), detail={"measure": ["required"]}
        )
    if not fix_note.strip():
        raise SupervisionError.FIELD_REQUIRED(
            _("请说明整改情况。"), detail={"fix_note": ["required"]}
        )
    now = moment(at)
    if timezone.localdate(now) < problem.found_on:
        raise SupervisionError.FIXED_BEFORE_FOUND(_("整改完成日期不能早于发现日期。"))
    _check_paper_moment(problem, at)
    problem.status = Problem.Status.FIXED
    problem.fix_note = fix_note.strip()
    problem.fixed_at = now
    problem.fixed_on = timezone.localdate(now)
    validated_save(problem)
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
    problem = _inspected(problem, actor)
    if problem.status != Problem.Status.FIXED:
        raise SupervisionError.PROBLEM_NOT_FIXED(_("只有已整改的问题才能确认。"))
    problem.status = Problem.Status.CONFIRMED
    _check_paper_moment(problem, at)
    problem.confirmed_at = moment(at)
    problem.confirmed_by = acting_user(actor)
    validated_save(problem)
    _event(problem, ProblemEvent.Kind.CONFIRMED, actor, at=problem.confirmed_at, note=note.strip())
    return problem


@transaction.atomic
def reopen_problem(
    *, actor: Any, problem: Problem, reason: str, at: dt.datetime | None = None
) -> Problem:
    """An inspector sends a fix back (退回重改); a sign-off of the unit is revoked with it."""
    problem = _inspected(problem, actor)
    if problem.status not in Problem.DONE_STATUSES:
        raise SupervisionError.PROBLEM_NOT_FIXED(_("只有已整改或已确认的问题才能退回。"))
    if not reason.strip():
        raise SupervisionError.FIELD_REQUIRED(
            _("请说明退回原因。"), detail={"reason": ["required"]}
        )
    _check_paper_moment(problem, at)
    at = moment(at)
    previous = problem.status
    problem.status = Problem.Status.REOPENED
    problem.fixed_at = None
    problem.fixed_on = None
    problem.confirmed_at = None
    problem.confirmed_by = None
    _save_revoking_signoff(
        problem,
        actor,
        ProblemEvent.Kind.REOPENED,
        _("问题被退回重改:%(p)s"),
        at,
        reason=reason.strip(),
        previous=previous,
    )
    return problem


def _revoke_signoff(problem: Problem, *, reason: str, at: dt.datetime) -> SignOff | None:
    signoff = locked(
        SignOff.objects.filter(
            campaign_id=problem.campaign_id, unit_id=problem.unit_id, revoked_at__isnull=True
        )
    ).first()
    if signoff is None:
        return None
    signoff.revoked_at = max(at, signoff.signed_at)
    signoff.revoked_reason = reason[:200]
    validated_save(signoff)
    return signoff
