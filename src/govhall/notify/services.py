"""Every write of the SMS outbox: enqueue, opt out / in, and deliver what is due.

The outbox row is the message's record from the start: who, what, the text, every attempt
(`DeliveryAttempt`) and the outcome. Sending happens in the worker (`govhall notify`), never in
a request: a row is claimed in a short transaction (its next attempt pushed past the lease, so
a second worker skips it), sent outside any transaction, and its outcome written in another.
A worker killed mid-send leaves the row pending; it is tried again when the lease ends.
"""

import datetime as dt
import logging
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core.crypto import keyed_hash
from govhall.core.models import Center
from govhall.core.tallies import Tally
from govhall.core.validators import normalize_phone
from govhall.notify import selectors
from govhall.notify.backends import Delivery, Message, SmsBackend
from govhall.notify.errors import NotifyError
from govhall.notify.models import DeliveryAttempt, Notification, OptOut

log = logging.getLogger(__name__)

# An SMS needs a mobile number (the shared phone check also accepts landlines).
MOBILE = re.compile(r"1[3-9]\d{9}")
MAX_ATTEMPTS = 5
LEASE = dt.timedelta(minutes=2)


def retry_delay(attempts: int) -> dt.timedelta:
    """Wait before the next try after `attempts` failed ones: 30 s, 1, 2, 4 … minutes, ≤ 1 h."""
    return min(dt.timedelta(seconds=30 * 2 ** max(attempts - 1, 0)), dt.timedelta(hours=1))


def enqueue(
    *,
    center_id: int,
    kind: str,
    subject_id: int,
    phone: str,
    text: str,
    params: list[str] | None = None,
    at: dt.datetime | None = None,
) -> Notification | None:
    """Put one SMS in the outbox, once per kind and subject (a second call returns the first).

    None when there is no mobile number. A phone that opted out gets a row in state OPTED_OUT:
    the log shows what was not sent and why."""
    if kind not in Notification.Kind.values:
        raise NotifyError.KIND_INVALID(_("通知类型无效。"), detail={"kind": kind})
    phone = normalize_phone(phone)
    if not MOBILE.fullmatch(phone):
        return None
    at = at or timezone.now()
    state = (
        Notification.State.OPTED_OUT
        if selectors.is_opted_out(center_id, phone)
        else Notification.State.PENDING
    )
    notification, _created = Notification.objects.get_or_create(
        kind=kind,
        subject_id=subject_id,
        defaults={
            "center_id": center_id,
            "phone": phone,
            "text": text[:500],
            "params": [str(p) for p in params or []],
            "state": state,
            "created_at": at,
            "next_attempt_at": at,
        },
    )
    return notification


def opt_out(*, center: Center, phone: str, note: str = "") -> OptOut:
    """The phone receives no more SMS from the centre (messages already queued included).

    Phones are encrypted at rest: the opt-out and the queued messages are found by keyed hash."""
    phone = normalize_phone(phone)
    optout = OptOut(center=center, phone=phone, note=note.strip())
    try:
        optout.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise NotifyError.OPT_OUT_INVALID(_("输入有误。"), detail=exc.message_dict) from exc
    phone_hash = keyed_hash(phone)
    with transaction.atomic():
        optout, _created = OptOut.objects.get_or_create(
            center=center, phone_hash=phone_hash, defaults={"phone": phone, "note": optout.note}
        )
        Notification.objects.filter(
            center=center, phone_hash=phone_hash, state=Notification.State.PENDING
        ).update(state=Notification.State.OPTED_OUT)
    return optout


def opt_in(*, center: Center, phone: str) -> int:
    """The phone may receive SMS again (what was skipped meanwhile stays skipped)."""
    phone_hash = keyed_hash(normalize_phone(phone))
    deleted, _detail = OptOut.objects.filter(center=center, phone_hash=phone_hash).delete()
    return deleted


def _claim(at: dt.datetime, batch_size: int) -> list[Notification]:
    """Take up to `batch_size` due rows: pushed past the lease and counted as an attempt."""
    with transaction.atomic():
        rows = selectors.due(at=at)
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        claimed = list(rows[:batch_size])
        Notification.objects.filter(pk__in=[n.pk for n in claimed]).update(
            attempts=F("attempts") + 1, next_attempt_at=at + LEASE
        )
    for notification in claimed:
        notification.attempts += 1
    return claimed


def _record(notification: Notification, delivery: Delivery, backend: str, at: dt.datetime) -> str:
    """Write the outcome of one attempt; returns the notification's new state."""
    changes: dict[str, object] = {}
    if delivery.ok:
        changes = {"state": Notification.State.SENT, "sent_at": at, "last_error": ""}
        changes["provider_id"] = delivery.provider_id
    elif delivery.permanent or notification.attempts >= MAX_ATTEMPTS:
        changes = {"state": Notification.State.FAILED, "last_error": delivery.detail[:500]}
    else:
        changes = {
            "next_attempt_at": at + retry_delay(notification.attempts),
            "last_error": delivery.detail[:500],
        }
    with transaction.atomic():
        Notification.objects.filter(pk=notification.pk).update(**changes)
        DeliveryAttempt.objects.create(
            notification=notification,
            at=at,
            backend=backend,
            ok=delivery.ok,
            detail=(delivery.provider_id or delivery.detail)[:500],
        )
    return str(changes.get("state", Notification.State.PENDING))


@dataclass
class DeliveryResult(Tally):
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    opted_out: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.failed + self.opted_out


def deliver_due(
    *, backend: SmsBackend, at: dt.datetime | None = None, batch_size: int = 50
) -> DeliveryResult:
    """Send one batch of due notifications through `backend`: each is sent, retried later
    (after `retry_delay`, up to `MAX_ATTEMPTS`) or marked failed; an opted-out phone is
    skipped. Every attempt is logged (`DeliveryAttempt`)."""
    at = at or timezone.now()
    result = DeliveryResult()
    for notification in _claim(at, batch_size):
        if selectors.is_opted_out(notification.center_id, notification.phone):
            Notification.objects.filter(pk=notification.pk).update(
                state=Notification.State.OPTED_OUT
            )
            result.opted_out += 1
            continue
        message = Message(
            phone=notification.phone,
            kind=notification.kind,
            text=notification.text,
            params=list(notification.params),
        )
        try:
            delivery = backend.send(message)
        except Exception as exc:  # a backend's bug must not stop the outbox: logged, retried
            log.exception("SMS backend %s raised", backend.name)
            delivery = Delivery(ok=False, detail=f"{type(exc).__name__}: {exc}")
        state = _record(notification, delivery, backend.name, timezone.now())
        if state == Notification.State.SENT:
            result.sent += 1
        elif state == Notification.State.FAILED:
            result.failed += 1
        else:
            result.retrying += 1
    return result
