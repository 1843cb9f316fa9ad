import pytest

from govhall.core.serializers import PeriodIn


@pytest.mark.parametrize(
    ("start", "end", "valid"),
    [
        ("2026-01-01", "2026-12-31", True),
        ("2026-01-01", "2026-01-01", True),
        ("2026-02-01", "2026-01-31", False),
        ("2025-01-01", "2026-01-03", False),
        ("9999-12-30", "9999-12-31", False),
    ],
)
def test_a_period_runs_forward_for_at_most_a_year_in_reachable_years(
    start: str, end: str, valid: bool
) -> None:
    assert PeriodIn(data={"start": start, "end": end}).is_valid() is valid
