"""Writes of training and rotation: one function per action, each one transaction.

Each service checks the actor's permission through `scope_for`, so the pages, the API and the
admin behave the same. Nothing the year's figures count is deleted: a session is cancelled, an
attendance is set absent, a rotation is ended.
"""

import datetime as dt
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core.writes import locked, require_login, validated_save
from govhall.org.models import Department, StaffProfile, Window
from govhall.org.scoping import Scope, scope_for
from govhall.training import selectors
from govhall.training.errors import TrainingError
from govhall.training.models import Rotation, TrainingAttendance, TrainingSession


def _scope(actor: Any, perm: str, *, center_id: int) -> Scope:
    require_login(actor)
    scope = scope_for(actor)
    scope.require(perm)
    if not scope.all_centers and scope.center_id != center_id:
        raise TrainingError.RECORD_NOT_FOUND(_("记录不存在或不在您的权限范围内。"))
    return scope


def _session(actor: Any, session_id: int) -> TrainingSession:
    session = locked(TrainingSession.objects.filter(pk=session_id)).first()
    if session is None:
        raise TrainingError.SESSION_NOT_FOUND(_("培训不存在。"))
    _scope(actor, "training.manage_training", center_id=session.center_id)
    return session


def create_session(
    *,
    actor: Any,
    center_id: int,
    title: str,
    topic: str,
    held_on: dt.date,
    hours: Decimal,
    provider: str = TrainingSession.Provider.CENTER,
    provider_name: str = "",
    location: str = "",
    department_ids: Collection[int] = (),
) -> TrainingSession:
    """Plan a session (一期培训) for the whole hall or for some departments."""
    _scope(actor, "training.manage_training", center_id=center_id)
    departments = list(Department.objects.filter(center_id=center_id, pk__in=department_ids))
    if len(departments) != len(set(department_ids)):
        raise TrainingError.OTHER_CENTER(
            _("参训单位不属于本中心。"), detail={"department_ids": sorted(department_ids)}
        )
    with transaction.atomic():
        session = validated_save(
            TrainingSession(
                center_id=center_id,
                title=title,
                topic=topic,
                provider=provider,
                provider_name=provider_name,
                held_on=held_on,
                hours=hours,
                location=location,
                created_by=actor,
            )
        )
        session.departments.set(departments)
    return session


def record_attendance(
    *,
    actor: Any,
    session_id: int,
    present_staff_ids: Collection[int],
    today: dt.date | None = None,
) -> TrainingSession:
    """Record who of the session's audience took part; the session is then held.

    Every person of the audience gets a row, present or absent, so a correction later flips a
    flag instead of deleting what the year's figures counted.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        session = _session(actor, session_id)
        if session.state == TrainingSession.State.CANCELLED:
            raise TrainingError.SESSION_CANCELLED(_("培训已取消,不能登记参训。"))
        if session.held_on > today:
            raise TrainingError.NOT_YET_HELD(
                _("培训日期%(date)s尚未到来,不能登记参训。") % {"date": session.held_on},
                detail={"held_on": session.held_on.isoformat()},
            )
        people = {s.pk: s for s in selectors.audience(session)}
        present = set(present_staff_ids)
        strangers = present - people.keys()
        if strangers:
            raise TrainingError.NOT_IN_AUDIENCE(
                _("有%(n)s人不在本期培训的参训范围内。") % {"n": len(strangers)},
                detail={"present_staff_ids": sorted(strangers)},
            )
        now = timezone.now()
        rows = {a.staff_id: a for a in locked(session.attendances.all())}
        for staff_id, staff in people.items():
            row = rows.get(staff_id)
            if row is None:
                TrainingAttendance.objects.create(
                    center_id=session.center_id,
                    session=session,
                    staff=staff,
                    department_id=staff.department_id,
                    present=staff_id in present,
                    recorded_by=actor,
                    recorded_at=now,
                )
            elif row.present != (staff_id in present):
                row.present = staff_id in present
                row.recorded_by, row.recorded_at = actor, now
                row.save(update_fields=["present", "recorded_by", "recorded_at"])
        if session.state != TrainingSession.State.HELD:
            session.state = TrainingSession.State.HELD
            session.save(update_fields=["state"])
    return session


def cancel_session(*, actor: Any, session_id: int, reason: str) -> TrainingSession:
    """Call off a planned session; a held one stays (its attendance is the year's record)."""
    if not reason.strip():
        raise TrainingError.REASON_REQUIRED(_("请填写取消原因。"), detail={"reason": [_("必填。")]})
    with transaction.atomic():
        session = _session(actor, session_id)
        if session.state != TrainingSession.State.PLANNED:
            raise TrainingError.SESSION_NOT_PLANNED(_("只有计划中的培训可以取消。"))
        session.state = TrainingSession.State.CANCELLED
        session.cancel_reason = reason.strip()
        validated_save(session, update_fields=["state", "cancel_reason"])
    return session


def record_rotation(
    *,
    actor: Any,
    center_id: int,
    staff_id: int,
    kind: str,
    started_on: dt.date,
    to_window_id: int | None = None,
    to_post: str = "",
    ended_on: dt.date | None = None,
    note: str = "",
) -> Rotation:
    """Register a rotation (轮岗) or an exchange stay (交流学习) of one person."""
    scope = _scope(actor, "training.add_rotation", center_id=center_id)
    staff = StaffProfile.objects.filter(center_id=center_id, pk=staff_id, active=True).first()
    if staff is None:
        raise TrainingError.STAFF_INACTIVE(
            _("工作人员不存在或已离岗。"), detail={"staff_id": [staff_id]}
        )
    scope.check_department(staff.department_id, center_id)
    if (
        to_window_id is not None
        and not Window.objects.filter(center_id=center_id, pk=to_window_id).exists()
    ):
        raise TrainingError.OTHER_CENTER(
            _("窗口不属于本中心。"), detail={"to_window_id": [to_window_id]}
        )
    if to_window_id is None and not to_post.strip():
        raise TrainingError.DESTINATION_REQUIRED(
            _("请填写轮至的窗口或岗位。"), detail={"to_post": [_("窗口和岗位至少填一项。")]}
        )
    if ended_on is not None and ended_on < started_on:
        raise TrainingError.END_BEFORE_START(
            _("结束日期不能早于开始日期。"), detail={"ended_on": [ended_on.isoformat()]}
        )
    with transaction.atomic():
        return validated_save(
            Rotation(
                center_id=center_id,
                staff=staff,
                department_id=staff.department_id,
                kind=kind,
                to_window_id=to_window_id,
                to_post=to_post.strip(),
                started_on=started_on,
                ended_on=ended_on,
                note=note,
                recorded_by=actor,
            )
        )


def end_rotation(*, actor: Any, rotation_id: int, ended_on: dt.date) -> Rotation:
    """Close an open rotation on the day the person went back."""
    with transaction.atomic():
        rotation = locked(Rotation.objects.filter(pk=rotation_id)).first()
        if rotation is None:
            raise TrainingError.ROTATION_NOT_FOUND(_("轮岗记录不存在。"))
        scope = _scope(actor, "training.change_rotation", center_id=rotation.center_id)
        scope.check_department(rotation.department_id, rotation.center_id)
        if rotation.ended_on is not None:
            raise TrainingError.ROTATION_ENDED(_("该轮岗已结束。"))
        if ended_on < rotation.started_on:
            raise TrainingError.END_BEFORE_START(
                _("结束日期不能早于开始日期。"), detail={"ended_on": [ended_on.isoformat()]}
            )
        rotation.ended_on = ended_on
        rotation.save(update_fields=["ended_on"])
    return rotation
