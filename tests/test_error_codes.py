"""The error-code catalogues: every raise site of an app with an `errors.py` names a code of its
enum, and docs/architecture.md lists every code with its HTTP status."""

import ast
import re
from pathlib import Path

import pytest

from govhall.attendance.errors import AttendanceError
from govhall.cases.errors import CaseError
from govhall.catalog.errors import CatalogError
from govhall.core.error_codes import CoreError
from govhall.core.errors import Conflict, DomainError, NotFound
from govhall.exchange.errors import ExchangeError
from govhall.feedback.errors import FeedbackError
from govhall.notify.errors import NotifyError
from govhall.org.errors import OrgError
from govhall.performance.errors import PerformanceError
from govhall.queueing.errors import QueueError
from govhall.simulation.errors import SimulationError
from govhall.supervision.errors import SupervisionError
from govhall.training.errors import TrainingError

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = {
    "core": CoreError,
    "org": OrgError,
    "notify": NotifyError,
    "catalog": CatalogError,
    "attendance": AttendanceError,
    "training": TrainingError,
    "supervision": SupervisionError,
    "exchange": ExchangeError,
    "performance": PerformanceError,
    "queueing": QueueError,
    "cases": CaseError,
    "simulation": SimulationError,
    "feedback": FeedbackError,
}
KINDS = {cls.__name__ for cls in (DomainError, *DomainError.__subclasses__())}


def bare_raises(source: str) -> list[int]:
    """Lines that raise a DomainError kind directly (`raise Conflict(...)`), without a code."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Raise)
        and isinstance(node.exc, ast.Call)
        and isinstance(node.exc.func, ast.Name)
        and node.exc.func.id in KINDS
    ]


def documented(app: str) -> dict[str, int]:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    block = re.search(rf"<!-- error-codes:{app} -->(.*?)<!-- /error-codes:{app} -->", text, re.S)
    assert block, f"docs/architecture.md has no error-code table for {app}"
    rows = re.findall(r"^\| `(\w+)` \| (\d+) \|", block[1], re.M)
    return {code: int(status) for code, status in rows}


@pytest.mark.parametrize("app", CATALOGUES)
def test_every_raise_site_names_a_code(app):
    found = {
        str(path.relative_to(ROOT)): lines
        for path in sorted((ROOT / "src" / "govhall" / app).rglob("*.py"))
        if "migrations" not in path.parts
        and (lines := bare_raises(path.read_text(encoding="utf-8")))
    }
    assert found == {}


@pytest.mark.parametrize(("app", "enum"), CATALOGUES.items())
def test_the_docs_list_every_code_with_its_status(app, enum):
    assert documented(app) == {member.value: member.status for member in enum}


def test_a_code_raises_its_kind_with_its_code():
    error = AttendanceError.LEAVE_OVERLAPS("x", detail={"a": 1})
    assert isinstance(error, Conflict) and error.status == 409
    assert error.as_dict() == {"code": "leave_overlaps", "message": "x", "detail": {"a": 1}}
    assert SupervisionError.CAMPAIGN_NOT_FOUND("y").status == NotFound.status == 404


def test_the_check_catches_a_bare_raise():
    source = "def f():\n    raise Conflict(_('x'))\n    raise AttendanceError.DUTY_EXISTS(_('y'))\n"
    assert bare_raises(source) == [2]
