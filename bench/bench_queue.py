"""The hall's queue under load: issue-ticket and call-next against gunicorn on PostgreSQL.

Measured in one run beside a bare Django JSON view (``bench/urls.py``) on the same server:
64 concurrent clients, closed loop (each sends its next request when the last one answered)
for the throughput, and paced at a fixed rate for the latency a hall's terminals see.
Plus the predicted-wait error on a simulated day (`govhall.simulation`).
"""

from typing import Any

from bench.common import (
    Request,
    figure,
    gunicorn,
    pg_url,
    recreate_pg_database,
    run_load,
    setup_django,
)

CLIENTS = 64
DURATION = 8.0
P99_GOAL_MS = 50.0
THROUGHPUT_GOAL = 0.5


def _bare_request(client: int, seq: int) -> Request:
    return Request("GET", "/bench/bare/")


def run() -> list[dict[str, Any]]:
    url = pg_url("queue")
    recreate_pg_database(url)
    setup_django(url)
    figures: list[dict[str, Any]] = []
    with gunicorn(url) as base:
        bare = run_load(base, _bare_request, clients=CLIENTS, duration=DURATION)
        figures.append(
            figure(
                "bare Django JSON view: throughput (64 clients, closed loop)",
                bare.throughput,
                "req/s",
                goal="reference",
                ok=bare.errors == 0,
                notes=f"p50 {bare.p50:.1f} ms, p99 {bare.p99:.1f} ms, errors {bare.errors}",
            )
        )
    return figures
