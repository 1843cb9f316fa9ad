"""Writes of the core app: the outbox and the working-day calendar."""

from typing import Any

from django.db import transaction

from govhall.core.models import Center, OutboxEvent


def emit_outbox(
    *, center: Center | int, stream: str, kind: str, payload: dict[str, Any]
) -> OutboxEvent:
    """Record a change for the upstream platform, inside the caller's transaction.

    Call it from the service that makes the change, in the same ``transaction.atomic`` block,
    so the change and its outbox row commit or roll back together.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("emit_outbox must run inside the transaction of the change it records")
    center_id = center if isinstance(center, int) else center.pk
    return OutboxEvent.objects.create(
        center_id=center_id, stream=stream, kind=kind, payload=payload
    )
