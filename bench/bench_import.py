"""Case import (issue 4): a good .csv of 100,000 historical cases through `cases.services.
import_cases` (every row checked, then all written in one transaction with their events and
outbox rows), on PostgreSQL and on SQLite.
"""

import csv
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import ROOT, SRC
from bench.common import figure, pg_url, recreate_pg_database, setup_django, sqlite_url

ROWS = 100_000
GOAL_S = 120.0


def write_file(path: Path, codes: list[str], rows: int, seed: int = 7) -> None:
    from govhall.cases.importing import DEFAULT_MAPPING
    from govhall.simulation import rows as simrows
    from govhall.simulation.world import person_name, uscc

    rng = random.Random(seed)
    m = DEFAULT_MAPPING
    start = dt.datetime(2025, 1, 2, 9, 0)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                m["item_code"],
                m["applicant_type"],
                m["applicant_name"],
                m["identifier"],
                m["phone"],
                m["channel"],
                m["accepted_at"],
                m["completed_at"],
                m["result"],
            ]
        )
        for n in range(rows):
            person = rng.random() < 0.8
            accepted = start + dt.timedelta(minutes=n * 3 + rng.randrange(3))
            completed = accepted + dt.timedelta(days=rng.randint(0, 6), hours=rng.randint(0, 5))
            w.writerow(
                [
                    rng.choice(codes),
                    "自然人" if person else "法人",
                    person_name(rng),
                    simrows.id_number(rng, "411700") if person else uscc(n, "411700"),
                    simrows.phone(rng),
                    rng.choice(["窗口", "网上", "移动端"]),
                    accepted.isoformat(sep=" ", timespec="seconds"),
                    completed.isoformat(sep=" ", timespec="seconds"),
                    "准予许可",
                ]
            )


def worker(db: str, out: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="govhall-import-") as tmp:
        work = Path(tmp)
        if db == "sqlite":
            url = sqlite_url(work / "import.sqlite3")
        else:
            url = pg_url("import")
            recreate_pg_database(url)
        setup_django(url)
        from govhall.cases.models import Case
        from govhall.cases.services import import_cases
        from govhall.core.models import Center
        from govhall.simulation.profiles import COUNTY
        from govhall.simulation.world import load_or_create_world

        center = Center.objects.create(name="导入中心", level="county", region_code="411722")
        world = load_or_create_world(center, COUNTY, random.Random(1))
        path = work / "cases.csv"
        write_file(path, [i.code for i in world.items], ROWS)
        started = time.perf_counter()
        report = import_cases(center=center, source=path, filename="cases.csv")
        elapsed = time.perf_counter() - started
        count = Case.objects.filter(center=center).count()
        out.write_text(f"{elapsed} {report.imported} {count} {len(report.errors)}")


def run() -> list[dict[str, Any]]:
    figures = []
    for db in ("postgresql", "sqlite"):
        out = Path(tempfile.mkstemp(suffix=".txt")[1])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), str(ROOT)])}
        proc = subprocess.run(
            [
                sys.executable,
                "-c",
                f"from bench.bench_import import worker; from pathlib import "
                f"Path; worker({db!r}, Path({str(out)!r}))",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=420,
        )
        text = out.read_text().split()
        out.unlink(missing_ok=True)
        label = "PostgreSQL" if db == "postgresql" else "SQLite"
        if proc.returncode != 0 or len(text) != 4:
            figures.append(
                figure(
                    f"case import, {ROWS:,} rows ({label})",
                    None,
                    "s",
                    goal="runs",
                    ok=False,
                    notes=proc.stderr[-1500:],
                )
            )
            continue
        elapsed, imported, count, errors = float(text[0]), *map(int, text[1:])
        figures.append(
            figure(
                f"case import, {ROWS:,} rows .csv ({label})",
                elapsed,
                "s",
                goal=f"all rows, ≤ {GOAL_S:.0f} s",
                ok=imported == count == ROWS and elapsed <= GOAL_S,
                notes=f"{imported:,} imported, {count:,} in the table, {errors} bad rows; "
                f"{ROWS / elapsed:,.0f} rows/s, each with its event and outbox row",
            )
        )
    return figures
