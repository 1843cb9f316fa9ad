"""Window presence: the staff member's session at a window's terminal, pauses and resuming."""

import datetime as dt
import functools
from collections.abc import Callable
from typing import TypeVar

from django.db import transaction
from django.utils.translation import gettext as _

from govhall.core.models import User
from govhall.org.models import StaffProfile, Window
from govhall.queueing import selectors
from govhall.queueing.errors import QueueError
from govhall.queueing.models import (
    WindowPause,
    WindowSession,
)
from govhall.queueing.services.common import (
    _at_window,
    _check_staff_at,
    _locked,
    _validated,
    _WindowAction,
)

R = TypeVar("R")


def _presence_action(step: Callable[[_WindowAction], R]) -> Callable[..., R]:
    """A change of the staff member's presence at a window's terminal, as the views and the API
    call it: with the keywords `window`, `staff`, `actor` (None: the system) and `at` (None:
    now). `actor` must be allowed to work the window (`_at_window`); `step` then runs with the
    action's window, staff, actor and moment."""

    @functools.wraps(step)
    def run(
        *,
        window: Window,
        staff: StaffProfile,
        actor: User | None = None,
        at: dt.datetime | None = None,
    ) -> R:
        return step(_WindowAction.begin(window, staff, actor, at))

    return run


def _ensure_session(window: Window, staff: StaffProfile, at: dt.datetime) -> None:
    session = selectors.open_session(window)
    if session is None or session.staff_id != staff.pk:
        open_window_session(window=window, staff=staff, at=at)


@_presence_action
def open_window_session(here: _WindowAction) -> WindowSession:
    """The staff member logs in at the window's terminal.

    Their open session at any other window is closed, and so is another person's open session at
    this window (a colleague taking over the counter).
    """
    window, staff, at = here.window, here.staff, here.at
    _check_staff_at(window, staff)
    with transaction.atomic():
        current = selectors.open_session(window)
        if current is not None and current.staff_id == staff.pk:
            return current
        _locked(WindowSession.objects.filter(window=window, closed_at__isnull=True)).update(
            closed_at=at
        )
        WindowSession.objects.filter(staff=staff, closed_at__isnull=True).update(closed_at=at)
        WindowPause.objects.filter(staff=staff, ended_at__isnull=True).update(ended_at=at)
        return WindowSession.objects.create(
            center_id=window.center_id, window=window, staff=staff, opened_at=at
        )


@_presence_action
def close_window_session(here: _WindowAction) -> WindowSession | None:
    """The staff member logs out of the terminal (also ends an open pause)."""
    window, staff, at = here.window, here.staff, here.at
    with transaction.atomic():
        session = _locked(
            WindowSession.objects.filter(window=window, staff=staff, closed_at__isnull=True)
        ).first()
        WindowPause.objects.filter(window=window, ended_at__isnull=True).update(ended_at=at)
        if session is None:
            return None
        session.closed_at = at
        session.save(update_fields=["closed_at"])
    return session


def pause_window(
    *,
    window: Window,
    staff: StaffProfile,
    reason: str,
    note: str = "",
    actor: User | None = None,
    at: dt.datetime | None = None,
) -> WindowPause:
    """暂停服务 with a reason; the time is recorded for attendance."""
    at = _at_window(actor=actor, window=window, at=at)
    _check_staff_at(window, staff)
    if reason not in WindowPause.Reason.values:
        raise QueueError.PAUSE_REASON_INVALID(_("请选择暂停原因。"), detail={"reason": reason})
    if reason == WindowPause.Reason.OTHER and not note.strip():
        raise QueueError.NOTE_REQUIRED(_("选择“其他”时请填写说明。"), detail={"note": note})
    with transaction.atomic():
        if selectors.open_pause(window) is not None:
            raise QueueError.PAUSED(_("窗口已在暂停中。"))
        if selectors.current_ticket(window) is not None:
            raise QueueError.BUSY(_("请先处理完当前的票再暂停。"))
        _ensure_session(window, staff, at)
        pause = WindowPause(
            center_id=window.center_id,
            window=window,
            staff=staff,
            reason=reason,
            note=note.strip(),
            started_at=at,
        )
        _validated(pause)
        pause.save()
    return pause


@_presence_action
def resume_window(here: _WindowAction) -> WindowPause:
    """恢复服务: the window's open pause ends."""
    window, at = here.window, here.at
    _check_staff_at(window, here.staff)
    with transaction.atomic():
        pause = _locked(WindowPause.objects.filter(window=window, ended_at__isnull=True)).first()
        if pause is None:
            raise QueueError.NOT_PAUSED(_("窗口未暂停。"))
        pause.ended_at = at
        pause.save(update_fields=["ended_at"])
    return pause
