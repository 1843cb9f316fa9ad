"""SVG drawn server-side (pygal) and put inline into pages: without its scripts.

pygal writes a ``<script>`` with its configuration into every chart, and with ``js`` left at its
default loads its tooltips from kozea.github.io. The pages' Content-Security-Policy runs no inline
script and nothing off-site, so charts are rendered with ``js=[]`` and their scripts removed.
"""

import re

SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>|<script\b[^>]*/>", re.DOTALL | re.IGNORECASE)


def without_scripts(svg: str) -> str:
    return SCRIPT.sub("", svg)
