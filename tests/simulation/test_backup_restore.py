"""deploy/backup.sh during a busy day, deploy/restore.sh into a new database: the month's
evaluation on the restored database ranks the departments exactly as on the live one.
PostgreSQL only (pg_dump); the SQLite box copies its file.
"""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection

from govhall.queueing.models import QueueCategory
from govhall.queueing.selectors import queue_settings
from govhall.queueing.services import issue_ticket
from govhall.simulation.services import simulate_month
from tests.factories import CenterFactory
from tests.simulation.test_simulate import MONTH, TINY

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def _url(name: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgresql://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def _env(url: str, tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "GOVHALL_DATABASE_URL": url,
        "GOVHALL_VAR_DIR": str(tmp_path / "var"),
        "GOVHALL_BACKUP_DIR": str(tmp_path / "backups"),
        "GOVHALL_PYTHON": sys.executable,
    }


def _ranking(url: str, center_id: int, tmp_path: Path) -> list[str]:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "govhall",
            "evaluate",
            "--center",
            str(center_id),
            "--period",
            f"{MONTH:%Y-%m}",
        ],
        env=_env(url, tmp_path),
        capture_output=True,
        text=True,
        check=True,
    )
    lines = out.stdout.strip().splitlines()[1:]  # after the "period, version" line
    assert lines, out.stdout + out.stderr
    return lines


def _busy_hall(category: QueueCategory, stop: threading.Event) -> None:
    """The hall keeps issuing tickets (today, not in the evaluated month) during the dump."""
    try:
        while not stop.is_set():
            issue_ticket(category=category, channel="kiosk")
    finally:
        connection.close()


def test_backup_during_a_day_restores_to_the_same_ranking(tmp_path):
    center = CenterFactory()
    simulate_month(center=center, month=MONTH, scale=TINY, seed=11)
    settings = queue_settings(center_id=center.pk)
    settings.enforce_opening_hours = False
    settings.save()
    category = QueueCategory.objects.filter(center=center).first()
    live = _url(connection.settings_dict["NAME"])
    restored = _url(connection.settings_dict["NAME"] + "_restored")
    env = _env(live, tmp_path)
    subprocess.run(
        [
            "psql",
            live.rsplit("/", 1)[0] + "/postgres",
            "-qc",
            f'DROP DATABASE IF EXISTS "{restored.rsplit("/", 1)[1]}" WITH (FORCE)',
        ],
        check=True,
        env=env,
    )

    stop = threading.Event()
    writer = threading.Thread(target=_busy_hall, args=(category, stop))
    writer.start()
    try:
        dump = subprocess.run(
            [str(ROOT / "deploy" / "backup.sh"), live],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    finally:
        stop.set()
        writer.join()
    assert Path(dump).stat().st_size > 0

    try:
        subprocess.run(
            [str(ROOT / "deploy" / "restore.sh"), dump, restored],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        # Restoring over a database that has tables is refused.
        again = subprocess.run(
            [str(ROOT / "deploy" / "restore.sh"), dump, restored],
            env=env,
            capture_output=True,
            text=True,
        )
        assert again.returncode == 3
        assert _ranking(restored, center.pk, tmp_path) == _ranking(live, center.pk, tmp_path)
    finally:
        subprocess.run(
            [
                "psql",
                live.rsplit("/", 1)[0] + "/postgres",
                "-qc",
                f'DROP DATABASE IF EXISTS "{restored.rsplit("/", 1)[1]}" WITH (FORCE)',
            ],
            env=env,
        )
