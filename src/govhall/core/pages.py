"""What every app's pages do with a service call: run it, and tell the user how it went."""

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.http import HttpRequest

from govhall.core.errors import DomainError

T = TypeVar("T")


def attempt(
    request: HttpRequest, action: Callable[[], T], success: str | Callable[[T], str]
) -> T | None:
    """Call a service: its result with a success message (`success`, or `success(result)`), or
    None with the `DomainError`'s message instead of failing the page."""
    try:
        result = action()
    except DomainError as exc:
        messages.error(request, exc.message)
        return None
    messages.success(request, success(result) if callable(success) else success)
    return result
