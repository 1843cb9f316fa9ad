"""并联审批 / 一件事: the writes of joint handling, one function per business action.

行政许可法 art. 26: when two or more departments each decide part of one application, one of
them (the package's lead department, or the centre's comprehensive window) takes the
application in and the others handle their parts in parallel (联合办理、集中办理); art. 42
para. 2: the whole is decided within 45 working days, extendable once by 15 with the approval
of the government's head and the reason told to the applicant.

Each department's step is an ordinary `Case` of its item, made here at acceptance: its own
limit, deadline, lights, corrections and decision, through the case services (`services/`, so
every step event is a `CaseEvent` with its outbox row for the provincial exchange), and only
its department may act on it. The whole is complete when every step is decided; it is denied
(不予许可) when any step is denied, with that department's reason (art. 38). The whole's
clock is read by `joint_selectors.compute_clock`.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.cases import services
from govhall.cases.errors import CaseError
from govhall.cases.joint_selectors import clock_of, leads
from govhall.cases.models import Case, JointCase, JointEvent, JointPackage, JointStep
from govhall.cases.services import common, intake
from govhall.core.errors import ValidationFailed
from govhall.core.models import User
from govhall.org.models import Window
from govhall.org.scoping import scope_for

JOINT_PREFIX = "LB"  # 联办


def _locked(joint: JointCase | int) -> JointCase:
    pk = joint if isinstance(joint, int) else joint.pk
    row = (
        JointCase.objects.select_for_update(of=("self",))
        .select_related("package", "center")
        .filter(pk=pk)
        .first()
    )
    if row is None:
        raise CaseError.JOINT_NOT_FOUND(_("并联审批件不存在。"))
    return row


def _authorize_whole(actor: User | None, perm: str, joint: JointCase) -> None:
    """Acting on the whole is for whoever coordinates it: a centre-wide role or the lead."""
    if actor is None:
        return
    scope = scope_for(actor)
    scope.require(perm)
    if not leads(scope, joint):
        raise CaseError.NOT_LEAD(_("只有牵头部门或中心可以办理联办件整体事务。"))


def _may_accept(actor: User, package: JointPackage, window: Window | None) -> None:
    scope = scope_for(actor)
    scope.require("cases.accept_case")
    if scope.center_id != package.center_id and not scope.all_centers:
        raise CaseError.OTHER_CENTER(_("该一件事不属于您所在的中心。"))
    at_lead_window = (
        window is not None
        and window.staff.filter(user=actor).exists()
        and window.departments.filter(pk=package.lead_department_id).exists()
    )
    if not scope.may_see_department(package.lead_department_id) and not at_lead_window:
        raise CaseError.LEAD_WINDOW_ONLY(_("一件事由牵头部门或综合窗口统一受理。"))


@transaction.atomic
def accept_joint_case(
    *,
    actor: User | None,
    package: JointPackage,
    applicant_type: str,
    applicant_name: str,
    phone: str,
    id_number: str = "",
    uscc: str = "",
    window: Window | None = None,
    materials_received: Mapping[int, Sequence[str]] | None = None,
    at: dt.datetime | None = None,
) -> JointCase:
    """统一受理 (art. 26): one application of a package, a step (a `Case`) for each of its items.

    `materials_received` maps an item's id to the names of its materials received; every
    required material of every item must be in hand (一般受理). All or nothing.
    """
    if actor is not None:
        _may_accept(actor, package, window)
    if not package.is_active:
        raise CaseError.PACKAGE_INACTIVE(_("该一件事已停用,不能受理。"))
    if window is not None and window.center_id != package.center_id:
        raise CaseError.WINDOW_OTHER_CENTER(_("窗口不属于该中心。"))
    items = list(package.items.filter(is_active=True).select_related("department", "center"))
    if len(items) < 2:
        raise CaseError.PACKAGE_TOO_SMALL(_("一件事须包含至少两个启用的事项。"))
    received = dict(materials_received or {})
    unknown = set(received) - {item.pk for item in items}
    if unknown:
        raise CaseError.ITEM_NOT_IN_PACKAGE(
            _("材料所属事项不在该一件事中。"), detail={"materials_received": sorted(unknown)}
        )
    applicant = intake._clean_applicant(
        applicant_type=applicant_type,
        applicant_name=applicant_name,
        id_number=id_number,
        uscc=uscc,
        phone=phone,
    )
    now = common._at(at)
    numbers = common.next_numbers(package.center, timezone.localdate(now), len(items) + 1)
    joint = JointCase.objects.create(
        center_id=package.center_id,
        number=f"{JOINT_PREFIX}{numbers[0]}",
        package=package,
        lead_department_id=package.lead_department_id,
        applicant_name=applicant["applicant_name"],
        window=window,
        accepted_by=actor,
        accepted_at=now,
        limit_days=package.limit_days,
    )
    for item, number in zip(items, numbers[1:], strict=True):
        case = intake._new_case(item, applicant, now, number=number, channel=Case.Channel.WINDOW)
        try:
            intake._accept_into(
                case,
                actor=actor,
                window=window,
                mode=Case.Mode.NORMAL,
                materials_received=list(received.get(item.pk, ())),
                materials_missing=(),
                supply_by=None,
                now=now,
                details={"joint": joint.number},
            )
        except ValidationFailed as exc:
            # The step's own refusal, named after its item: its kind and code (a `CaseError`
            # of intake, or core's generic one) pass through unchanged.
            raise type(exc)(
                _("%(item)s:%(message)s") % {"item": item.name, "message": exc.message},
                code=exc.code,
                detail={"item": item.pk, **(exc.detail if isinstance(exc.detail, dict) else {})},
            ) from exc
        JointStep.objects.create(center_id=joint.center_id, joint=joint, case=case)
    common._record(
        joint,
        JointEvent.Type.ACCEPTED,
        actor=actor,
        at=now,
        from_state="",
        details={
            "package": package.name,
            "steps": numbers[1:],
            "due_date": common._iso(clock_of(joint).due),
        },
    )
    return joint


@transaction.atomic
def extend_joint_case(
    *,
    actor: User | None,
    joint: JointCase | int,
    days: int,
    reason: str,
    at: dt.datetime | None = None,
) -> JointCase:
    """延长联办期限 (art. 42 para. 2): once, by at most 15 working days, approved by the head
    (the actor holds ``cases.extend_case`` and coordinates the whole), the reason told to the
    applicant. The same rules as `services.extend_case` for one case, with the joint cap."""
    joint = _locked(joint)
    _authorize_whole(actor, "cases.extend_case", joint)
    if joint.state != JointCase.State.RUNNING:
        raise CaseError.JOINT_NOT_RUNNING(_("联办件已办结或撤回,不能延长期限。"))
    common._check_extension(joint, days, reason)
    now = common._at(at)
    before = clock_of(joint, timezone.localdate(now)).due
    if before is not None and timezone.localdate(now) > before:
        raise CaseError.PAST_DUE(_("办件已超过办理期限,不能再延长。"))
    joint.extension_days = days
    joint.extension_reason = reason.strip()
    joint.extension_approved_by = actor
    joint.extended_at = now
    joint.save(
        update_fields=[
            "extension_days",
            "extension_reason",
            "extension_approved_by",
            "extended_at",
            "updated_at",
        ]
    )
    common._record(
        joint,
        JointEvent.Type.EXTENDED,
        actor=actor,
        at=now,
        from_state=joint.state,
        details={
            "days": days,
            "reason": joint.extension_reason,
            "due_before": common._iso(before),
            "due_date": common._iso(clock_of(joint).due),
        },
    )
    return joint


@transaction.atomic
def decide_step(
    *,
    actor: User | None,
    joint: JointCase | int,
    case: Case | int,
    approved: bool,
    reason: str = "",
    at: dt.datetime | None = None,
) -> Case:
    """A department decides its own step (`services.complete_case` checks that the actor holds
    ``cases.complete_case`` for the step's department); the whole follows (`refresh_joint`)."""
    joint = _locked(joint)
    case_pk = case if isinstance(case, int) else case.pk
    if not JointStep.objects.filter(joint=joint, case_id=case_pk).exists():
        raise CaseError.NOT_A_STEP(_("该办件不是此联办件的环节。"))
    return services.complete_case(
        actor=actor, case=case_pk, approved=approved, reason=reason, at=at
    )


def refresh_joint(*, case: Case, actor: User | None) -> None:
    """After a step is decided: when every step is decided the whole is completed, approved
    if all were approved, else denied with the denying departments' reasons. Registered as a
    case-completed hook, so a step decided on its own case page counts the same."""
    step = JointStep.objects.filter(case_id=case.pk).only("joint_id").first()
    if step is None:
        return
    joint = _locked(step.joint_id)
    if joint.state != JointCase.State.RUNNING:
        return
    steps = list(
        Case.objects.filter(joint_step__joint=joint).select_related("department").order_by("pk")
    )
    if any(s.state not in (*Case.DONE_STATES, *Case.CLOSED_STATES) for s in steps):
        return
    decided = [s for s in steps if s.state in Case.DONE_STATES]
    now = max(s.completed_at for s in decided) if decided else timezone.now()
    if not decided:
        _close(joint, actor=actor, now=now, details={"steps": []})
        return
    denied = [s for s in decided if s.result == Case.Result.DENIED]
    joint.state = JointCase.State.COMPLETED
    joint.completed_at = now
    joint.result = JointCase.Result.DENIED if denied else JointCase.Result.APPROVED
    joint.reason = ";".join(f"{s.department.name}:{s.reason}" for s in denied)
    joint.save(update_fields=["state", "completed_at", "result", "reason", "updated_at"])
    clock = clock_of(joint)
    common._record(
        joint,
        JointEvent.Type.COMPLETED,
        actor=actor,
        at=now,
        from_state=JointCase.State.RUNNING,
        details={
            "result": joint.result,
            "denied_by": [s.number for s in denied],
            "late": clock.late,
            "workdays": clock.elapsed_workdays,
        },
    )


def _close(
    joint: JointCase, *, actor: User | None, now: dt.datetime, details: dict[str, Any]
) -> None:
    joint.state = JointCase.State.WITHDRAWN
    joint.closed_at = now
    joint.save(update_fields=["state", "closed_at", "updated_at"])
    common._record(
        joint,
        JointEvent.Type.WITHDRAWN,
        actor=actor,
        at=now,
        from_state=JointCase.State.RUNNING,
        details=details,
    )


@transaction.atomic
def withdraw_joint_case(
    *, actor: User | None, joint: JointCase | int, reason: str = "", at: dt.datetime | None = None
) -> JointCase:
    """The applicant withdraws the whole application: every undecided step is withdrawn (by
    the system, on the lead's record) and the whole closes; decided steps stay decided."""
    joint = _locked(joint)
    _authorize_whole(actor, "cases.withdraw_case", joint)
    if joint.state != JointCase.State.RUNNING:
        raise CaseError.JOINT_NOT_RUNNING(_("联办件已办结或撤回,不能撤回。"))
    now = common._at(at)
    steps = list(
        Case.objects.filter(
            joint_step__joint=joint, state__in=Case.ACTION_STATES["withdraw"]
        ).order_by("pk")
    )
    # The whole closes first, so the steps' own withdrawal hook (refresh_joint) leaves it be.
    _close(
        joint,
        actor=actor,
        now=now,
        details={"reason": reason.strip(), "steps": [case.number for case in steps]},
    )
    for case in steps:
        services.withdraw_case(actor=None, case=case, reason=reason, at=now)
    return joint
