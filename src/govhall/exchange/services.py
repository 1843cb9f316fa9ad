"""Every write of the exchange: claiming and settling outbox rows, re-driving dead letters,
and receiving a push from a remote centre (province mode)."""

import datetime as dt
import json
import logging
import random
import re
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core.bulk import insert_rows
from govhall.core.models import OutboxEvent
from govhall.exchange import protocol, selectors
from govhall.exchange.errors import ExchangeError
from govhall.exchange.mapping import MappingError, family_of, from_upstream, read_value
from govhall.exchange.models import (
    ExchangeSettings,
    ReceivedEvent,
    RemoteCase,
    RemoteCenter,
    RemoteRating,
)
from govhall.org.scoping import scope_for

logger = logging.getLogger(__name__)
Status = OutboxEvent.Status


# --- sender -----------------------------------------------------------------------------------


def retry_delay(
    attempts: int, *, base: float, cap: float, rng: random.Random | None = None
) -> float:
    """Exponential backoff with jitter: half of min(cap, base·2^(n-1)) fixed, half random."""
    ceiling = min(cap, base * 2 ** max(0, attempts - 1))
    return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)


def _due_heads(center_id: int, now: dt.datetime) -> models.QuerySet[OutboxEvent]:
    """Pending rows that are due and first in their stream (no earlier row unacknowledged)."""
    earlier_unacked = OutboxEvent.objects.filter(
        center_id=OuterRef("center_id"), stream=OuterRef("stream"), id__lt=OuterRef("id")
    ).exclude(status=Status.SENT)
    return (
        OutboxEvent.objects.filter(center_id=center_id, status=Status.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .exclude(Exists(earlier_unacked))
        .order_by("id")
    )


def claim_batch(
    *, center_id: int, limit: int, lease_seconds: float, now: dt.datetime | None = None
) -> list[OutboxEvent]:
    """Reserve up to `limit` due rows for one push and count the attempt.

    The reservation is a lease: ``next_attempt_at`` moves past the push's time limit, so if the
    worker dies the rows fall due again and nothing is lost. On PostgreSQL concurrent workers
    skip each other's rows (``SKIP LOCKED``); SQLite serialises the claim instead.
    """
    now = now or timezone.now()
    with transaction.atomic():
        qs = _due_heads(center_id, now)
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        rows = list(qs[:limit])
        if rows:
            OutboxEvent.objects.filter(pk__in=[r.pk for r in rows]).update(
                attempts=F("attempts") + 1,
                next_attempt_at=now + dt.timedelta(seconds=lease_seconds),
            )
            for row in rows:
                row.attempts += 1
    return rows


@dataclass
class Settlement:
    """What became of the rows of one push."""

    acked: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)
    rejected: dict[int, str] = field(default_factory=dict)


def settle_batch(
    *,
    settings: ExchangeSettings,
    rows: Iterable[OutboxEvent],
    settlement: Settlement,
    now: dt.datetime | None = None,
    rng: random.Random | None = None,
) -> dict[str, int]:
    """Mark acknowledged rows sent; schedule a retry of failed ones, or give up (dead letter)
    after `max_attempts`; rejected rows go to the dead letters at once.

    Only rows still pending are touched: a row another worker already settled stays as it is.
    """
    now = now or timezone.now()
    by_id = {row.pk: row for row in rows}
    dead = dict(settlement.rejected)
    retry: list[OutboxEvent] = []
    for pk, error in settlement.failed.items():
        row = by_id[pk]
        if row.attempts >= settings.max_attempts:
            dead[pk] = error
            continue
        delay = retry_delay(
            row.attempts,
            base=settings.backoff_base_seconds,
            cap=settings.backoff_max_seconds,
            rng=rng,
        )
        row.next_attempt_at = now + dt.timedelta(seconds=delay)
        row.last_error = error[:2000]
        retry.append(row)
    with transaction.atomic():
        pending = OutboxEvent.objects.filter(status=Status.PENDING)
        if settlement.acked:
            pending.filter(pk__in=settlement.acked).update(
                status=Status.SENT, acked_at=now, next_attempt_at=None, last_error=""
            )
        for pk, error in dead.items():
            pending.filter(pk=pk).update(
                status=Status.DEAD, next_attempt_at=None, last_error=error[:2000]
            )
        if retry:
            still_pending = set(
                pending.filter(pk__in=[r.pk for r in retry]).values_list("pk", flat=True)
            )
            OutboxEvent.objects.bulk_update(
                [r for r in retry if r.pk in still_pending], ["next_attempt_at", "last_error"]
            )
    for pk, error in dead.items():
        logger.warning("outbox event %s is a dead letter: %s", pk, error)
    return {"acked": len(settlement.acked), "failed": len(retry), "dead": len(dead)}


def redrive_dead_letters(*, actor: Any, center_id: int, ids: Iterable[int] | None = None) -> int:
    """Put dead letters back in the queue with a fresh count of attempts; returns how many.

    ``ids=None`` re-drives every dead letter of the centre. The actor needs the redrive
    permission and to work in that centre; ``actor=None`` is the operator at the command line.
    """
    if actor is not None:
        scope = scope_for(actor)
        scope.require("exchange.redrive_outbox")
        if not scope.all_centers and scope.center_id != center_id:
            raise ExchangeError.OTHER_CENTER(_("只能重新推送本中心的死信。"))
    with transaction.atomic():
        qs = OutboxEvent.objects.filter(center_id=center_id, status=Status.DEAD)
        if ids is not None:
            wanted = set(ids)
            qs = qs.filter(pk__in=wanted)
            found = set(qs.values_list("pk", flat=True))
            if found != wanted:
                raise ExchangeError.NOT_A_DEAD_LETTER(
                    _("以下事件不是本中心的死信:%(ids)s")
                    % {"ids": ", ".join(str(i) for i in sorted(wanted - found))},
                    detail={"ids": sorted(wanted - found)},
                )
        count = qs.update(status=Status.PENDING, attempts=0, next_attempt_at=None)
    logger.info("re-drove %s dead letters of centre %s", count, center_id)
    return count


# --- receiver (province mode) -------------------------------------------------------------------


UNKNOWN_KEY_SECRET = secrets.token_hex(32)


def new_signing_secret() -> str:
    """A fresh random signing secret (256 bits)."""
    return secrets.token_urlsafe(32)


def reissue_remote_secret(*, remote: RemoteCenter) -> str:
    """Give a sending centre a new secret (the old one stops working now); the caller shows it
    once: it is stored encrypted and no page or API shows it again."""
    remote.secret = new_signing_secret()
    with transaction.atomic():
        remote.save(update_fields=["secret"])
    logger.info("new signing secret issued to remote centre %s", remote.pk)
    return remote.secret


def authenticate_push(
    *, key_id: str, timestamp: str, signature: str, body: bytes, now: dt.datetime | None = None
) -> RemoteCenter:
    """The registered centre that signed this push, or AuthenticationFailed."""
    if not (key_id and timestamp and signature):
        raise ExchangeError.SIGNATURE_MISSING(
            _("缺少签名信息。"),
            detail={
                "headers": [
                    protocol.HEADER_KEY_ID,
                    protocol.HEADER_TIMESTAMP,
                    protocol.HEADER_SIGNATURE,
                ]
            },
        )
    remote = (
        RemoteCenter.objects.filter(key_id=key_id, is_active=True).select_related("center").first()
    )
    # An unknown key id gets the same answer, after the same work, as a wrong signature: the
    # answer must not tell which key ids exist.
    secret = remote.secret if remote is not None else UNKNOWN_KEY_SECRET
    if not protocol.signature_matches(secret, timestamp, body, signature) or remote is None:
        raise ExchangeError.SIGNATURE_INVALID(_("签名不正确或密钥未登记。"))
    try:
        stamp = int(timestamp)
    except ValueError:
        stamp = None
    window = selectors.exchange_settings(center_id=remote.center_id).timestamp_window_seconds
    now = now or timezone.now()
    if stamp is None or abs(now.timestamp() - stamp) > window:
        raise ExchangeError.TIMESTAMP_OUT_OF_WINDOW(
            _("时间戳超出允许范围(±%(window)s秒)。") % {"window": window}
        )
    return remote


@dataclass(frozen=True)
class _Event:
    index: int
    key: uuid.UUID
    sequence: int
    stream: str
    kind: str
    occurred_at: dt.datetime
    family: str
    raw: dict[str, Any]
    values: dict[str, Any]


def _read_event(index: int, event: Any, region_code: str) -> _Event:
    if not isinstance(event, dict):
        raise MappingError({"event": _("应为对象。")})
    errors: dict[str, str] = {}
    try:
        key = uuid.UUID(str(event.get("idempotency_key")))
    except ValueError:
        errors["idempotency_key"] = _("应为 UUID。")
    sequence = event.get("sequence")
    if (
        isinstance(sequence, bool)
        or not isinstance(sequence, int)
        or not 0 <= sequence <= protocol.MAX_SEQUENCE
    ):
        errors["sequence"] = _("应为0至%(max)s的整数。") % {"max": protocol.MAX_SEQUENCE}
    stream, kind = event.get("stream"), event.get("kind")
    if not isinstance(stream, str) or not 0 < len(stream) <= 100:
        errors["stream"] = _("应为不超过100字符的文本。")
    if not isinstance(kind, str) or not 0 < len(kind) <= 64:
        errors["kind"] = _("应为不超过64字符的文本。")
    if _unstorable_text(event):
        errors["event"] = _("含有空字符(NUL)或无效的 Unicode 字符。")
    try:
        occurred = read_value("datetime", event.get("occurred_at"))
    except ValueError as exc:
        errors["occurred_at"] = str(exc)
    if errors:
        raise MappingError(errors)
    family = family_of(stream, kind)
    values = from_upstream(family, event.get("data"))
    object_id = values["case_number" if family == "case" else "rating_id"]
    if stream != f"{family}:{object_id}":
        raise MappingError({"stream": _("对象与数据中的编号不一致。")})
    if family == "case":
        _check_region(region_code, values)
    return _Event(index, key, sequence, stream, kind, occurred, family, event["data"], values)


def _unstorable_text(value: Any) -> bool:
    """Whether any key or text in the JSON value holds NUL or a lone surrogate (neither can be
    stored in PostgreSQL text or jsonb)."""
    if isinstance(value, str):
        return "\x00" in value or not _encodes(value)
    if isinstance(value, dict):
        return any(_unstorable_text(k) or _unstorable_text(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_unstorable_text(v) for v in value)
    return False


def _encodes(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


# A case number as govhall makes it: <region code><yyyymmdd><sequence of 6 digits>.
GOVHALL_CASE_NUMBER = re.compile(r"(\d{6})\d{8}\d{6}")


def within_region(code: str, region_code: str) -> bool:
    """Whether `code` is `region_code` or one of its subdivisions (411702 is within 411700,
    both within 410000)."""
    prefix = region_code
    while prefix.endswith("00"):
        prefix = prefix[:-2]
    return code.startswith(prefix)


def _check_region(region_code: str, values: dict[str, Any]) -> None:
    """A centre pushes only the cases of its own region: their region code and, for a number in
    govhall's shape, the region it was numbered in."""
    errors = {}
    if not within_region(values["region_code"], region_code):
        errors["region_code"] = _("不属于推送方的行政区划 %(code)s。") % {"code": region_code}
    numbered = GOVHALL_CASE_NUMBER.fullmatch(values["case_number"])
    if numbered and not within_region(numbered.group(1), region_code):
        errors["case_number"] = _("办件编号属于其他行政区划 %(code)s。") % {
            "code": numbered.group(1)
        }
    if errors:
        raise MappingError(errors)


def _case_row(remote: RemoteCenter, ev: _Event) -> dict[str, Any]:
    v = ev.values
    text = (
        "item_code",
        "item_name",
        "department_code",
        "department_name",
        "region_code",
        "applicant_type",
        "channel",
        "state",
        "result",
    )
    return {
        "center": remote.center_id,
        "remote": remote.pk,
        "case_number": v["case_number"],
        **{name: v[name] or "" for name in text},
        **{name: v[name] for name in ("accepted_at", "due_date", "completed_at", "delivered_at")},
        "last_event": ev.kind,
        "last_event_at": v["event_at"] or ev.occurred_at,
        "last_sequence": ev.sequence,
    }


def _rating_row(remote: RemoteCenter, ev: _Event) -> dict[str, Any]:
    v = ev.values
    text = (
        "channel",
        "department_code",
        "department_name",
        "window_number",
        "staff_number",
        "case_number",
        "ticket_number",
    )
    return {
        "center": remote.center_id,
        "remote": remote.pk,
        "rating_id": v["rating_id"],
        "level": v["level"],
        **{name: v[name] or "" for name in text},
        "rated_at": v["rated_at"],
        "is_bad": v["level"] <= 2 if v["is_bad"] is None else v["is_bad"],
        "excluded": bool(v["excluded"]),
        "last_event": ev.kind,
        "last_event_at": ev.occurred_at,
        "last_sequence": ev.sequence,
    }


def _latest(rows: Iterable[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    latest: dict[str, dict[str, Any]] = {}
    for row in rows:
        known = latest.get(row[key])
        if known is None or known["last_sequence"] < row["last_sequence"]:
            latest[row[key]] = row
    # In key order, so two pushes touching the same rows lock them in the same order.
    return [latest[key] for key in sorted(latest)]


def receive_push(
    *, remote: RemoteCenter, body: bytes, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Store a push from an authenticated centre; answer every event.

    Each event is ``stored`` (new), ``duplicate`` (its idempotency key was already received:
    nothing changes) or ``rejected`` (it does not fit the tables: nothing stored, with the
    reason). The cases and ratings keep the state of their newest event (by sequence).
    """
    now = now or timezone.now()
    try:
        envelope = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ExchangeError.BAD_JSON(_("请求体不是有效的 JSON。")) from exc
    if not isinstance(envelope, dict) or not isinstance(envelope.get("events"), list):
        raise ExchangeError.BAD_ENVELOPE(_("请求体应为含 events 列表的对象。"))
    if envelope.get("protocol") != protocol.PROTOCOL:
        raise ExchangeError.BAD_PROTOCOL(
            _("不支持的协议版本。"), detail={"expected": protocol.PROTOCOL}
        )
    sender = envelope.get("sender")
    if not isinstance(sender, dict) or sender.get("region_code") != remote.region_code:
        raise ExchangeError.CENTER_MISMATCH(_("推送方与密钥登记的中心不一致。"))
    raw_events = envelope["events"]
    if len(raw_events) > protocol.MAX_EVENTS_PER_BATCH:
        raise ExchangeError.BATCH_TOO_LARGE(
            _("每批最多 %(n)s 条事件。") % {"n": protocol.MAX_EVENTS_PER_BATCH},
        )
    results: list[dict[str, Any]] = []
    events: list[_Event] = []
    for index, raw in enumerate(raw_events):
        key = raw.get("idempotency_key") if isinstance(raw, dict) else None
        try:
            events.append(_read_event(index, raw, remote.region_code))
            results.append({"idempotency_key": str(key), "status": protocol.STORED})
        except MappingError as exc:
            results.append(
                {
                    "idempotency_key": str(key),
                    "status": protocol.REJECTED,
                    "code": "invalid_event",
                    "message": str(exc),
                    "detail": exc.errors,
                }
            )
    with transaction.atomic():
        unique: dict[uuid.UUID, _Event] = {}
        for ev in events:
            unique.setdefault(ev.key, ev)
        inserted = set(
            insert_rows(
                ReceivedEvent,
                [
                    {
                        "center": remote.center_id,
                        "remote": remote.pk,
                        "idempotency_key": ev.key,
                        "sequence": ev.sequence,
                        "stream": ev.stream,
                        "kind": ev.kind,
                        "occurred_at": ev.occurred_at,
                        "data": ev.raw,
                        "received_at": now,
                    }
                    for ev in unique.values()
                ],
                conflict=("remote", "idempotency_key"),
                returning="idempotency_key",
            )
        )
        fresh = [ev for ev in unique.values() if ev.key in inserted]
        for ev in events:
            if unique[ev.key] is not ev or ev.key not in inserted:
                results[ev.index]["status"] = protocol.DUPLICATE
        insert_rows(
            RemoteCase,
            _latest((_case_row(remote, e) for e in fresh if e.family == "case"), "case_number"),
            conflict=("remote", "case_number"),
            update_if_newer="last_sequence",
        )
        insert_rows(
            RemoteRating,
            _latest((_rating_row(remote, e) for e in fresh if e.family == "rating"), "rating_id"),
            conflict=("remote", "rating_id"),
            update_if_newer="last_sequence",
        )
    counts = {status: 0 for status in (protocol.STORED, protocol.DUPLICATE, protocol.REJECTED)}
    for result in results:
        counts[result["status"]] += 1
    return {
        "stored": counts[protocol.STORED],
        "duplicates": counts[protocol.DUPLICATE],
        "rejected": counts[protocol.REJECTED],
        "results": results,
    }
