"""Reads of the SMS outbox."""

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet

from govhall.core.crypto import keyed_hash
from govhall.notify.models import Notification, OptOut


def is_opted_out(center_id: int, phone: str) -> bool:
    """Whether `phone` (normalised) opted out; found by its keyed hash (phones are encrypted)."""
    if not phone:
        return False
    return OptOut.objects.filter(center_id=center_id, phone_hash=keyed_hash(phone)).exists()


def already_enqueued(kind: str) -> QuerySet[Notification]:
    """Notifications of `kind` (a producer excludes their subjects: ``~Exists(...)``)."""
    return Notification.objects.filter(kind=kind)


def subject_enqueued(kind: str) -> Exists:
    """Whether a notification of `kind` is already enqueued about the row (its ``pk``)."""
    return Exists(already_enqueued(kind).filter(subject_id=OuterRef("pk")))


def due(*, at: dt.datetime) -> QuerySet[Notification]:
    """Pending notifications whose time has come, oldest first."""
    return Notification.objects.filter(
        state=Notification.State.PENDING, next_attempt_at__lte=at
    ).order_by("next_attempt_at", "id")
