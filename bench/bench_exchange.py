"""Upstream exchange: drain 100,000 outbox events to a govhall receiver on loopback.

A city centre's outbox (25,000 cases × 3 events and 25,000 ratings, as the cases and feedback
services write them) is pushed by the worker (``govhall worker --once``, signed batches of
500) to the province receiver served by gunicorn on the same PostgreSQL database. Then
checked: every event acknowledged, each received exactly once, every case at its last state.
"""

import os
import resource
import subprocess
import sys
import time
from typing import Any

from bench.common import (
    ROOT,
    bench_env,
    figure,
    gunicorn,
    pg_url,
    recreate_pg_database,
    setup_django,
)

EVENTS_GOAL = 2000.0  # events per second
CASES = 25_000
CASE_STEPS = ("accepted", "in_review", "completed")
RATINGS = 25_000
BATCH = 500
WORKERS = 2  # worker processes; they share the outbox through SELECT … FOR UPDATE SKIP LOCKED


def _payloads(region_code: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(stream, kind, payload) in the order a day's work writes them."""
    from django.utils import timezone

    now = timezone.localtime().replace(microsecond=0)
    stamp = now.isoformat()
    due = (now.date()).isoformat()
    rows = []
    for step in CASE_STEPS:
        done = step == "completed"
        for n in range(CASES):
            number = f"411700-{n:08d}"
            rows.append(
                (
                    f"case:{number}",
                    f"case.{step}",
                    {
                        "case_number": number,
                        "item_code": f"11410000MB{n % 500:010d}",
                        "item_name": "种畜禽生产经营许可",
                        "department_code": f"D{n % 33:02d}",
                        "department_name": "农业农村局",
                        "region_code": region_code,
                        "applicant_type": "company" if n % 3 else "person",
                        "channel": "window",
                        "accepted_at": stamp,
                        "due_date": due,
                        "completed_at": stamp if done else None,
                        "delivered_at": None,
                        "state": step,
                        "result": "approved" if done else "",
                        "event": step,
                        "event_at": stamp,
                    },
                )
            )
    for n in range(RATINGS):
        level = 5 - n % 5
        rows.append(
            (
                f"rating:{n}",
                "rating.created",
                {
                    "rating_id": str(n),
                    "level": level,
                    "channel": "pad",
                    "department_code": f"D{n % 33:02d}",
                    "department_name": "农业农村局",
                    "window_number": str(n % 40 + 1),
                    "staff_number": f"S{n % 200:05d}",
                    "case_number": "",
                    "ticket_number": f"A{n % 999:03d}",
                    "rated_at": stamp,
                    "is_bad": level <= 2,
                    "excluded": False,
                },
            )
        )
    return rows


def _prepare() -> tuple[int, int]:
    """The sender centre with its outbox, and the province that registered it."""
    from govhall.core.models import Center, OutboxEvent
    from govhall.exchange.models import ExchangeSettings, RemoteCenter

    city = Center.objects.create(
        name="驻马店市民中心", level=Center.Level.CITY, region_code="411700"
    )
    province = Center.objects.create(
        name="河南省政务服务中心", level=Center.Level.PROVINCE, region_code="410000"
    )
    RemoteCenter.objects.create(
        center=province,
        name=city.name,
        region_code=city.region_code,
        key_id="bench-411700",
        secret="bench-secret-0123456789abcdef",
    )
    ExchangeSettings.objects.create(
        center=city,
        key_id="bench-411700",
        secret="bench-secret-0123456789abcdef",
        upstream_url="http://127.0.0.1:1/",
        batch_size=BATCH,
        timeout_seconds=60,
    )
    rows = [
        OutboxEvent(center=city, stream=stream, kind=kind, payload=payload)
        for stream, kind, payload in _payloads(city.region_code)
    ]
    OutboxEvent.objects.bulk_create(rows, batch_size=5000)
    return city.pk, len(rows)


def _check(city_id: int, total: int) -> dict[str, int]:
    from django.db.models import Count

    from govhall.core.models import OutboxEvent
    from govhall.exchange.models import ReceivedEvent, RemoteCase, RemoteRating

    unacked = OutboxEvent.objects.filter(center_id=city_id).exclude(status="sent").count()
    received = ReceivedEvent.objects.count()
    distinct = ReceivedEvent.objects.values("idempotency_key").distinct().count()
    missing = OutboxEvent.objects.exclude(
        idempotency_key__in=ReceivedEvent.objects.values("idempotency_key")
    ).count()
    cases = dict(RemoteCase.objects.values_list("state").annotate(n=Count("id")))
    return {
        "total": total,
        "unacked": unacked,
        "received": received,
        "duplicates": received - distinct,
        "missing": missing,
        "cases_completed": cases.get("completed", 0),
        "ratings": RemoteRating.objects.count(),
    }


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run() -> list[dict[str, Any]]:
    url = pg_url("exchange")
    recreate_pg_database(url)
    setup_django(url)
    city_id, total = _prepare()
    cpu_before = _children_cpu()
    with gunicorn(url, workers=2) as base:
        env = bench_env(url)
        command = [
            sys.executable,
            "-m",
            "govhall",
            "worker",
            "--once",
            "-v0",
            "--url",
            f"{base}/api/exchange/inbound/",
        ]
        started = time.perf_counter()
        workers = [
            subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
            for _ in range(WORKERS)
        ]
        codes = [w.wait(timeout=600) for w in workers]
        seconds = time.perf_counter() - started
    cpu = _children_cpu() - cpu_before
    check = _check(city_id, total)
    rate = total / seconds
    lossless = (
        check["unacked"] == 0
        and check["missing"] == 0
        and check["duplicates"] == 0
        and check["received"] == total
        and check["cases_completed"] == CASES
        and check["ratings"] == RATINGS
        and codes == [0] * WORKERS
    )
    load = os.getloadavg()[0]
    notes = (
        f"load average {load:.1f} on {os.cpu_count()} CPUs at the end; "
        f"{total} events in {seconds:.1f} s ({WORKERS} worker processes, batches of {BATCH}, "
        f"gunicorn 2 workers, PostgreSQL); received {check['received']}, missing "
        f"{check['missing']}, duplicates {check['duplicates']}, unacknowledged {check['unacked']}; "
        f"worker and receiver processes used {cpu:.0f} CPU-s ({cpu / total * 1000:.2f} ms per "
        f"event, PostgreSQL not counted)"
    )
    return [
        figure(
            "exchange: drain 100,000 outbox events to the receiver on loopback",
            rate,
            "events/s",
            goal=f"≥ {EVENTS_GOAL:.0f}",
            ok=rate >= EVENTS_GOAL and lossless,
            notes=notes,
        ),
        figure(
            "exchange: events lost or duplicated after the drain",
            check["missing"] + check["duplicates"] + check["unacked"],
            "events",
            goal="0",
            ok=lossless,
            notes=notes,
        ),
    ]
