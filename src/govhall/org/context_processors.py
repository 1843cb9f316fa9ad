from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from govhall.org.scoping import scope_for


def access(request: HttpRequest) -> dict[str, Any]:
    """`access`: what the signed-in user may see (the menu shows only the pages they may open)."""
    return {"access": SimpleLazyObject(lambda: scope_for(getattr(request, "user", None)))}
