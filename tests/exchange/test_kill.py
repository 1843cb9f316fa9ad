"""The worker killed mid-batch (SIGKILL while the receiver has stored a push whose answer has
not come back): the rows it claimed stay pending, a second worker sends them again once the
lease runs out, and the receiver, idempotent, ends with every event exactly once.

Worker and receiver are separate processes (``python -m govhall worker`` and gunicorn serving
govhall) sharing the database: the PostgreSQL test database, or on SQLite a file copied from the
in-memory test database and copied back to check the result.
"""

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from django.conf import settings
from django.db import connection

from govhall.core.models import OutboxEvent
from tests.exchange.factories import emit_traffic
from tests.exchange.faults import FaultProxy, assert_delivered_exactly_once_in_order, free_port

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def shared_database(tmp_path: Path) -> Iterator[str]:
    """A database URL other processes can open, holding what the test created so far; on
    leaving, the test's own connection sees what they wrote."""
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        auth = quote(s["USER"] or "") + (f":{quote(s['PASSWORD'])}" if s["PASSWORD"] else "")
        yield f"postgresql://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"
        return
    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as target:
        connection.connection.backup(target)
    yield f"sqlite:///{path}"
    with sqlite3.connect(path) as source:
        source.backup(connection.connection)


def govhall_env(db_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        "GOVHALL_DATABASE_URL": db_url,
        "GOVHALL_VAR_DIR": str(tmp_path),
        "GOVHALL_SECRET_KEY": "kill-test",
        # The rows this process wrote (the remote's encrypted secret) must read the same there.
        "GOVHALL_FIELD_KEY": ",".join(settings.FIELD_ENCRYPTION_KEYS),
        "GOVHALL_HASH_KEY": settings.FIELD_HASH_KEY,
        "GOVHALL_ALLOWED_HOSTS": "127.0.0.1",
    }


@contextlib.contextmanager
def receiver_process(env: dict[str, str]) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "govhall.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "1",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            assert proc.poll() is None and time.monotonic() < deadline, "receiver did not start"
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def start_worker(env: dict[str, str], url: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "govhall", "worker", "--url", url, "--idle-seconds", "0.1", "-v0"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def unacked(db_url: str) -> int:
    if db_url.startswith("sqlite:///"):
        with sqlite3.connect(db_url.removeprefix("sqlite:///")) as db:
            return db.execute(
                "SELECT COUNT(*) FROM core_outboxevent WHERE status <> 'sent'"
            ).fetchone()[0]
    return OutboxEvent.objects.exclude(status=OutboxEvent.Status.SENT).count()


def test_a_worker_killed_mid_batch_loses_nothing(center, remote, push_settings, tmp_path):
    push_settings.batch_size = 15
    push_settings.timeout_seconds = 1.0
    push_settings.save()
    emit_traffic(center, cases=30, ratings=15)
    total = OutboxEvent.objects.count()
    with shared_database(tmp_path) as db_url:
        env = govhall_env(db_url, tmp_path)
        with receiver_process(env) as receiver_url:
            proxy = FaultProxy(receiver_url, slow_seconds=0.5)
            proxy.plan.extend(["late"] * 4)
            proxy.start()
            try:
                worker = start_worker(env, proxy.url)
                # Kill it while the receiver has stored the third push and is holding the answer.
                wait_for(lambda: proxy.requests >= 3 and proxy.busy.is_set(), 30, "no third push")
                time.sleep(0.1)
                worker.send_signal(signal.SIGKILL)
                worker.wait(10)
                left = unacked(db_url)
                assert 0 < left < total
                # A new worker sends the leased rows again once the lease runs out; SIGTERM
                # then stops it cleanly between batches.
                second = start_worker(env, proxy.url)
                wait_for(lambda: unacked(db_url) == 0, 40, "the outbox did not drain")
                second.send_signal(signal.SIGTERM)
                assert second.wait(15) == 0
            finally:
                proxy.stop()
    assert proxy.events_forwarded > total  # the killed batch reached the receiver twice
    assert_delivered_exactly_once_in_order()
