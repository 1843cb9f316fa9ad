"""A simulated city month in a fresh database, and the same per-department aggregates computed
by DuckDB over the same rows: shared by the evaluation benchmark (and usable by hand).

    python -m bench.citymonth simulate|measure|all sqlite|postgresql WORKDIR OUT.json
runs in its own process (Django is set up for one database per process) and writes its timings;
`simulate` fills the database (under WORKDIR for SQLite), `measure` times the evaluation on it.
"""

import csv
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import pg_url, recreate_pg_database, setup_django, sqlite_url

MONTH = dt.date(2026, 5, 1)
END = dt.date(2026, 5, 31)
PERIOD = "2026-05"
SEED = 20260501
REGION = "411700"


def database_url(db: str, work: Path) -> str:
    return sqlite_url(work / "citymonth.sqlite3") if db == "sqlite" else pg_url("evaluation")


def prepare(db: str, work: Path) -> str:
    """An empty database for the month: the SQLite file removed, the PostgreSQL one recreated."""
    url = database_url(db, work)
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{work / 'citymonth.sqlite3'}{suffix}").unlink(missing_ok=True)
    else:
        recreate_pg_database(url)
    return url


def simulate() -> tuple[Any, float, dict[str, Any]]:
    from govhall.core.models import Center
    from govhall.simulation.services import simulate_month

    center = Center.objects.create(
        name="驻马店市民中心", level=Center.Level.CITY, region_code=REGION, phone="0396-12345"
    )
    started = time.perf_counter()
    summary = simulate_month(center=center, month=MONTH, scale="city", seed=SEED)
    return center, time.perf_counter() - started, summary.as_dict()


def evaluate(center: Any, out_dir: Path) -> tuple[float, str]:
    """The monthly evaluation + bulletin + tables, as `govhall evaluate` / `govhall report`."""
    from django.core.management import call_command, get_commands

    started = time.perf_counter()
    if "evaluate" in get_commands() and "report" in get_commands():
        call_command("evaluate", center=str(center.pk), period=PERIOD, stdout=_Null())
        call_command("report", center=str(center.pk), period=PERIOD, out=out_dir, stdout=_Null())
        what = "govhall evaluate + report (.docx, .xlsx)"
    else:
        department_figures(center.pk)
        what = "per-department figure selectors (performance evaluation not installed)"
    return time.perf_counter() - started, what


class _Null:
    def write(self, _text: str) -> None:
        return None

    def flush(self) -> None:
        return None


def department_figures(center_id: int) -> dict[str, dict]:
    """The figure selectors of every app that owns figures (the evaluation's inputs)."""
    from importlib import import_module

    out = {}
    for app in ("queueing", "cases", "feedback", "attendance"):
        selectors = import_module(f"govhall.{app}.selectors")
        out[app] = selectors.department_figures(center_id=center_id, start=MONTH, end=END)
    return out


# --- DuckDB over the same rows ---------------------------------------------------------------

EXPORTS = {
    "tickets": (
        "queueing.Ticket",
        [
            "id",
            "department_id",
            "staff_id",
            "item_id",
            "transferred_from_id",
            "state",
            "called_at",
            "finished_at",
            "wait_seconds",
            "handling_seconds",
            "issue_date",
        ],
    ),
    "cases": (
        "cases.Case",
        [
            "id",
            "department_id",
            "ticket_id",
            "channel",
            "accepted_at",
            "completed_at",
            "closed_at",
            "completed_late",
            "elapsed_workdays",
            "due_date",
        ],
    ),
    "ratings": ("feedback.Evaluation", ["id", "department_id", "level", "rated_at", "excluded"]),
    "rectifications": ("feedback.Rectification", ["evaluation_id", "valid", "status"]),
    "invitations": ("feedback.Invitation", ["ticket_id", "case_id", "used_at"]),
    "staff": ("org.StaffProfile", ["id", "department_id"]),
    "items": ("catalog.ServiceItem", ["id", "department_id"]),
    "attendance": (
        "attendance.AttendanceRecord",
        ["department_id", "date", "status", "late_minutes", "early_minutes", "missing_punches"],
    ),
}


def _cell(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return int(value.timestamp())
    if isinstance(value, bool):
        return int(value)
    return "" if value is None else value


def export(center_id: int, work: Path) -> dict[str, Path]:
    """Write the rows the figures read to CSV (not timed: DuckDB would read them in place)."""
    from django.apps import apps

    files = {}
    for table, (label, columns) in EXPORTS.items():
        model = apps.get_model(label)
        path = work / f"{table}.csv"
        with path.open("w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(columns)
            rows = model.objects.filter(center_id=center_id).values_list(*columns)
            for row in rows.iterator(chunk_size=5000):
                writer.writerow([_cell(v) for v in row])
        files[table] = path
    return files


def _epoch(day: dt.date) -> int:
    from django.utils import timezone

    return int(timezone.make_aware(dt.datetime.combine(day, dt.time.min)).timestamp())


# The per-department figures govhall's evaluation reads, as its selectors define them
# (queueing, cases, feedback and attendance), in DuckDB's SQL.
DUCKDB_QUERIES = {
    "tickets": """
        SELECT department_id,
               count(*) FILTER (WHERE called_at IS NOT NULL) AS called,
               count(*) FILTER (WHERE state = 'done') AS served,
               count(*) FILTER (WHERE state = 'no_show') AS no_show,
               avg(wait_seconds) FILTER (WHERE called_at IS NOT NULL) AS avg_wait,
               avg(handling_seconds) FILTER (WHERE state = 'done') AS avg_handling,
               count(*) FILTER (WHERE state = 'done' AND handling_seconds <= 600) AS within10,
               count(*) FILTER (WHERE transferred_from_id IS NULL) AS issued
        FROM tickets
        WHERE issue_date BETWEEN $start AND $end AND department_id IS NOT NULL
        GROUP BY department_id""",
    "cases": """
        WITH accepted AS (
            SELECT department_id, count(*) AS accepted,
                   count(*) FILTER (WHERE completed_at < $hi) AS accepted_completed
            FROM cases WHERE accepted_at >= $lo AND accepted_at < $hi GROUP BY 1),
        completed AS (
            SELECT department_id, count(*) AS completed,
                   count(*) FILTER (WHERE completed_late = 1) AS late,
                   avg(elapsed_workdays) AS avg_workdays
            FROM cases WHERE completed_at >= $lo AND completed_at < $hi GROUP BY 1),
        open_overdue AS (
            SELECT department_id, count(*) AS open_overdue FROM cases
            WHERE accepted_at < $hi AND (completed_at IS NULL OR completed_at >= $hi)
              AND (closed_at IS NULL OR closed_at >= $hi) AND due_date < $end GROUP BY 1)
        SELECT department_id, coalesce(a.accepted, 0) AS accepted,
               coalesce(c.completed, 0) AS completed,
               coalesce(a.accepted_completed, 0) AS accepted_completed,
               coalesce(c.late, 0) + coalesce(o.open_overdue, 0) AS overdue, c.avg_workdays
        FROM accepted a FULL JOIN completed c USING (department_id)
             FULL JOIN open_overdue o USING (department_id)""",
    "consultations": """
        SELECT t.department_id, count(*) AS consultations
        FROM tickets t
        WHERE t.issue_date BETWEEN $start AND $end AND t.state = 'done'
          AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.ticket_id = t.id)
        GROUP BY 1""",
    "services": """
        SELECT department_id, sum(services) AS services, sum(invited) AS invited,
               sum(rated) AS rated
        FROM (
            SELECT coalesce(t.department_id, s.department_id, i.department_id) AS department_id,
                   count(*) AS services, count(v.ticket_id) AS invited, count(v.used_at) AS rated
            FROM tickets t
                 LEFT JOIN staff s ON s.id = t.staff_id
                 LEFT JOIN items i ON i.id = t.item_id
                 LEFT JOIN invitations v ON v.ticket_id = t.id
            WHERE t.state = 'done' AND t.finished_at >= $lo AND t.finished_at < $hi
            GROUP BY 1
            UNION ALL
            SELECT c.department_id, count(*), count(v.case_id), count(v.used_at)
            FROM cases c LEFT JOIN invitations v ON v.case_id = c.id
            WHERE c.completed_at >= $lo AND c.completed_at < $hi AND c.channel <> 'window'
            GROUP BY 1)
        GROUP BY department_id""",
    "ratings": """
        SELECT r.department_id, count(*) AS ratings,
               count(*) FILTER (WHERE r.level >= 3) AS good,
               count(*) FILTER (WHERE r.level <= 2) AS bad,
               count(*) FILTER (WHERE r.level <= 2 AND x.valid = 1) AS bad_valid,
               count(*) FILTER (WHERE r.level <= 2 AND x.status = 'closed') AS bad_rectified
        FROM ratings r LEFT JOIN rectifications x ON x.evaluation_id = r.id
        WHERE r.rated_at >= $lo AND r.rated_at < $hi AND r.excluded = 0
        GROUP BY r.department_id""",
    "attendance": """
        SELECT department_id, count(*) AS sessions,
               count(*) FILTER (WHERE late_minutes > 0) AS late,
               count(*) FILTER (WHERE early_minutes > 0) AS early,
               count(*) FILTER (WHERE status = 'absent') AS absent
        FROM attendance WHERE date BETWEEN $start AND $end GROUP BY department_id""",
}


def duckdb_aggregates(files: dict[str, Path]) -> tuple[float, dict[str, list[tuple]]]:
    import duckdb

    con = duckdb.connect()
    for table, path in files.items():
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_csv_auto('{path}', header=true)")
    started = time.perf_counter()
    results = _run_queries(con)
    return time.perf_counter() - started, results


def _run_queries(con: Any) -> dict[str, list[tuple]]:
    params = {
        "start": MONTH,
        "end": END,
        "lo": _epoch(MONTH),
        "hi": _epoch(END + dt.timedelta(days=1)),
    }
    results = {}
    for name, sql in DUCKDB_QUERIES.items():
        used = {k: v for k, v in params.items() if f"${k}" in sql}
        results[name] = sorted(con.execute(sql, used).fetchall(), key=repr)
    return results


def _extension(name: str) -> str:
    """The DuckDB extension shipped as a PyPI package (``duckdb-extension-<name>``): loaded from
    the installed file, as the machine cannot download it."""
    from importlib import import_module

    import duckdb

    package = import_module(f"duckdb_extension_{name}")
    path = Path(package.__file__).parent / "extensions" / f"v{duckdb.__version__}"
    return str(path / f"{name}.duckdb_extension")


def _source_sql(table: str, center_id: int, schema: str) -> str:
    """The rows of one export, read in place, with the same columns and types as its CSV."""
    from django.apps import apps

    label, columns = EXPORTS[table]
    model = apps.get_model(label)
    cells = []
    for name in columns:
        kind = model._meta.get_field(name).get_internal_type()
        if kind == "DateTimeField":
            cells.append(f"CAST(epoch({name}) AS BIGINT) AS {name}")
        elif kind == "BooleanField":
            cells.append(f"CAST({name} AS INTEGER) AS {name}")
        elif kind == "DateField":
            cells.append(f"CAST({name} AS DATE) AS {name}")
        else:
            cells.append(name)
    return (
        f"SELECT {', '.join(cells)} FROM src.{schema}.{model._meta.db_table} "
        f"WHERE center_id = {int(center_id)}"
    )


def duckdb_over_database(center_id: int) -> tuple[float, dict[str, list[tuple]]]:
    """DuckDB computing the same aggregates reading the same rows from the database itself
    (sqlite_scanner / postgres_scanner): the like-for-like reference, timed from attaching."""
    import duckdb
    from django.db import connection

    conf = connection.settings_dict
    started = time.perf_counter()
    con = duckdb.connect()
    if connection.vendor == "sqlite":
        con.execute(f"LOAD '{_extension('sqlite_scanner')}'")
        con.execute(f"ATTACH '{conf['NAME']}' AS src (TYPE sqlite, READ_ONLY)")
        schema = "main"
    else:
        con.execute(f"LOAD '{_extension('postgres_scanner')}'")
        dsn = " ".join(
            f"{key}={conf[field]}"
            for key, field in (
                ("dbname", "NAME"),
                ("host", "HOST"),
                ("port", "PORT"),
                ("user", "USER"),
            )
            if conf.get(field)
        )
        con.execute(f"ATTACH '{dsn}' AS src (TYPE postgres, READ_ONLY)")
        schema = "public"
    for table in EXPORTS:
        con.execute(f"CREATE TEMP VIEW {table} AS {_source_sql(table, center_id, schema)}")
    results = _run_queries(con)
    return time.perf_counter() - started, results


def _rounded(results: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """Results with averages to 6 places: two engines may add the same numbers in another order."""
    return {
        name: [tuple(round(v, 6) if isinstance(v, float) else v for v in row) for row in rows]
        for name, rows in results.items()
    }


def agreement(figures: dict[str, dict], duck: dict[str, list[tuple]]) -> str:
    """Do DuckDB and the selectors agree on every count they share? (a check of sameness)"""
    checks = [
        # (DuckDB result, its columns after the department, app, the app's figure keys)
        ("tickets", (1, 2, 7), "queueing", ("tickets_called", "tickets_served", "tickets_issued")),
        ("cases", (1, 2, 4), "cases", ("accepted", "completed", "overdue")),
        ("consultations", (1,), "cases", ("consultations",)),
        (
            "services",
            (1, 2, 3),
            "feedback",
            ("services_completed", "invitations", "invitations_rated"),
        ),
        (
            "ratings",
            (1, 2, 3, 4, 5),
            "feedback",
            ("ratings", "good_ratings", "bad_ratings", "bad_valid", "bad_rectified"),
        ),
    ]
    bad = []
    for result, columns, app, keys in checks:
        rows = {r[0]: r for r in duck[result]}
        for dept, f in figures[app].items():
            row = rows.get(dept)
            want = tuple(0 if row is None else row[c] for c in columns)
            if tuple(f[k] for k in keys) != want:
                bad.append(f"{result} {dept}")
    return "agree" if not bad else f"differ on {len(bad)}: {', '.join(bad[:5])}"


def simulate_phase(db: str, work: Path) -> dict[str, Any]:
    """A fresh database (a file under `work` for SQLite) holding the simulated city month."""
    setup_django(prepare(db, work))
    _center, simulate_s, summary = simulate()
    return {"db": db, "simulate_s": simulate_s, "summary": summary}


def measure_phase(db: str, work: Path) -> dict[str, Any]:
    """The evaluation, the figure selectors and DuckDB over the month `simulate_phase` wrote."""
    setup_django(database_url(db, work))
    from govhall.core.models import Center

    center = Center.objects.get(region_code=REGION)
    evaluate_s, what = evaluate(center, work / f"report-{db}")
    evaluate_again_s, _what = evaluate(center, work / f"report-{db}-again")
    started = time.perf_counter()
    figures = department_figures(center.pk)
    figures_s = time.perf_counter() - started
    files = export(center.pk, work)
    duck_s, duck = duckdb_aggregates(files)
    scan_s, scanned = duckdb_over_database(center.pk)
    return {
        "db": db,
        "evaluate_s": evaluate_s,
        "evaluate_again_s": evaluate_again_s,
        "evaluated": what,
        "figures_s": figures_s,
        "duckdb_s": duck_s,
        "duckdb_scan_s": scan_s,
        "agreement": agreement(figures, duck),
        "scan_agreement": "agree" if _rounded(scanned) == _rounded(duck) else "differ",
    }


PHASES = {"simulate": simulate_phase, "measure": measure_phase}


def main(phase: str, db: str, work: Path, out: Path) -> None:
    """``python -m bench.citymonth simulate|measure|all sqlite|postgresql WORKDIR OUT.json``"""
    if phase == "all":
        result = {**simulate_phase(db, work), **measure_phase(db, work)}
    else:
        result = PHASES[phase](db, work)
    out.write_text(json.dumps(result, ensure_ascii=False, default=str))
    if db == "postgresql":
        from django.db import connections

        connections.close_all()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))
