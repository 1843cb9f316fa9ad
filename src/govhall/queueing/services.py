"""Every write of the queue: one function per action, each in one transaction.

Numbering: a `TicketCounter` row per category and day is locked (``select_for_update``) and
incremented, and the database refuses a repeated number (unique constraint), so a number is
given out once. Calling: the next ticket is taken with ``select_for_update(skip_locked=True)``
on PostgreSQL, so two windows calling at the same instant get different tickets; on SQLite the
IMMEDIATE transactions of the settings serialise writers instead.
"""

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.catalog.models import ServiceItem
from govhall.core.crypto import keyed_hash
from govhall.core.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from govhall.core.models import Center, User
from govhall.core.validators import normalize_id_number, normalize_phone
from govhall.org.models import StaffProfile, Window
from govhall.queueing import hooks, selectors
from govhall.queueing.models import (
    Appointment,
    QueueCategory,
    QueueSettings,
    Ticket,
    TicketCounter,
    TicketEvent,
    WindowPause,
    WindowSession,
)

_RELATIONS = [
    "center",
    "category",
    "item",
    "appointment",
    "target_window",
    "window",
    "staff",
    "department",
    "transferred_from",
]
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _locked(qs: QuerySet, *, of: tuple[str, ...] = ()) -> QuerySet:
    """The one way to lock rows: FOR UPDATE (of the tables `of` names, else of all it reads), in
    primary-key order (no deadlocks)."""
    return qs.select_for_update(of=of).order_by("pk")


def _validated(obj: Any, *, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise ValidationFailed(_("输入有误。"), detail=exc.message_dict) from exc


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
    return TicketEvent.objects.create(
        center_id=ticket.center_id,
        ticket=ticket,
        kind=kind,
        at=at,
        actor=actor if actor is not None and actor.is_authenticated else None,
        window=window,
        staff=staff,
        details=details,
    )


def _same_center(center_id: int, *objs: Any) -> None:
    for obj in objs:
        if obj is not None and obj.center_id != center_id:
            raise NotFound(_("对象不属于本中心。"))


def _check_staff_at(window: Window, staff: StaffProfile, *, assigned: bool | None = None) -> None:
    """`staff` is on duty and assigned to `window` (`assigned`: when the caller has read it)."""
    _same_center(window.center_id, staff)
    if not staff.active:
        raise PermissionDenied(_("该工作人员不在岗。"))
    if assigned is None:
        assigned = staff.windows.filter(pk=window.pk).exists()
    if not assigned:
        raise PermissionDenied(
            _("%(staff)s 未被分配到 %(window)s。") % {"staff": staff, "window": window}
        )


# --- tickets -------------------------------------------------------------------------------


_TAKE_NUMBER_SQL = (
    "UPDATE {table} SET last_seq = CASE WHEN last_seq + 1 < %s THEN %s ELSE last_seq + 1 END"
    " WHERE category_id = %s AND day = %s RETURNING last_seq"
)


def _next_seq(category: QueueCategory, day: dt.date) -> int:
    """Take the next sequence number of `category` on `day`: one UPDATE … RETURNING, which
    locks the day's counter row until the issuing transaction ends (issuers of one category
    queue on it; other categories do not)."""
    sql = _TAKE_NUMBER_SQL.format(table=connection.ops.quote_name(TicketCounter._meta.db_table))
    params = [
        category.number_start,
        category.number_start,
        category.pk,
        connection.ops.adapt_datefield_value(day),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        if row is None:  # the day's first ticket: create the row (a racing creator wins once)
            TicketCounter.objects.get_or_create(
                category=category, day=day, defaults={"center_id": category.center_id}
            )
            cursor.execute(sql, params)
            row = cursor.fetchone()
    seq = row[0]
    if seq > category.number_end or seq - category.number_start >= category.daily_capacity:
        raise Conflict(
            _("%(name)s今日号源已发完。") % {"name": category.name}, code="capacity_reached"
        )
    return seq


def _one_active_ticket_per_person(
    category: QueueCategory, day: dt.date, phone: str, id_number: str
) -> None:
    """A person identified by phone or ID number holds one waiting ticket per category.

    Checked while the category's counter row is locked, so two issues for one person run one
    after the other and the second sees the first; partial unique constraints on the table
    are the last word."""
    if not phone and not id_number:
        return
    person = Q()
    if phone:
        person |= Q(phone_hash=keyed_hash(phone))
    if id_number:
        person |= Q(id_number_hash=keyed_hash(id_number))
    held = (
        Ticket.objects.filter(category=category, issue_date=day, state=Ticket.State.WAITING)
        .filter(person)
        .values_list("number", flat=True)
        .first()
    )
    if held:
        raise Conflict(
            _("您已有等候中的号 %(number)s,请勿重复取号。") % {"number": held},
            code="already_waiting",
            detail={"number": held},
        )


def format_number(category: QueueCategory, seq: int) -> str:
    width = max(3, len(str(category.number_end)))
    return f"{category.prefix}{seq:0{width}d}"


def issue_ticket(
    *,
    category: QueueCategory,
    channel: str,
    priority_reason: str = "",
    phone: str = "",
    id_number: str = "",
    item: ServiceItem | None = None,
    actor: User | None = None,
    appointment: Appointment | None = None,
    at: dt.datetime | None = None,
    settings: QueueSettings | None = None,
) -> Ticket:
    """Give a ticket in `category` with the next number of the day (A001, A002 …).

    `settings`: the centre's queue settings when the caller has already read them."""
    at = at or selectors.now()
    if channel not in Ticket.Channel.values or channel == Ticket.Channel.TRANSFER:
        raise ValidationFailed(_("取号渠道无效。"), detail={"channel": channel})
    if priority_reason not in Ticket.Priority.values:
        raise ValidationFailed(_("优先原因无效。"), detail={"priority_reason": priority_reason})
    _same_center(category.center_id, item)
    if item is not None and not category.items.filter(pk=item.pk).exists():
        raise ValidationFailed(_("该事项不在此排队类别中。"))
    if not category.is_active:
        raise InvalidTransition(_("该排队类别已停用。"))
    with transaction.atomic():
        settings = settings or selectors.queue_settings(category.center_id)
        if settings.enforce_opening_hours and not selectors.is_open(settings, at):
            raise InvalidTransition(_("当前不在办公时间,暂停取号。"), code="closed")
        day = selectors.local_day(at)
        ticket = Ticket(
            center_id=category.center_id,
            category=category,
            item=item,
            issue_date=day,
            priority=bool(priority_reason),
            priority_reason=priority_reason,
            phone=normalize_phone(phone),
            id_number=normalize_id_number(id_number),
            channel=channel,
            appointment=appointment,
            appointment_at=(
                timezone.make_aware(dt.datetime.combine(appointment.date, appointment.slot_start))
                if appointment is not None
                else None
            ),
            queue_at=at,
            issued_at=at,
            seq=0,
            number="-",
        )
        # Related rows were checked above; validate the person's fields and the choices.
        _validated(ticket, exclude=["seq", "number", *_RELATIONS])
        ticket.seq = _next_seq(category, day)
        _one_active_ticket_per_person(category, day, ticket.phone, ticket.id_number)
        ticket.number = format_number(category, ticket.seq)
        try:  # no savepoint: a conflict ends the whole transaction anyway
            with transaction.atomic(savepoint=False):
                ticket.save()
        except IntegrityError as exc:  # the constraints are the last word on numbers and people
            raise Conflict(_("号码冲突,请重试。"), code="number_conflict") from exc
        _event(ticket, TicketEvent.Kind.ISSUED, at=at, actor=actor, channel=channel)
    return ticket


def _ticket_for_update(ticket: Ticket | int) -> Ticket:
    pk = ticket.pk if isinstance(ticket, Ticket) else ticket
    # The category comes along (the answer shows it); only the ticket's row is locked.
    found = _locked(Ticket.objects.filter(pk=pk).select_related("category"), of=("self",)).first()
    if found is None:
        raise NotFound(_("排队票不存在。"))
    return found


def _require_state(ticket: Ticket, *states: str) -> None:
    if ticket.state not in states:
        raise InvalidTransition(
            _("%(number)s 当前状态为“%(state)s”,不能执行此操作。")
            % {"number": ticket.number, "state": ticket.get_state_display()},
            detail={"state": ticket.state},
        )


def _require_window_ticket(ticket: Ticket, window: Window) -> None:
    if ticket.window_id != window.pk:
        raise PermissionDenied(_("该票不在本窗口办理。"))


def _ensure_session(window: Window, staff: StaffProfile, at: dt.datetime) -> None:
    session = selectors.open_session(window)
    if session is None or session.staff_id != staff.pk:
        open_window_session(window=window, staff=staff, at=at)


def _check_ready(window: Window, staff: StaffProfile, at: dt.datetime) -> None:
    """The window may take a ticket now: the staff member is on duty and assigned to it, it is
    not paused and has no current ticket. Opens the staff member's session at the window if
    needed (presence is recorded however the window works). One query for all of it."""
    status = selectors.window_status(window, staff=staff)
    _check_staff_at(window, staff, assigned=status.assigned)
    if status.paused:
        raise InvalidTransition(_("窗口暂停中,请先恢复服务。"), code="paused")
    if status.current_number is not None:
        raise Conflict(
            _("请先处理当前的 %(number)s。") % {"number": status.current_number}, code="busy"
        )
    if status.session_staff_id != staff.pk:
        open_window_session(window=window, staff=staff, at=at)


def call_next(
    *,
    window: Window,
    staff: StaffProfile,
    actor: User | None = None,
    at: dt.datetime | None = None,
    settings: QueueSettings | None = None,
) -> Ticket | None:
    """Call the next ticket `window` may serve, or return None when nobody waits.

    Order: green channel first, then checked-in appointments by slot, then the time the ticket
    joined the line (transfers keep their original time). Never hands one ticket to two windows:
    the chosen row is locked with SKIP LOCKED on PostgreSQL, and re-checked to still be WAITING.
    The called ticket carries `still_waiting`: the tickets the window may call after it (read
    by the same statement). `settings`: the centre's queue settings when the caller has
    already read them.
    """
    at = at or selectors.now()
    with transaction.atomic():
        _check_ready(window, staff, at)
        line = selectors.callable_tickets(window, at=at, settings=settings)
        candidates = line.select_related("category").annotate(line_size=selectors.count_of(line))
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True, of=("self",))
        ticket = candidates.first()
        if ticket is None:
            return None
        changes = {
            "state": Ticket.State.CALLED,
            "window": window,
            "staff": staff,
            "department_id": staff.department_id,
            "called_at": at,
            "last_called_at": at,
            "wait_seconds": max(int((at - ticket.issued_at).total_seconds()), 0),
        }
        updated = Ticket.objects.filter(pk=ticket.pk, state=Ticket.State.WAITING).update(**changes)
        if updated != 1:  # only possible without row locks; the caller may simply call again
            raise Conflict(_("该号已被其他窗口呼叫,请重试。"), code="taken")
        for field, value in changes.items():
            setattr(ticket, field, value)
        ticket.still_waiting = ticket.line_size - 1
        _event(ticket, TicketEvent.Kind.CALLED, at=at, actor=actor, window=window, staff=staff)
    return ticket


def _require_at(ticket: Ticket, window: Window, states: tuple[str, ...]) -> None:
    _require_window_ticket(ticket, window)
    _require_state(ticket, *states)


def _move(ticket: Ticket, window: Window, states: tuple[str, ...], **changes: Any) -> None:
    """Write `changes` to `ticket` (checked with `_require_at` by the caller) if it is still
    at `window` in one of `states`: one conditional UPDATE, which locks the row to the
    transaction's end, so a concurrent change makes it fail instead of being overwritten; the
    row is then read again for the reason."""
    moved = Ticket.objects.filter(pk=ticket.pk, window=window, state__in=states).update(**changes)
    if moved != 1:
        _require_at(_ticket_for_update(ticket), window, states)
    for field, value in changes.items():
        setattr(ticket, field, value)


def recall_ticket(
    *,
    ticket: Ticket,
    window: Window,
    staff: StaffProfile,
    actor: User | None = None,
    at: dt.datetime | None = None,
) -> Ticket:
    """Call the current ticket again (after the cooldown, up to the recall limit)."""
    at = at or selectors.now()
    with transaction.atomic():
        ticket = _ticket_for_update(ticket)
        _require_window_ticket(ticket, window)
        _require_state(ticket, Ticket.State.CALLED)
        settings = selectors.queue_settings(ticket.center_id)
        if ticket.recall_count >= settings.recall_limit:
            raise InvalidTransition(
                _("重呼次数已用完,请标记过号。"),
                code="recall_limit",
                detail={"limit": settings.recall_limit},
            )
        elapsed = (at - ticket.last_called_at).total_seconds()
        if elapsed < settings.recall_cooldown_seconds:
            wait = int(settings.recall_cooldown_seconds - elapsed)
            raise InvalidTransition(
                _("请 %(seconds)s 秒后再重呼。") % {"seconds": wait},
                code="recall_cooldown",
                detail={"retry_after": wait},
            )
        ticket.recall_count = F("recall_count") + 1
        ticket.last_called_at = at
        ticket.save(update_fields=["recall_count", "last_called_at"])
        ticket.refresh_from_db()
        _event(
            ticket,
            TicketEvent.Kind.RECALLED,
            at=at,
            actor=actor,
            window=window,
            staff=staff,
            recall=ticket.recall_count,
        )
    return ticket


def start_ticket(
    *,
    ticket: Ticket,
    window: Window,
    staff: StaffProfile,
    actor: User | None = None,
    at: dt.datetime | None = None,
) -> Ticket:
    """The person has come to the window: CALLED → SERVING."""
    at = at or selectors.now()
    states = (Ticket.State.CALLED,)
    _require_at(ticket, window, states)
    with transaction.atomic():
        _move(ticket, window, states, state=Ticket.State.SERVING, started_at=at)
        _event(ticket, TicketEvent.Kind.STARTED, at=at, actor=actor, window=window, staff=staff)
    return ticket


def finish_ticket(
    *,
    ticket: Ticket,
    window: Window,
    staff: StaffProfile,
    actor: User | None = None,
    at: dt.datetime | None = None,
) -> Ticket:
    """The service is over: SERVING (or CALLED) → DONE; then every registered finish hook runs."""
    at = at or selectors.now()
    states = (Ticket.State.CALLED, Ticket.State.SERVING)
    _require_at(ticket, window, states)
    with transaction.atomic():
        _move(
            ticket,
            window,
            states,
            state=Ticket.State.DONE,
            started_at=ticket.started_at or at,
            finished_at=at,
            handling_seconds=max(int((at - ticket.called_at).total_seconds()), 0),
        )
        ticket.window = window  # the hooks read them: no need to load them again
        if ticket.staff_id == staff.pk:
            ticket.staff = staff
        _event(
            ticket,
            TicketEvent.Kind.FINISHED,
            at=at,
            actor=actor,
            window=window,
            staff=staff,
            handling_seconds=ticket.handling_seconds,
        )
        hooks.run_ticket_finished(ticket=ticket, actor=actor)
    return ticket


def mark_no_show(
    *,
    ticket: Ticket,
    window: Window,
    staff: StaffProfile,
    actor: User | None = None,
    at: dt.datetime | None = None,
) -> Ticket:
    """过号: allowed once the centre's number of recalls has been used."""
    at = at or selectors.now()
    with transaction.atomic():
        ticket = _ticket_for_update(ticket)
        _require_window_ticket(ticket, window)
        _require_state(ticket, Ticket.State.CALLED)
        settings = selectors.queue_settings(ticket.center_id)
        if ticket.recall_count < settings.recall_limit:
            left = settings.recall_limit - ticket.recall_count
            raise InvalidTransition(
                _("还可重呼 %(n)s 次,重呼用完后才能标记过号。") % {"n": left},
                code="recalls_left",
                detail={"recalls_left": left},
            )
        ticket.state = Ticket.State.NO_SHOW
        ticket.finished_at = at
        ticket.save(update_fields=["state", "finished_at"])
        _event(ticket, TicketEvent.Kind.NO_SHOW, at=at, actor=actor, window=window, staff=staff)
    return ticket


def transfer_ticket(
    *,
    ticket: Ticket,
    window: Window,
    staff: StaffProfile,
    to_category: QueueCategory | None = None,
    to_window: Window | None = None,
    note: str = "",
    actor: User | None = None,
    at: dt.datetime | None = None,
) -> Ticket:
    """Send the person to another category or window, keeping their place (original time).

    The ticket becomes TRANSFERRED and a continuation with the same number waits in the new line;
    the continuation's `queue_at` is the original one, so it is called before later tickets.
    """
    at = at or selectors.now()
    if to_category is None and to_window is None:
        raise ValidationFailed(_("请选择转入的排队类别或窗口。"))
    _same_center(ticket.center_id, to_category, to_window)
    if to_window is not None and to_window.pk == window.pk:
        raise ValidationFailed(_("不能转给本窗口。"))
    with transaction.atomic():
        ticket = _ticket_for_update(ticket)
        _require_window_ticket(ticket, window)
        _require_state(ticket, Ticket.State.CALLED, Ticket.State.SERVING)
        category = to_category or ticket.category
        if not category.is_active:
            raise InvalidTransition(_("该排队类别已停用。"))
        ticket.state = Ticket.State.TRANSFERRED
        ticket.finished_at = at
        ticket.save(update_fields=["state", "finished_at"])
        successor = Ticket.objects.create(
            center_id=ticket.center_id,
            category=category,
            item=ticket.item if to_category is None else None,
            number=ticket.number,
            seq=ticket.seq,
            issue_date=ticket.issue_date,
            priority=ticket.priority,
            priority_reason=ticket.priority_reason,
            phone=ticket.phone,
            id_number=ticket.id_number,
            channel=Ticket.Channel.TRANSFER,
            target_window=to_window,
            appointment_at=ticket.appointment_at,
            transferred_from=ticket,
            queue_at=ticket.queue_at,
            issued_at=at,
            carried_over=ticket.carried_over,
        )
        details = {
            "to_category": category.prefix,
            "to_window": to_window.number if to_window else "",
            "note": note,
        }
        _event(
            ticket,
            TicketEvent.Kind.TRANSFERRED,
            at=at,
            actor=actor,
            window=window,
            staff=staff,
            successor=successor.pk,
            **details,
        )
        _event(
            successor,
            TicketEvent.Kind.ISSUED,
            at=at,
            actor=actor,
            window=window,
            staff=staff,
            channel=Ticket.Channel.TRANSFER,
            transferred_from=ticket.pk,
            **details,
        )
    return successor


def cancel_ticket(
    *, ticket: Ticket, actor: User | None = None, at: dt.datetime | None = None
) -> Ticket:
    """The person gives up a waiting ticket (from its status page, or staff for them)."""
    at = at or selectors.now()
    with transaction.atomic():
        ticket = _ticket_for_update(ticket)
        _require_state(ticket, Ticket.State.WAITING)
        ticket.state = Ticket.State.CANCELLED
        ticket.finished_at = at
        ticket.save(update_fields=["state", "finished_at"])
        _event(ticket, TicketEvent.Kind.CANCELLED, at=at, actor=actor)
    return ticket


def close_queue_day(
    *, center: Center, day: dt.date, at: dt.datetime | None = None
) -> dict[str, int]:
    """Closing time of `day`: apply the centre's policy to tickets still waiting, close windows.

    EXPIRE: waiting tickets of `day` and before become EXPIRED. CARRY_OVER: the day's waiting
    tickets stay WAITING, marked carried over, and since the line is ordered by the time a ticket
    joined it they are called first the next working morning; tickets already carried over once
    (issued before `day`) expire. Booked appointments of the day not checked in become NO_SHOW;
    open window sessions and pauses are closed. Idempotent.
    """
    at = at or selectors.now()
    settings = selectors.queue_settings(center.pk)
    with transaction.atomic():
        waiting = list(
            _locked(
                Ticket.objects.filter(
                    center=center, state=Ticket.State.WAITING, issue_date__lte=day
                )
            )
        )
        expire = settings.closing_policy == QueueSettings.ClosingPolicy.EXPIRE
        expired = carried = 0
        for ticket in waiting:
            if expire or ticket.issue_date < day:
                ticket.state = Ticket.State.EXPIRED
                ticket.finished_at = at
                ticket.save(update_fields=["state", "finished_at"])
                _event(ticket, TicketEvent.Kind.EXPIRED, at=at, day=day.isoformat())
                expired += 1
            elif not ticket.carried_over:
                ticket.carried_over = True
                ticket.save(update_fields=["carried_over"])
                _event(ticket, TicketEvent.Kind.CARRIED_OVER, at=at, day=day.isoformat())
                carried += 1
        missed = Appointment.objects.filter(
            center=center, date__lte=day, state=Appointment.State.BOOKED
        ).update(state=Appointment.State.NO_SHOW)
        pauses = WindowPause.objects.filter(center=center, ended_at__isnull=True).update(
            ended_at=at
        )
        sessions = WindowSession.objects.filter(center=center, closed_at__isnull=True).update(
            closed_at=at
        )
    return {
        "expired": expired,
        "carried_over": carried,
        "appointments_no_show": missed,
        "pauses_closed": pauses,
        "sessions_closed": sessions,
    }


# --- window presence -----------------------------------------------------------------------


def open_window_session(
    *, window: Window, staff: StaffProfile, at: dt.datetime | None = None
) -> WindowSession:
    """The staff member logs in at the window's terminal.

    Their open session at any other window is closed, and so is another person's open session at
    this window (a colleague taking over the counter).
    """
    at = at or selectors.now()
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


def close_window_session(
    *, window: Window, staff: StaffProfile, at: dt.datetime | None = None
) -> WindowSession | None:
    """The staff member logs out of the terminal (also ends an open pause)."""
    at = at or selectors.now()
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
    at: dt.datetime | None = None,
) -> WindowPause:
    """暂停服务 with a reason; the time is recorded for attendance."""
    at = at or selectors.now()
    _check_staff_at(window, staff)
    if reason not in WindowPause.Reason.values:
        raise ValidationFailed(_("请选择暂停原因。"), detail={"reason": reason})
    if reason == WindowPause.Reason.OTHER and not note.strip():
        raise ValidationFailed(_("选择“其他”时请填写说明。"), detail={"note": note})
    with transaction.atomic():
        if selectors.open_pause(window) is not None:
            raise InvalidTransition(_("窗口已在暂停中。"), code="paused")
        if selectors.current_ticket(window) is not None:
            raise Conflict(_("请先处理完当前的票再暂停。"), code="busy")
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


def resume_window(
    *, window: Window, staff: StaffProfile, at: dt.datetime | None = None
) -> WindowPause:
    at = at or selectors.now()
    _check_staff_at(window, staff)
    with transaction.atomic():
        pause = _locked(WindowPause.objects.filter(window=window, ended_at__isnull=True)).first()
        if pause is None:
            raise InvalidTransition(_("窗口未暂停。"), code="not_paused")
        pause.ended_at = at
        pause.save(update_fields=["ended_at"])
    return pause


# --- appointments --------------------------------------------------------------------------


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(8))


def _check_slot(
    category: QueueCategory, day: dt.date, slot_start: dt.time, at: dt.datetime
) -> tuple[dt.time, dt.time]:
    settings = selectors.queue_settings(category.center_id)
    if category.appointment_capacity == 0 or not category.is_active:
        raise InvalidTransition(_("该类别不开放预约。"), code="no_appointments")
    refusal = selectors.appointment_day_refusal(settings, day, at=at)
    if refusal is not None:
        raise ValidationFailed(refusal, detail={"date": day.isoformat()})
    slots = dict(selectors.slot_starts(settings))
    if slot_start not in slots:
        raise ValidationFailed(_("没有这个预约时段。"), detail={"slot": slot_start.isoformat()})
    if timezone.make_aware(dt.datetime.combine(day, slot_start)) <= at:
        raise ValidationFailed(_("该时段已开始,不能预约。"))
    return slot_start, slots[slot_start]


def _check_capacity(
    category: QueueCategory,
    day: dt.date,
    slot_start: dt.time,
    id_number: str,
    *,
    exclude_pk: int | None = None,
) -> None:
    """Places left in the slot and the person's daily limit (caller holds the category lock)."""
    active = Appointment.objects.filter(
        state__in=[Appointment.State.BOOKED, Appointment.State.CHECKED_IN], date=day
    ).exclude(pk=exclude_pk)
    if (
        active.filter(category=category, slot_start=slot_start).count()
        >= category.appointment_capacity
    ):
        raise Conflict(_("该时段已约满。"), code="slot_full")
    limit = selectors.queue_settings(category.center_id).appointment_daily_limit
    person = active.filter(center_id=category.center_id, id_number_hash=keyed_hash(id_number))
    if person.count() >= limit:
        raise Conflict(
            _("每人每天最多预约 %(n)s 次。") % {"n": limit},
            code="daily_limit",
            detail={"limit": limit},
        )


def book_appointment(
    *,
    category: QueueCategory,
    date: dt.date,
    slot_start: dt.time,
    name: str,
    phone: str,
    id_number: str,
    item: ServiceItem | None = None,
    at: dt.datetime | None = None,
) -> Appointment:
    at = at or selectors.now()
    _same_center(category.center_id, item)
    id_number = normalize_id_number(id_number)
    slot_start, slot_end = _check_slot(category, date, slot_start, at)
    appointment = Appointment(
        center_id=category.center_id,
        code=_new_code(),
        category=category,
        item=item,
        date=date,
        slot_start=slot_start,
        slot_end=slot_end,
        name=name.strip(),
        phone=normalize_phone(phone),
        id_number=id_number,
    )
    _validated(appointment)
    with transaction.atomic():
        category = _locked(QueueCategory.objects.filter(pk=category.pk)).get()
        _check_capacity(category, date, slot_start, id_number)
        appointment.save()
    return appointment


def _appointment_for(code: str, phone: str, id_number: str) -> Appointment:
    """The appointment with `code`, if the phone and ID number match (else NotFound)."""
    found = _locked(Appointment.objects.filter(code=code.strip().upper())).first()
    if (
        found is None
        or found.phone != normalize_phone(phone)
        or found.id_number != normalize_id_number(id_number)
    ):
        raise NotFound(_("未找到该预约,请核对预约码、手机号和身份证号。"))
    return found


def change_appointment(
    *,
    code: str,
    phone: str,
    id_number: str,
    date: dt.date,
    slot_start: dt.time,
    at: dt.datetime | None = None,
) -> Appointment:
    at = at or selectors.now()
    with transaction.atomic():
        appointment = _appointment_for(code, phone, id_number)
        if appointment.state != Appointment.State.BOOKED:
            raise InvalidTransition(_("该预约已不能修改。"))
        category = _locked(QueueCategory.objects.filter(pk=appointment.category_id)).get()
        slot_start, slot_end = _check_slot(category, date, slot_start, at)
        _check_capacity(
            category, date, slot_start, appointment.id_number, exclude_pk=appointment.pk
        )
        appointment.date = date
        appointment.slot_start = slot_start
        appointment.slot_end = slot_end
        appointment.save(update_fields=["date", "slot_start", "slot_end"])
    return appointment


def cancel_appointment(
    *, code: str, phone: str, id_number: str, at: dt.datetime | None = None
) -> Appointment:
    at = at or selectors.now()
    with transaction.atomic():
        appointment = _appointment_for(code, phone, id_number)
        if appointment.state != Appointment.State.BOOKED:
            raise InvalidTransition(_("该预约已不能取消。"))
        appointment.state = Appointment.State.CANCELLED
        appointment.cancelled_at = at
        appointment.save(update_fields=["state", "cancelled_at"])
    return appointment


def check_in_appointment(
    *, code: str, id_number: str, actor: User | None = None, at: dt.datetime | None = None
) -> Ticket:
    """Arrival for a booked slot, within the early / late limits: a ticket ahead of walk-ins."""
    at = at or selectors.now()
    with transaction.atomic():
        appointment = _locked(Appointment.objects.filter(code=code.strip().upper())).first()
        if appointment is None or appointment.id_number != normalize_id_number(id_number):
            raise NotFound(_("未找到该预约,请核对预约码和身份证号。"))
        if appointment.state != Appointment.State.BOOKED:
            raise InvalidTransition(
                _("该预约状态为“%(state)s”,不能签到。") % {"state": appointment.get_state_display()}
            )
        settings = selectors.queue_settings(appointment.center_id)
        begins = timezone.make_aware(dt.datetime.combine(appointment.date, appointment.slot_start))
        if at < begins - dt.timedelta(minutes=settings.appointment_early_minutes):
            raise InvalidTransition(
                _("签到过早:最早可在预约时段开始前 %(n)s 分钟签到。")
                % {"n": settings.appointment_early_minutes},
                code="too_early",
            )
        if at > begins + dt.timedelta(minutes=settings.appointment_late_minutes):
            raise InvalidTransition(
                _("已超过签到时限(时段开始后 %(n)s 分钟),请重新取号。")
                % {"n": settings.appointment_late_minutes},
                code="too_late",
            )
        appointment.state = Appointment.State.CHECKED_IN
        appointment.checked_in_at = at
        appointment.save(update_fields=["state", "checked_in_at"])
        return issue_ticket(
            category=appointment.category,
            channel=Ticket.Channel.APPOINTMENT,
            phone=appointment.phone,
            id_number=appointment.id_number,
            item=appointment.item,
            appointment=appointment,
            actor=actor,
            at=at,
        )
