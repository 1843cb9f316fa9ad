from django import template

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """A rate from the figures (0.994) as a percentage ("99.4%"); "—" when undefined."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}%"
