"""`govhall serve`: a county's production server on SQLite (issue 17, 3). Debug off whatever the
environment says, a real WSGI server (gunicorn), static files served; and no error page, not
even the debug one, shows settings or the database URL with its password."""

import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from django.test import RequestFactory, override_settings
from django.views.debug import technical_500_response

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVHALL_", "DJANGO_"))}
    env.update(
        PYTHONPATH=str(ROOT / "src"),
        GOVHALL_VAR_DIR=str(tmp_path),
        GOVHALL_DEBUG="1",  # `serve` must switch it off
        GOVHALL_SECURE_COOKIES="0",
        GOVHALL_WEB_WORKERS="1",
    )
    cmd = [sys.executable, "-m", "govhall"]
    subprocess.run([*cmd, "collectstatic", "--noinput", "-v", "0"], env=env, check=True)
    port = _free_port()
    server = subprocess.Popen(
        [*cmd, "serve", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(base + "/static/core/govhall.css", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_serve_runs_gunicorn_without_debug_and_serves_static_files(served):
    static = httpx.get(served + "/static/core/govhall.js", timeout=5)
    assert static.status_code == 200
    assert "data-autosubmit" in static.text
    missing = httpx.get(served + "/no-such-page/", timeout=5)
    assert missing.status_code == 404
    assert "URLconf" not in missing.text  # the debug 404 page lists the URL patterns
    assert "gunicorn" in missing.headers.get("server", "")


@override_settings(DEBUG=True)
def test_the_debug_page_shows_no_settings_nor_the_database_password(monkeypatch):
    password = secrets.token_hex(12)  # made here, so the page's source excerpts cannot hold it
    database_url = f"postgresql://govhall:{password}@db.example.internal:5432/govhall"
    monkeypatch.setenv("GOVHALL_DATABASE_URL", database_url)
    request = RequestFactory().get(
        "/api/catalog/items/", {"limit": "9999999999999999999"}, GOVHALL_DATABASE_URL=database_url
    )
    try:
        # A failing frame holding the URL in a local variable, as Django's own code would.
        raise OverflowError("Python int too large to convert to SQLite INTEGER")
    except OverflowError:
        page = technical_500_response(request, *sys.exc_info()).content.decode()
    assert "OverflowError" in page  # it is the debug page
    assert password not in page
    settings_table = page.split('id="settings-info"', 1)[1].split("</table>", 1)[0]
    assert "<td>" not in settings_table  # not one setting listed
