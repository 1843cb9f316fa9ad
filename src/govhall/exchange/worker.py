"""The push worker: drains each centre's outbox to its upstream platform (``govhall worker``).

One pass per centre: claim a batch of due rows (the heads of their streams), map them to the
upstream records, POST them as one signed JSON envelope, settle the rows from the receiver's
per-event answers. A row is marked sent only after the receiver's 2xx acknowledged it; a crash
anywhere leaves it pending and its lease expires, so the next pass sends it again (harmless:
the receiver is idempotent).
"""

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from django.utils import timezone

from govhall.core.models import OutboxEvent
from govhall.core.tallies import Tally
from govhall.exchange import protocol, selectors, services
from govhall.exchange.mapping import MappingError, family_of, to_upstream
from govhall.exchange.models import ExchangeSettings

logger = logging.getLogger(__name__)


@dataclass
class PassResult(Tally):
    claimed: int = 0
    acked: int = 0
    failed: int = 0
    dead: int = 0


def envelope_for(
    settings: ExchangeSettings, rows: list[OutboxEvent]
) -> tuple[bytes, list[OutboxEvent], dict[int, str]]:
    """The JSON body for `rows`, the rows it carries, and the rows that cannot be mapped."""
    center = settings.center
    events, carried, unmappable = [], [], {}
    for row in rows:
        try:
            family = family_of(row.stream, row.kind)
            data = to_upstream(family, row.payload, region_code=center.region_code)
        except MappingError as exc:
            unmappable[row.pk] = f"mapping: {exc}"
            continue
        carried.append(row)
        events.append(
            {
                "idempotency_key": str(row.idempotency_key),
                "sequence": row.pk,
                "stream": row.stream,
                "kind": row.kind,
                "occurred_at": timezone.localtime(row.created_at).isoformat(),
                "data": data,
            }
        )
    envelope = {
        "protocol": protocol.PROTOCOL,
        "sender": {"region_code": center.region_code, "name": center.name},
        "sent_at": timezone.localtime().isoformat(),
        "events": events,
    }
    body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()
    return body, carried, unmappable


def _answers(response: httpx.Response, rows: list[OutboxEvent]) -> services.Settlement:
    """Settle each row from the receiver's answer to the push that carried it."""
    settlement = services.Settlement()
    if not response.is_success:
        error = f"HTTP {response.status_code}: {response.text[:300]}"
        settlement.failed = {row.pk: error for row in rows}
        return settlement
    try:
        results = {r["idempotency_key"]: r for r in response.json()["results"]}
    except (ValueError, KeyError, TypeError) as exc:
        settlement.failed = {row.pk: f"bad answer: {exc!r}" for row in rows}
        return settlement
    for row in rows:
        answer = results.get(str(row.idempotency_key))
        status = answer.get("status") if isinstance(answer, dict) else None
        if status in protocol.ACKNOWLEDGED:
            settlement.acked.append(row.pk)
        elif status == protocol.REJECTED:
            settlement.rejected[row.pk] = f"rejected: {answer.get('message', '')}"
        else:
            settlement.failed[row.pk] = "no answer for this event"
    return settlement


class Pusher:
    """Pushes due outbox rows of one centre at a time through one HTTP client."""

    def __init__(
        self,
        *,
        client: httpx.Client,
        url: str | None = None,
        batch_size: int | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.url = url
        self.batch_size = batch_size
        self.clock = clock

    def push_batch(self, settings: ExchangeSettings) -> PassResult:
        rows = services.claim_batch(
            center_id=settings.center_id,
            limit=self.batch_size or settings.batch_size,
            lease_seconds=settings.lease_seconds,
        )
        if not rows:
            return PassResult()
        body, carried, unmappable = envelope_for(settings, rows)
        settlement = services.Settlement(rejected=unmappable)
        if carried:
            headers = protocol.signed_headers(
                key_id=settings.key_id,
                secret=settings.secret,
                timestamp=int(self.clock()),
                body=body,
            )
            try:
                response = self.client.post(
                    self.url or settings.upstream_url,
                    content=body,
                    headers=headers,
                    timeout=settings.timeout_seconds,
                )
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"
                settlement.failed = {row.pk: error for row in carried}
            else:
                answered = _answers(response, carried)
                settlement.acked = answered.acked
                settlement.failed = answered.failed
                settlement.rejected.update(answered.rejected)
        counts = services.settle_batch(settings=settings, rows=rows, settlement=settlement)
        return PassResult(claimed=len(rows), **counts)


def run_worker(
    *,
    once: bool = False,
    url: str | None = None,
    batch_size: int | None = None,
    region_codes: list[str] | None = None,
    idle_seconds: float = 1.0,
    stop: threading.Event | None = None,
    report: Callable[[PassResult], None] | None = None,
    transport: httpx.BaseTransport | None = None,
) -> PassResult:
    """Push until stopped (or, with `once`, until nothing is due). Returns the totals."""
    stop = stop or threading.Event()
    total = PassResult()
    with httpx.Client(headers={"User-Agent": "govhall-exchange/1"}, transport=transport) as client:
        pusher = Pusher(client=client, url=url, batch_size=batch_size)
        while not stop.is_set():
            sweep = PassResult()
            for settings in selectors.push_targets(region_codes=region_codes, url=url):
                while not stop.is_set():
                    result = pusher.push_batch(settings)
                    sweep.add(result)
                    if result.claimed == 0:
                        break
            total.add(sweep)
            if sweep.claimed and report:
                report(sweep)
            if sweep.claimed == 0:
                if once:
                    break
                stop.wait(idle_seconds)
    return total
