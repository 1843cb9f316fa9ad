"""The bulletin's wording helpers (performance/report.py)."""

from govhall.performance.report import _efficiency, percent


def test_percent_rounds_half_up_as_an_office_does():
    assert percent(197 / 200) == "99%"  # 98.5 %: float rounding half to even printed 98%
    assert percent(5 / 8) == "63%"
    assert percent(0.845) == "85%"
    assert percent(0.125, 1) == "12.5%"
    assert percent(0.99949, 1) == "99.9%"
    assert percent(0.99951, 1) == "100.0%"
    assert percent(0.9088) == "91%"
    assert percent(1) == "100%"
    assert percent(0) == "0%"
    assert percent(0.2032, 2) == "20.32%"


def test_completion_rate_of_the_bulletin_is_rounded_half_up():
    center = {"accepted": 200, "completed": 197, "completion_rate": 197 / 200, "overdue": 0}
    text = _efficiency("2026年5月", center, {"departments": {}})
    assert "办结197件,办结率99%" in text
