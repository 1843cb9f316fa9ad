"""What the queue services share: the row lock, validation, the ticket's event, who works a
window, and the checks of centre, staff, state and window."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from govhall.core.compiled import insert
from govhall.core.models import User
from govhall.core.writes import acting_user
from govhall.org.models import StaffProfile, Window
from govhall.org.scoping import ANY_UNIT, require_perm
from govhall.queueing import selectors
from govhall.queueing.errors import QueueError
from govhall.queueing.models import (
    Ticket,
    TicketEvent,
)


def authorize_window(*, actor: User | None, center_id: int) -> None:
    """Who works a window's terminal (calling, serving, transferring, pausing, their session):
    the centre's people with the call permission; which windows are theirs is
    `_check_staff_at`. None is the system (the simulation, the demo, the day's close)."""
    require_perm(actor, "queueing.call_ticket", center_id=center_id, department_id=ANY_UNIT)


def _at_window(*, actor: User | None, window: Window, at: dt.datetime | None) -> dt.datetime:
    """How every action at a window's terminal begins: `actor` may work the window's centre
    (`authorize_window`); returns the moment of the action, `at` or now."""
    authorize_window(actor=actor, center_id=window.center_id)
    return at or selectors.now()


def _locked(qs: QuerySet, *, of: tuple[str, ...] = ()) -> QuerySet:
    """The one way to lock rows: FOR UPDATE (of the tables `of` names, else of all it reads), in
    primary-key order (no deadlocks)."""
    return qs.select_for_update(of=of).order_by("pk")


def _validated(obj: Any, *, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise QueueError.INPUT_INVALID(_("输入有误。"), detail=exc.message_dict) from exc


def _event(
    ticket: Ticket,
    kind: str,
    *,
    at: dt.datetime,
    actor: User | None = None,
    window: Window | None = None,
    staff: StaffProfile | None = None,
    **details: Any,
) -> TicketEvent:
    return insert(
        TicketEvent(
            center_id=ticket.center_id,
            ticket=ticket,
            kind=kind,
            at=at,
            actor=acting_user(actor),
            window=window,
            staff=staff,
            details=details,
        )
    )


@dataclass(frozen=True, slots=True)
class _WindowAction:
    """One action at a window's terminal: the window, the staff member working it, the actor
    (None: the system) and the moment (`_at_window`'s answer)."""

    window: Window
    staff: StaffProfile
    actor: User | None
    at: dt.datetime

    @classmethod
    def begin(
        cls, window: Window, staff: StaffProfile, actor: User | None, at: dt.datetime | None
    ) -> "_WindowAction":
        """The action `actor` begins at `window` (`_at_window`: may they; `at` None is now)."""
        return cls(window, staff, actor, _at_window(actor=actor, window=window, at=at))

    def event(self, ticket: Ticket, kind: str, **details: Any) -> TicketEvent:
        """`ticket`'s event of this action."""
        return _event(
            ticket,
            kind,
            at=self.at,
            actor=self.actor,
            window=self.window,
            staff=self.staff,
            **details,
        )


def _same_center(center_id: int, *objs: Any) -> None:
    for obj in objs:
        if obj is not None and obj.center_id != center_id:
            raise QueueError.OTHER_CENTER(_("对象不属于本中心。"))


def _check_staff_at(window: Window, staff: StaffProfile, *, assigned: bool | None = None) -> None:
    """`staff` is on duty and assigned to `window` (`assigned`: when the caller has read it)."""
    _same_center(window.center_id, staff)
    if not staff.active:
        raise QueueError.STAFF_INACTIVE(_("该工作人员不在岗。"))
    if assigned is None:
        assigned = staff.windows.filter(pk=window.pk).exists()
    if not assigned:
        raise QueueError.NOT_ASSIGNED(
            _("%(staff)s 未被分配到 %(window)s。") % {"staff": staff, "window": window}
        )


def _ticket_for_update(ticket: Ticket | int) -> Ticket:
    pk = ticket.pk if isinstance(ticket, Ticket) else ticket
    # The category comes along (the answer shows it); only the ticket's row is locked.
    found = _locked(Ticket.objects.filter(pk=pk).select_related("category"), of=("self",)).first()
    if found is None:
        raise QueueError.TICKET_NOT_FOUND(_("排队票不存在。"))
    return found


def _require_state(ticket: Ticket, *states: str) -> None:
    if ticket.state not in states:
        raise QueueError.TICKET_WRONG_STATE(
            _("%(number)s 当前状态为“%(state)s”,不能执行此操作。")
            % {"number": ticket.number, "state": ticket.get_state_display()},
            detail={"state": ticket.state},
        )


def _require_at(ticket: Ticket, window: Window, states: tuple[str, ...]) -> None:
    """`ticket` is at `window`, in one of `states`."""
    if ticket.window_id != window.pk:
        raise QueueError.OTHER_WINDOW(_("该票不在本窗口办理。"))
    _require_state(ticket, *states)
