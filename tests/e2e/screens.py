"""What the citizen's screens are checked against, as a person would meet them.

Screenshots go to var/test/screens/ (kept by CI as artefacts); the viewports are the issue's:
the display board 1920×1080, the kiosk 1080×1920 (portrait touch screen), a phone 390×844.
"""

from pathlib import Path

from django.conf import settings

BOARD = {"width": 1920, "height": 1080}
KIOSK = {"width": 1080, "height": 1920}
PHONE = {"width": 390, "height": 844}

SCREENS = Path(settings.VAR_DIR) / "screens"  # var/test/screens under the tests


def shot(page, name: str, *, full_page: bool = False) -> Path:
    """Save what the page shows now as var/test/screens/<name>.png."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    path = SCREENS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def overflows_horizontally(page) -> bool:
    """Whether anything sticks out to the right of the viewport (a sideways scroll)."""
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")


def inside_viewport(page, locator) -> bool:
    """Whether the whole of `locator` is on the screen without scrolling."""
    box = locator.bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= size["width"] + 1
        and box["y"] + box["height"] <= size["height"] + 1
    )
