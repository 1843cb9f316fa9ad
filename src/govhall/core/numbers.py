"""Figures as an office prints them: rounded half up (四舍五入), never half to even."""

from decimal import ROUND_HALF_UP, Decimal


def percent_text(value: float | Decimal, places: int = 0) -> str:
    """A rate (0.985) as a percentage rounded half up to `places` decimals ("99%" at none).

    The rate is read from its shortest decimal form, so 197 ÷ 200 is "99%", not the "98%" that
    rounding the binary float 98.49999… half to even prints."""
    hundredths = Decimal(str(float(value))) * 100
    return f"{hundredths.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)}%"


def points_text(value: float | Decimal) -> str:
    """Points as an office writes them: "2", "1.5", "0.25" (never "2.0" or "2.00")."""
    return format(Decimal(str(value)).normalize(), "f")
