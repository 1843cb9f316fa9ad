"""Factories and helpers of the exchange tests: settings, remote centres, outbox events like
the ones the cases and feedback apps emit, and signed pushes."""

import datetime as dt
import json
import time
import uuid

import factory
from django.db import transaction
from django.utils import timezone

from govhall.core.models import Center, OutboxEvent
from govhall.core.services import emit_outbox
from govhall.exchange import protocol
from govhall.exchange.models import ExchangeSettings, RemoteCenter
from tests.factories import CenterFactory

CASE_EVENTS = ("accepted", "in_review", "completed", "delivered")
CASE_STATE = {
    "accepted": "accepted",
    "in_review": "in_review",
    "completed": "completed",
    "delivered": "delivered",
}


class ExchangeSettingsFactory(factory.django.DjangoModelFactory):
    """The centre's settings row (made with the centre), set to these values."""

    class Meta:
        model = ExchangeSettings

    center = factory.SubFactory(CenterFactory)
    upstream_url = "http://127.0.0.1:9/api/exchange/inbound/"
    key_id = factory.Sequence(lambda n: f"key-{n}")
    secret = factory.Sequence(lambda n: f"secret-{n}-0123456789abcdef")
    timeout_seconds = 1.0
    backoff_base_seconds = 0.05
    backoff_max_seconds = 0.2

    @classmethod
    def _create(cls, model_class: type[ExchangeSettings], **kwargs: object) -> ExchangeSettings:
        row = model_class.objects.filter(center=kwargs["center"]).first() or model_class()
        for name, value in kwargs.items():
            setattr(row, name, value)
        row.save()
        return row


class RemoteCenterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RemoteCenter

    center = factory.SubFactory(CenterFactory, level=Center.Level.PROVINCE)
    name = factory.Sequence(lambda n: f"下级中心{n}")
    region_code = factory.Sequence(lambda n: f"{412700 + n:06d}")
    key_id = factory.Sequence(lambda n: f"remote-key-{n}")
    secret = factory.Sequence(lambda n: f"remote-secret-{n}-fedcba9876543210")


def case_payload(number: str, event: str = "accepted", **over: object) -> dict:
    at = timezone.localtime().replace(microsecond=0)
    done = event in ("completed", "delivered")
    payload = {
        "case_number": number,
        "item_code": "11410000MB0000000001",
        "item_name": "种畜禽生产经营许可",
        "department_code": "NY",
        "department_name": "农业农村局",
        "region_code": "",
        "applicant_type": "company",
        "channel": "window",
        "accepted_at": at.isoformat(),
        "due_date": (at.date() + dt.timedelta(days=7)).isoformat(),
        "completed_at": at.isoformat() if done else None,
        "delivered_at": at.isoformat() if event == "delivered" else None,
        "state": CASE_STATE.get(event, event),
        "result": "approved" if done else "",
        "event": event,
        "event_at": at.isoformat(),
        # Personal data the sender never maps upstream.
        "applicant_phone": "13800000000",
    }
    payload.update(over)
    return payload


def rating_payload(rating_id: str, level: int = 5, **over: object) -> dict:
    payload = {
        "rating_id": rating_id,
        "level": level,
        "channel": "pad",
        "department_code": "NY",
        "department_name": "农业农村局",
        "window_number": "12",
        "staff_number": "S00012",
        "case_number": "",
        "ticket_number": "A001",
        "rated_at": timezone.localtime().replace(microsecond=0).isoformat(),
        "is_bad": level <= 2,
        "excluded": False,
    }
    payload.update(over)
    return payload


def emit_case(center: Center, number: str, events: tuple[str, ...] = CASE_EVENTS) -> list:
    rows = []
    for event in events:
        with transaction.atomic():
            rows.append(
                emit_outbox(
                    center=center,
                    stream=f"case:{number}",
                    kind=f"case.{event}",
                    payload=case_payload(number, event),
                )
            )
    return rows


def emit_rating(center: Center, rating_id: str, level: int = 5) -> OutboxEvent:
    with transaction.atomic():
        return emit_outbox(
            center=center,
            stream=f"rating:{rating_id}",
            kind="rating.created",
            payload=rating_payload(rating_id, level),
        )


def emit_traffic(
    center: Center,
    cases: int,
    ratings: int,
    events: tuple[str, ...] = CASE_EVENTS,
    prefix: str = "",
):
    """Interleaved events of `cases` cases (all their steps) and `ratings` ratings."""
    for step in events:
        for n in range(cases):
            emit_case(center, f"{prefix}C{n:05d}", (step,))
    for n in range(ratings):
        emit_rating(center, f"{prefix}R{n:05d}", level=1 + n % 5)


def event(number: str, kind: str = "case.accepted", sequence: int = 1, **data: object) -> dict:
    """One event of a push envelope, as a sender writes it."""
    family = kind.split(".")[0]
    payload = (
        case_payload(number, kind.split(".")[1]) if family == "case" else rating_payload(number)
    )
    payload.pop("applicant_phone", None)
    if family == "case":
        del payload["region_code"]  # the sender's unless given: `envelope` fills it in
    payload.update(data)
    return {
        "idempotency_key": str(uuid.uuid4()),
        "sequence": sequence,
        "stream": f"{family}:{number}",
        "kind": kind,
        "occurred_at": timezone.localtime().isoformat(),
        "data": payload,
    }


def envelope(remote: RemoteCenter, events: list[dict]) -> bytes:
    for ev in events:
        if isinstance(ev.get("data"), dict) and str(ev.get("stream")).startswith("case:"):
            ev["data"].setdefault("region_code", remote.region_code)
    return json.dumps(
        {
            "protocol": protocol.PROTOCOL,
            "sender": {"region_code": remote.region_code, "name": remote.name},
            "sent_at": timezone.localtime().isoformat(),
            "events": events,
        }
    ).encode()


def signed_post(
    client,
    remote: RemoteCenter,
    body: bytes,
    *,
    timestamp: int | None = None,
    secret: str | None = None,
    key_id: str | None = None,
):
    headers = protocol.signed_headers(
        key_id=key_id or remote.key_id,
        secret=secret or remote.secret,
        timestamp=int(time.time()) if timestamp is None else timestamp,
        body=body,
    )
    return client.post(
        "/api/exchange/inbound/",
        data=body,
        content_type="application/json",
        headers={k: v for k, v in headers.items() if k != "Content-Type"},
    )
