"""Helpers every benchmark shares: databases, Django, a gunicorn server, a load generator.

A benchmark module runs in its own process (``bench.__main__``), so it may call
`setup_django` once with the database it measures.
"""

import asyncio
import contextlib
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench import ROOT, SRC

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/govhall_bench"
# The answers a load run counts as served; any other status (0: no answer) is an error.
OK_STATUSES = frozenset({200, 201})
BENCH_SETTINGS = "bench.settings"


def pg_url(suffix: str = "") -> str:
    """The benchmark PostgreSQL database (``GOVHALL_BENCH_DATABASE_URL``), optionally suffixed."""
    url = os.environ.get("GOVHALL_BENCH_DATABASE_URL", DEFAULT_PG_URL)
    if not suffix:
        return url
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"{parts.path}_{suffix}"))


def _admin_connection(url: str) -> Any:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    return psycopg.connect(admin, autocommit=True), parts.path.lstrip("/")


def recreate_pg_database(url: str) -> None:
    """Drop (terminating its sessions) and create the database named by `url`."""
    conn, name = _admin_connection(url)
    with conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_pg_database(url: str) -> None:
    conn, name = _admin_connection(url)
    with conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def bench_env(database_url: str, **extra: str) -> dict[str, str]:
    """Environment for a process (Django or gunicorn) that serves `database_url`."""
    var_dir = Path(tempfile.gettempdir()) / "govhall-bench-var"
    var_dir.mkdir(exist_ok=True)
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": BENCH_SETTINGS,
        "GOVHALL_DATABASE_URL": database_url,
        "GOVHALL_DEBUG": "0",
        "GOVHALL_SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
        "GOVHALL_SECURE_COOKIES": "0",
        "GOVHALL_VAR_DIR": str(var_dir),
        "GOVHALL_AXES_ENABLED": "0",
        "GOVHALL_SIMULATION": "1",
        **extra,
    }


def setup_django(database_url: str, *, migrate: bool = True) -> None:
    """Configure Django in this process for `database_url` (bench settings) and migrate."""
    os.environ.update(bench_env(database_url))
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)


def app_installed_with(app_label: str, module: str) -> bool:
    """True when ``govhall.<app_label>.<module>`` exists (the app has landed on this branch)."""
    import importlib.util

    return importlib.util.find_spec(f"govhall.{app_label}.{module}") is not None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(database_url: str, *, workers: int | None = None) -> Iterator[str]:
    """Serve govhall (bench settings) with gunicorn on a free loopback port; yield its base URL.

    Uses ``deploy/gunicorn.conf.py`` (the production configuration) with the bind address and
    optionally the number of workers overridden.
    """
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        str(ROOT / "deploy" / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--error-logfile",
        "-",
        "--log-level",
        "warning",
        "govhall.wsgi:application",
    ]
    if workers:
        cmd[5:5] = ["--workers", str(workers)]
    # The load generator stands for the hall's own kiosks and terminals: its loopback address is
    # the kiosk network, which the per-address issuing limit leaves alone (else every issue past
    # the tenth of the hour is a 429 and the run measures the limiter).
    env = bench_env(
        database_url,
        GOVHALL_ALLOWED_HOSTS="127.0.0.1,localhost",
        GOVHALL_KIOSK_NETWORKS="127.0.0.0/8",
    )
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
        try:
            _wait_until_up(port, proc, log)
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_until_up(port: int, proc: subprocess.Popen, log: Any) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"gunicorn exited: {log.read().decode()[-2000:]}")
        try:
            status, _body = asyncio.run(_one_request(port, "GET", "/healthz", {}, b""))
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz within 30 s")


# --- load generator ---------------------------------------------------------------------------
# A raw asyncio HTTP/1.1 client: gunicorn's sync workers close every connection, so each request
# is connect + write + read-to-EOF. Far lighter than a full HTTP client, which matters on a
# 2-core machine where the generator shares the CPU with the server it measures.


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    tag: str = ""  # latencies are also kept per tag (e.g. "call-next" beside "finish")


async def _one_request(
    port: int, method: str, path: str, headers: dict[str, str], body: bytes
) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    if body or method in {"POST", "PUT", "PATCH"}:
        head.append(f"Content-Length: {len(body)}")
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
    await writer.drain()
    data = await reader.read()
    writer.close()
    status = int(data[9:12]) if data[:5] == b"HTTP/" else 0
    sep = data.find(b"\r\n\r\n")
    return status, data[sep + 4 :] if sep >= 0 else b""


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    statuses: dict[int, int]
    by_tag: dict[str, list[float]] = field(default_factory=dict)

    def tagged(self, tag: str) -> "LoadResult":
        """The figures of the requests with `tag` only (errors are not split by tag)."""
        lat = self.by_tag.get(tag, [])
        return LoadResult(len(lat), 0, self.seconds, lat, {})

    @property
    def throughput(self) -> float:
        return (self.requests - self.errors) / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        if len(self.latencies_ms) == 1:
            return self.latencies_ms[0]
        return statistics.quantiles(self.latencies_ms, n=1000, method="inclusive")[
            max(0, min(998, round(q * 1000) - 1))
        ]

    @property
    def p50(self) -> float:
        return self.percentile(0.50)

    @property
    def p99(self) -> float:
        return self.percentile(0.99)


def run_load(
    base_url: str,
    make_request: Callable[[int, int], Request],
    *,
    clients: int = 64,
    duration: float = 10.0,
    warmup: float = 1.0,
    rate: float | None = None,
    ok_statuses: frozenset[int] = OK_STATUSES,
) -> LoadResult:
    """`clients` concurrent clients send requests for `duration` seconds after a warm-up.

    ``make_request(client_index, sequence)`` builds each request. With ``rate`` (requests per
    second over all clients) each client paces itself (open loop, latency at that load);
    without it every client sends its next request as soon as the last one answered (closed
    loop, the server's maximum throughput). Only requests issued after the warm-up count.
    """
    port = urlsplit(base_url).port
    assert port is not None
    return asyncio.run(_run_load(port, make_request, clients, duration, warmup, rate, ok_statuses))


async def _run_load(
    port: int,
    make_request: Callable[[int, int], Request],
    clients: int,
    duration: float,
    warmup: float,
    rate: float | None,
    ok_statuses: frozenset[int],
) -> LoadResult:
    loop = asyncio.get_running_loop()
    start = loop.time()
    measure_from = start + warmup
    stop = measure_from + duration
    latencies: list[float] = []
    by_tag: dict[str, list[float]] = {}
    statuses: dict[int, int] = {}
    counted = [0, 0]  # requests, errors
    interval = clients / rate if rate else 0.0

    async def client(index: int) -> None:
        seq = 0
        next_at = start + (interval * index / clients if interval else 0.0)
        while True:
            now = loop.time()
            if interval:
                if next_at > now:
                    await asyncio.sleep(next_at - now)
                next_at += interval
            sent = loop.time()
            if sent >= stop:
                return
            req = make_request(index, seq)
            seq += 1
            try:
                status, _body = await _one_request(
                    port, req.method, req.path, req.headers, req.body
                )
            except OSError:
                status = 0
            done = loop.time()
            if sent < measure_from:
                continue
            counted[0] += 1
            statuses[status] = statuses.get(status, 0) + 1
            if status in ok_statuses:
                latencies.append((done - sent) * 1000)
                by_tag.setdefault(req.tag, []).append((done - sent) * 1000)
            else:
                counted[1] += 1

    await asyncio.gather(*(client(i) for i in range(clients)))
    return LoadResult(counted[0], counted[1], duration, latencies, statuses, by_tag)


# --- figures and results ----------------------------------------------------------------------


def figure(
    name: str,
    value: float | int | None,
    unit: str,
    *,
    goal: str,
    ok: bool,
    notes: str = "",
    reference: float | int | None = None,
    ratio: float | None = None,
) -> dict[str, Any]:
    if isinstance(value, float):
        value = round(value, 3)
    if isinstance(reference, float):
        reference = round(reference, 3)
    return {
        "name": name,
        "value": value,
        "unit": unit,
        "goal": goal,
        "reference": reference,
        "ratio": None if ratio is None else round(ratio, 3),
        "ok": ok,
        "notes": notes,
    }


@contextlib.contextmanager
def timer() -> Iterator[Callable[[], float]]:
    """``with timer() as elapsed: ...; elapsed()`` → seconds (frozen when the block ends)."""
    started = time.perf_counter()
    ended: list[float] = []
    yield lambda: (ended[0] if ended else time.perf_counter()) - started
    ended.append(time.perf_counter())


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _git(*args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def _pg_version() -> str:
    try:
        conn, _name = _admin_connection(pg_url())
        with conn:
            return conn.execute("SHOW server_version").fetchone()[0]
    except Exception as exc:  # the report says why instead of failing the run
        return f"unavailable ({type(exc).__name__})"


def machine_info() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in _read("/proc/cpuinfo").splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = next(
        (
            int(line.split()[1])
            for line in _read("/proc/meminfo").splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    import sqlite3

    import django

    return {
        "hostname": platform.node(),
        "os": platform.platform(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "django": django.get_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": _pg_version(),
        "git_commit": _git("rev-parse", "HEAD"),
        "git_branch": _git("rev-parse", "--abbrev-ref", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
    }


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".")
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def render_markdown(result: dict[str, Any]) -> str:
    m = result["machine"]
    lines = [
        "# govhall benchmarks",
        "",
        f"- date: {result['date']}",
        f"- commit: {m['git_commit'][:12]} ({m['git_branch']}"
        + (", uncommitted changes)" if m["git_dirty"] else ")"),
        f"- machine: {m['cpu']}, {m['cpus']} CPUs, {m['memory_gb']} GB; {m['os']}",
        f"- Python {m['python']}, Django {m['django']}, SQLite {m['sqlite']}, "
        f"PostgreSQL {m['postgresql']}",
        f"- whole run: {result['duration_s']} s "
        + "("
        + ", ".join(f"{k} {v} s" for k, v in result["module_durations_s"].items())
        + ")",
        "",
        "| | figure | value | unit | goal | reference | ratio | notes |",
        "|---|---|---:|---|---|---:|---:|---|",
    ]
    for f in result["figures"]:
        lines.append(
            "| "
            + " | ".join(
                [
                    "✅" if f["ok"] else "❌",
                    _cell(f["name"]),
                    _cell(f["value"]),
                    _cell(f["unit"]),
                    _cell(f["goal"]),
                    _cell(f["reference"]),
                    _cell(f["ratio"]),
                    _cell(f["notes"]),
                ]
            )
            + " |"
        )
    return "\n".join(lines) + "\n"
