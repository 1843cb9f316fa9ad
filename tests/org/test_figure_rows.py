from govhall.core.selectors import Rollup
from govhall.org.scoping import Scope

FIGURES = Rollup(total={"n": 3}, by={"department": {1: {"n": 1}, 2: {"n": 2}}})


def _unit_scope() -> Scope:
    return Scope(user=None, center_id=1, department_id=2, roles=frozenset())


def test_the_centre_row_has_no_key() -> None:
    assert _unit_scope().figure_rows(FIGURES, "center") == [{"key": None, "n": 3}]


def test_a_unit_sees_its_own_department_row_only() -> None:
    assert _unit_scope().figure_rows(FIGURES, "department") == [{"key": 2, "n": 2}]


def test_the_whole_centre_sees_every_department_row() -> None:
    scope = Scope(user=None, center_id=1, department_id=None, roles=frozenset(), all_centers=True)
    assert scope.figure_rows(FIGURES, "department") == [{"key": 1, "n": 1}, {"key": 2, "n": 2}]
