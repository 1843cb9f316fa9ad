"""The bench harness: discovery, isolation of a failing module, the results files."""

import json
import sys
import types

import pytest

from bench import __main__ as harness
from bench.common import LoadResult, figure, render_markdown


def test_discovers_every_bench_module():
    found = harness.discover()
    assert {"bench_queue", "bench_evaluation", "bench_import"} <= set(found)
    assert all(m.startswith("bench_") for m in found)


def test_a_module_that_raises_becomes_a_failed_figure(tmp_path, monkeypatch):
    broken = types.ModuleType("bench.bench_broken")

    def run():
        raise RuntimeError("database went away")

    broken.run = run
    monkeypatch.setitem(sys.modules, "bench.bench_broken", broken)
    out = tmp_path / "out.json"
    harness.run_child("bench_broken", out)
    [f] = json.loads(out.read_text())
    assert f["ok"] is False and "database went away" in f["notes"]
    assert f["module"] == "bench_broken"


def test_figures_are_normalised_and_rendered():
    f = harness.normalise(
        figure("x", 1.23456, "s", goal="≤ 3 s", ok=True, reference=0.5, ratio=2.46912), "m"
    )
    assert f["value"] == 1.235 and f["ratio"] == 2.469 and f["module"] == "m"
    result = {
        "date": "2026-05-31T00:00:00+00:00",
        "duration_s": 1.0,
        "module_durations_s": {"m": 1.0},
        "machine": {
            "git_commit": "abc",
            "git_branch": "b",
            "git_dirty": False,
            "cpu": "c",
            "cpus": 2,
            "memory_gb": 1,
            "os": "o",
            "python": "3",
            "django": "5",
            "sqlite": "3",
            "postgresql": "15",
        },
        "figures": [f, harness.failure("m2", "boom | pipe")],
    }
    text = render_markdown(result)
    assert "| ✅ | x | 1.235 | s | ≤ 3 s | 0.5 | 2.469 |" in text
    assert "❌" in text and "boom \\| pipe" in text


def test_percentiles_and_throughput():
    r = LoadResult(
        requests=101,
        errors=1,
        seconds=10.0,
        latencies_ms=[float(i) for i in range(1, 101)],
        statuses={200: 100},
    )
    assert r.throughput == pytest.approx(10.0)
    assert r.p50 == pytest.approx(50, abs=1)
    assert r.p99 == pytest.approx(99, abs=1)
