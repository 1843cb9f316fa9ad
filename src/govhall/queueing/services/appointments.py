"""Appointments (预约): booking, changing and cancelling a slot, and checking in for it."""

import datetime as dt
import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from govhall.catalog.models import ServiceItem
from govhall.core.crypto import keyed_hash
from govhall.core.dates import local_moment
from govhall.core.models import User
from govhall.core.validators import normalize_id_number, normalize_phone
from govhall.queueing import selectors
from govhall.queueing.errors import QueueError
from govhall.queueing.models import (
    Appointment,
    QueueCategory,
    Ticket,
)
from govhall.queueing.services.common import _locked, _same_center, _validated
from govhall.queueing.services.issuing import issue_ticket

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(8))


def _check_slot(
    category: QueueCategory, day: dt.date, slot_start: dt.time, at: dt.datetime
) -> tuple[dt.time, dt.time]:
    settings = selectors.queue_settings(center_id=category.center_id)
    if category.appointment_capacity == 0 or not category.is_active:
        raise QueueError.NO_APPOINTMENTS(_("该类别不开放预约。"))
    refusal = selectors.appointment_day_refusal(settings, day, at=at)
    if refusal is not None:
        raise QueueError.DAY_NOT_BOOKABLE(refusal, detail={"date": day.isoformat()})
    slots = dict(selectors.slot_starts(settings))
    if slot_start not in slots:
        raise QueueError.SLOT_INVALID(
            _("没有这个预约时段。"), detail={"slot": slot_start.isoformat()}
        )
    if local_moment(day, slot_start) <= at:
        raise QueueError.SLOT_STARTED(_("该时段已开始,不能预约。"))
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
        raise QueueError.SLOT_FULL(_("该时段已约满。"))
    limit = selectors.queue_settings(center_id=category.center_id).appointment_daily_limit
    person = active.filter(center_id=category.center_id, id_number_hash=keyed_hash(id_number))
    if person.count() >= limit:
        raise QueueError.DAILY_LIMIT(
            _("每人每天最多预约 %(n)s 次。") % {"n": limit},
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


def _booked(code: str, phone: str, id_number: str, refusal: str) -> Appointment:
    """The appointment with `code`, locked, if the phone and ID number match (else NotFound)
    and it is still booked (else InvalidTransition with the message `refusal`)."""
    found = _locked(Appointment.objects.filter(code=code.strip().upper())).first()
    if (
        found is None
        or found.phone != normalize_phone(phone)
        or found.id_number != normalize_id_number(id_number)
    ):
        raise QueueError.APPOINTMENT_NOT_FOUND(_("未找到该预约,请核对预约码、手机号和身份证号。"))
    if found.state != Appointment.State.BOOKED:
        raise QueueError.APPOINTMENT_NOT_BOOKED(refusal)
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
        appointment = _booked(code, phone, id_number, _("该预约已不能修改。"))
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
        appointment = _booked(code, phone, id_number, _("该预约已不能取消。"))
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
            raise QueueError.APPOINTMENT_NOT_FOUND(_("未找到该预约,请核对预约码和身份证号。"))
        if appointment.state != Appointment.State.BOOKED:
            raise QueueError.APPOINTMENT_NOT_BOOKED(
                _("该预约状态为“%(state)s”,不能签到。") % {"state": appointment.get_state_display()}
            )
        settings = selectors.queue_settings(center_id=appointment.center_id)
        begins = local_moment(appointment.date, appointment.slot_start)
        if at < begins - dt.timedelta(minutes=settings.appointment_early_minutes):
            raise QueueError.TOO_EARLY(
                _("签到过早:最早可在预约时段开始前 %(n)s 分钟签到。")
                % {"n": settings.appointment_early_minutes},
            )
        if at > begins + dt.timedelta(minutes=settings.appointment_late_minutes):
            raise QueueError.TOO_LATE(
                _("已超过签到时限(时段开始后 %(n)s 分钟),请重新取号。")
                % {"n": settings.appointment_late_minutes},
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
