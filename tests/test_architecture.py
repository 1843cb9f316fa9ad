"""The house's one rule of dependencies: an app imports only the apps below it (DESIGN.md).

core ← org ← catalog ← queueing ← cases ← feedback, attendance, training ← supervision ←
performance; `exchange` reads what core's outbox holds and `simulation` drives everything, and
nothing imports those three. Migrations are left out (they name other apps' models by label).
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "govhall"

# An app may import the apps of a lower layer only; apps of one layer do not import each other.
LAYERS: dict[str, int] = {
    "core": 0,
    "org": 1,
    "notify": 1,
    "catalog": 2,
    "queueing": 3,
    "cases": 4,
    "feedback": 5,
    "attendance": 5,
    "training": 5,
    "supervision": 6,
    "performance": 7,
    "exchange": 7,
    "simulation": 8,
}
# Imported by no other app: the top of the house.
LEAVES = {"performance", "exchange", "simulation"}


def apps() -> list[str]:
    return sorted(p.name for p in SRC.iterdir() if (p / "apps.py").exists())


def imported_apps(source: str, known: set[str]) -> Iterator[tuple[int, str]]:
    """(line, app) for every `govhall.<app>` that `source` imports, at any depth."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "govhall" and len(parts) > 1 and parts[1] in known:
                yield node.lineno, parts[1]


def violations(app: str, source: str) -> list[str]:
    """What in `source` (a module of `app`) breaks the layering."""
    found = []
    for line, other in imported_apps(source, set(LAYERS)):
        if other == app:
            continue
        if other in LEAVES or LAYERS[other] >= LAYERS[app]:
            found.append(f"line {line}: {app} imports {other}")
    return found


def test_every_app_has_its_layer():
    assert set(apps()) == set(LAYERS), "give a new app its place in LAYERS (and DESIGN.md)"


@pytest.mark.parametrize("app", apps())
def test_apps_import_only_downwards(app):
    problems = [
        f"{path.relative_to(SRC)} {problem}"
        for path in sorted((SRC / app).rglob("*.py"))
        if "migrations" not in path.parts
        for problem in violations(app, path.read_text(encoding="utf-8"))
    ]
    assert problems == []


UPWARD = [
    ("cases", "from govhall.feedback.models import Evaluation", ["line 1: cases imports feedback"]),
    ("feedback", "import govhall.attendance", ["line 1: feedback imports attendance"]),
    ("training", "def f():\n    import govhall.exchange", ["line 2: training imports exchange"]),
    ("cases", "from govhall.queueing.models import Ticket\nfrom govhall.cases import x", []),
    ("org", "from . import models\nfrom govhall.core.errors import NotFound", []),
]  # fmt: skip


@pytest.mark.parametrize(("app", "source", "expected"), UPWARD)
def test_the_rule_catches_an_upward_import(app, source, expected):
    assert violations(app, source) == expected
