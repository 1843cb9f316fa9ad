"""What every app's pages do with a service call: run it, and tell the user how it went."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from govhall.core.errors import DomainError
from govhall.core.forms import show_form_errors

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


def attempt_form(
    request: HttpRequest,
    form: BaseForm,
    action: Callable[[dict[str, Any]], T],
    success: str | Callable[[T], str],
    invalid: str | Callable[[HttpRequest, BaseForm], None] = show_form_errors,
) -> T | None:
    """A posted form to a service: `attempt` `action(form.cleaned_data)` when the form is valid;
    otherwise None, with `invalid` as the error message, or `invalid(request, form)` (by default
    each field's error, `show_form_errors`)."""
    if not form.is_valid():
        if isinstance(invalid, str):
            messages.error(request, invalid)
        else:
            invalid(request, form)
        return None
    return attempt(request, lambda: action(form.cleaned_data), success)


def form_page(
    request: HttpRequest,
    form: BaseForm,
    template: str,
    action: Callable[[], T],
    success: str,
    done: Callable[[T], HttpResponse],
) -> HttpResponse:
    """A page of one form: a valid POST `attempt`s the service and answers `done(result)`; a GET,
    an invalid form or a refusal shows the form again (with its errors or the refusal's message)."""
    if request.method == "POST" and form.is_valid():
        result = attempt(request, action, success)
        if result is not None:
            return done(result)
    return render(request, template, {"form": form})
