"""Middleware: a DomainError raised by a page view rendered as a page with its message (never
a 500), a NUL character anywhere in the query or form data answered with a 400, and the account
controls (idle timeout, password expiry, second factor)."""

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from govhall.core.error_codes import CoreError
from govhall.core.errors import DomainError
from govhall.core.models import SecurityEvent
from govhall.core.passwords import password_expired
from govhall.core.second_factor import needs_second_factor
from govhall.core.services import record_security_event

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def error_response(request: HttpRequest, error: DomainError) -> HttpResponse:
    """The error as JSON for the API and JSON clients, as the error page for everyone else."""
    if request.path.startswith("/api/") or request.headers.get("Accept", "").startswith(
        "application/json"
    ):
        return JsonResponse(error.as_dict(), status=error.status)
    response = TemplateResponse(request, "core/error.html", {"error": error}, status=error.status)
    return response.render()


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        return error_response(request, exception)


def _has_nul(data: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in data.lists())


class NulCharacterMiddleware:
    """Refuse a NUL character in query parameters, form fields or upload names with a 400.

    PostgreSQL cannot store or compare text holding NUL, so any view that passed such a value to
    a query answered 500; no legitimate form or link carries one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        form_body = request.method == "POST" and request.content_type in FORM_TYPES
        if _has_nul(request.GET) or (
            form_body
            and (
                _has_nul(request.POST)
                or any("\x00" in (f.name or "") for _k, fs in request.FILES.lists() for f in fs)
            )
        ):
            return error_response(
                request, CoreError.BAD_REQUEST(_("请求中含有不允许的空字符(NUL)。"))
            )
        return self.get_response(request)


# Static files, the language switch and the health check are served whatever the account.
EXEMPT_PREFIXES = (f"/{settings.STATIC_URL.lstrip('/')}", "/i18n/", "/healthz")
IDLE_KEY = "govhall_last_seen"
# Activity is written to the session at most this often (seconds): a click a second must not
# mean a session write a second.
ACTIVITY_RESOLUTION = 60


class AccountControlsMiddleware:
    """The account controls of 等保 2.0 for a logged-in session, in this order:

    1. idle timeout: a session with no activity for ``GOVHALL_SESSION_IDLE_MINUTES`` ends
       (an automatic refresh, an htmx GET, is not activity; a click or a form is);
    2. password expiry: a password older than ``GOVHALL_PASSWORD_MAX_AGE_DAYS`` must be
       changed before anything else;
    3. second factor: superusers, centre administrators and admin-site users confirm a TOTP
       code (django-otp) before anything else, the admin site included.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not self._exempt(request):
            response = self._idle(request) or self._gate(request)
            if response is not None:
                return response
        return self.get_response(request)

    @staticmethod
    def _exempt(request: HttpRequest) -> bool:
        return request.path.startswith(EXEMPT_PREFIXES)

    def _idle(self, request: HttpRequest) -> HttpResponse | None:
        now = int(time.time())
        last = request.session.get(IDLE_KEY)
        if last is not None and now - last > settings.GOVHALL_SESSION_IDLE_MINUTES * 60:
            record_security_event(
                kind=SecurityEvent.Kind.SESSION_EXPIRED,
                request=request,
                detail={"idle_seconds": now - last},
            )
            request.session.flush()
            request.user = AnonymousUser()
            return None
        automatic = request.method == "GET" and request.headers.get("HX-Request") == "true"
        if not automatic and (last is None or now - last >= ACTIVITY_RESOLUTION):
            request.session[IDLE_KEY] = now
        return None

    def _gate(self, request: HttpRequest) -> HttpResponse | None:
        if not request.user.is_authenticated:
            return None
        open_paths = {reverse("logout"), reverse("password_change"), reverse("second_factor")}
        if request.path in open_paths:
            return None
        if password_expired(request.user):
            return _refuse(
                request,
                "password_change",
                CoreError.PASSWORD_EXPIRED(_("密码已过期,请先修改密码。")),
            )
        if needs_second_factor(request.user) and not request.user.is_verified():
            return _refuse(
                request,
                "second_factor",
                CoreError.SECOND_FACTOR_REQUIRED(_("请先完成动态口令验证。")),
            )
        return None


def _refuse(request: HttpRequest, url_name: str, error: DomainError) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(error.as_dict(), status=error.status)
    return redirect(f"{reverse(url_name)}?{urlencode({'next': request.get_full_path()})}")
