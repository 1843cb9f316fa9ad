"""Run every benchmark module and write ``bench/results/latest.json`` and ``latest.md``.

Each ``bench/bench_*.py`` exposes ``run() -> list[dict]``; a figure is a dict with ``name``,
``value``, ``unit``, ``goal``, ``ok`` and ``notes`` (``reference`` and ``ratio`` when it is
measured beside something). Every module runs in its own process, so one that crashes, hangs
or leaves Django configured for another database cannot spoil the next: its error becomes a
failed figure and the run goes on.

    python -m bench                 # every module
    python -m bench queue import    # only bench_queue and bench_import
"""

import argparse
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
import traceback
from importlib import import_module
from pathlib import Path
from typing import Any

from bench import ROOT, SRC
from bench.common import machine_info, render_markdown

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
MODULE_TIMEOUT = int(os.environ.get("GOVHALL_BENCH_MODULE_TIMEOUT", "900"))
FIGURE_KEYS = ("name", "value", "unit", "goal", "reference", "ratio", "ok", "notes")


def discover() -> list[str]:
    return sorted(p.stem for p in BENCH_DIR.glob("bench_*.py"))


def normalise(figure: dict[str, Any], module: str) -> dict[str, Any]:
    out = {key: figure.get(key) for key in FIGURE_KEYS}
    out["ok"] = bool(out["ok"])
    out["notes"] = out["notes"] or ""
    out["module"] = module
    return out


def failure(module: str, message: str) -> dict[str, Any]:
    return normalise(
        {
            "name": f"{module} (did not run)",
            "value": None,
            "unit": "",
            "goal": "runs",
            "ok": False,
            "notes": message,
        },
        module,
    )


def run_child(module: str, out: Path) -> None:
    """Inside the child process: run one module, write its figures as JSON."""
    try:
        figures = [normalise(f, module) for f in import_module(f"bench.{module}").run()]
    except Exception:
        figures = [failure(module, traceback.format_exc(limit=8)[-1500:])]
    out.write_text(json.dumps(figures, ensure_ascii=False, default=str))


def run_module(module: str) -> tuple[list[dict[str, Any]], float]:
    out = RESULTS_DIR / f"{module}.tmp"
    out.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), str(ROOT)])}
    started = time.monotonic()
    # Its own process group, so a timeout also ends what the module started (gunicorn, workers).
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench", "--child", module, "--out", str(out)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=MODULE_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return [failure(module, f"timed out after {MODULE_TIMEOUT} s")], time.monotonic() - started
    elapsed = time.monotonic() - started
    if out.exists():
        figures = json.loads(out.read_text())
        out.unlink()
        return figures, elapsed
    tail = (stderr or stdout or "")[-1500:]
    return [failure(module, f"exit code {proc.returncode}: {tail}")], elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("only", nargs="*", help="run only these modules (queue, import ...)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        run_child(args.child, Path(args.out))
        return 0

    RESULTS_DIR.mkdir(exist_ok=True)
    modules = discover()
    if args.only:
        wanted = {m if m.startswith("bench_") else f"bench_{m}" for m in args.only}
        modules = [m for m in modules if m in wanted]
    started = time.monotonic()
    figures: list[dict[str, Any]] = []
    timings: dict[str, float] = {}
    for module in modules:
        print(f"[bench] {module} ...", flush=True)
        got, elapsed = run_module(module)
        timings[module] = round(elapsed, 1)
        for f in got:
            mark = "ok " if f["ok"] else "FAIL"
            print(
                f"  {mark} {f['name']}: {f['value']} {f['unit'] or ''}  (goal {f['goal']})",
                flush=True,
            )
        figures.extend(got)
    result = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine_info(),
        "duration_s": round(time.monotonic() - started, 1),
        "module_durations_s": timings,
        "figures": figures,
    }
    name = "latest" if not args.only else "partial"
    (RESULTS_DIR / f"{name}.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n"
    )
    (RESULTS_DIR / f"{name}.md").write_text(render_markdown(result))
    failed = sum(not f["ok"] for f in figures)
    print(
        f"[bench] {len(figures)} figures, {failed} below goal, {result['duration_s']} s; "
        f"written to {RESULTS_DIR / (name + '.json')}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
