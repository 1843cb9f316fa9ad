"""A loopback HTTP proxy in front of govhall's receiver that misbehaves on a script, and the
checks every fault test ends with."""

import socket
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from govhall.core.models import OutboxEvent
from govhall.exchange.models import ReceivedEvent, RemoteCase

INBOUND = "/api/exchange/inbound/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FaultProxy:
    """Forwards pushes to `target`; each request takes the next action of `plan` (then forwards).

    Actions: ``error500`` answers 500 without forwarding; ``ack_lost_500`` forwards (the receiver
    stores) and answers 500; ``hang`` forwards and answers only after `hang_seconds` (the sender
    has timed out: the acknowledgement is lost); ``slow`` waits `slow_seconds` then forwards;
    ``late`` forwards and answers after `slow_seconds`; ``drop`` closes the connection without
    an answer. ``start``/``stop`` make it come and go.
    """

    def __init__(self, target: str, *, slow_seconds: float = 0.3, hang_seconds: float = 1.6):
        self.target = target.rstrip("/")
        self.port = free_port()
        self.plan: deque[str] = deque()
        self.slow_seconds = slow_seconds
        self.hang_seconds = hang_seconds
        self.requests = 0
        self.events_forwarded = 0
        self.busy = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{INBOUND}"

    def _next(self) -> str:
        with self._lock:
            self.requests += 1
            return self.plan.popleft() if self.plan else "forward"

    def start(self) -> None:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                proxy.busy.set()
                try:
                    self._handle()
                finally:
                    proxy.busy.clear()

            def _handle(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                action = proxy._next()
                if action == "drop":
                    self.close_connection = True
                    return
                if action == "error500":
                    return self._answer(500, b'{"code":"error","message":"injected"}')
                if action == "slow":
                    time.sleep(proxy.slow_seconds)
                headers = {k: v for k, v in self.headers.items() if k.lower().startswith("x-")}
                headers["Content-Type"] = "application/json"
                upstream = httpx.post(
                    proxy.target + INBOUND, content=body, headers=headers, timeout=30
                )
                proxy.events_forwarded += body.count(b'"idempotency_key"')
                if action == "ack_lost_500":
                    return self._answer(500, b'{"code":"error","message":"injected"}')
                if action in ("hang", "late"):
                    time.sleep(proxy.hang_seconds if action == "hang" else proxy.slow_seconds)
                self._answer(upstream.status_code, upstream.content)

            def _answer(self, status: int, content: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(content)))
                    self.end_headers()
                    self.wfile.write(content)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender gave up waiting

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def assert_delivered_exactly_once_in_order() -> None:
    """Every outbox event acknowledged, each received once, each stream received in order,
    and every remote case at the state of its stream's last event."""
    assert not OutboxEvent.objects.exclude(status=OutboxEvent.Status.SENT).exists()
    keys = list(OutboxEvent.objects.values_list("idempotency_key", flat=True))
    received = list(ReceivedEvent.objects.values_list("idempotency_key", flat=True))
    assert sorted(received) == sorted(keys)  # none missing, none twice
    streams: dict[str, list[int]] = {}
    for stream, seq in ReceivedEvent.objects.order_by("id").values_list("stream", "sequence"):
        streams.setdefault(stream, []).append(seq)
    for stream, sequences in streams.items():
        assert sequences == sorted(sequences), stream
    for case in RemoteCase.objects.all():
        last = OutboxEvent.objects.filter(stream=f"case:{case.case_number}").latest("id")
        assert (case.last_sequence, case.state) == (last.pk, last.payload["state"])
