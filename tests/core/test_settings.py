"""Database options the settings derive from the environment (read in a fresh interpreter)."""

import json
import os
import subprocess
import sys

import pytest

PG_URL = "postgresql://govhall@127.0.0.1:5432/govhall"


def _options(**env: str) -> dict:
    code = (
        "import json, govhall.settings as s; "
        "print(json.dumps(s.DATABASES['default'].get('OPTIONS', {})))"
    )
    environ = {k: v for k, v in os.environ.items() if not k.startswith("GOVHALL_DB")}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def test_postgresql_prepares_the_queries_a_connection_repeats():
    options = _options(GOVHALL_DATABASE_URL=PG_URL)
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 5


def test_prepared_statements_can_be_turned_off_for_a_transaction_pooler():
    options = _options(GOVHALL_DATABASE_URL=PG_URL, GOVHALL_DB_PREPARED="0")
    assert "server_side_binding" not in options and "prepare_threshold" not in options


@pytest.mark.parametrize("prepared", ["0", "1"])
def test_sqlite_keeps_its_own_options(tmp_path, prepared):
    options = _options(
        GOVHALL_DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}", GOVHALL_DB_PREPARED=prepared
    )
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "server_side_binding" not in options
