"""Pages of the core app: home, login, health check, password change, the second factor, the
download of uploads and the API schema."""

from base64 import b32encode
from pathlib import PurePath
from typing import Any, ClassVar

import segno
from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.core.signals import setting_changed
from django.db import connection
from django.dispatch import receiver
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from django_otp.plugins.otp_totp.models import default_key
from drf_spectacular.views import SpectacularAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from govhall.core import selectors, services, uploads
from govhall.core.context_processors import site_name_for
from govhall.core.error_codes import CoreError
from govhall.core.middleware import error_response
from govhall.core.models import SecurityEvent


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: a URL that names nothing is the API's JSON error under /api/ (where clients
    read ``{"code", "message", "detail"}``), Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return error_response(request, CoreError.NOT_FOUND(_("地址不存在。")))
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: a request Django itself refuses (too many fields, a body past the limit)."""
    if request.path.startswith("/api/"):
        return error_response(request, CoreError.BAD_REQUEST(_("请求无效。")))
    return defaults.bad_request(request, exception)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_required
def download(request: HttpRequest, model: str, pk: int, field: str) -> FileResponse:
    """An uploaded file, to a user the owning app lets see its row; 404 to everyone else (the
    answer does not tell whether the row exists). Always an attachment, never sniffed."""
    entry = uploads.registered(model)
    if entry is None:
        raise Http404
    model_class, may_download = entry
    try:
        is_upload = isinstance(model_class._meta.get_field(field), uploads.UploadField)
    except FieldDoesNotExist:
        is_upload = False
    row = model_class._default_manager.filter(pk=pk).first() if is_upload else None
    file = getattr(row, field, None)
    if not file or not may_download(request.user, row):
        raise Http404
    response = FileResponse(
        file.open("rb"),
        as_attachment=True,
        filename=f"{model_class._meta.model_name}-{pk}{PurePath(file.name).suffix}",
        content_type=uploads.content_type(file.name),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, recorded in the security audit trail."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.record_security_event(
            kind=SecurityEvent.Kind.PASSWORD_CHANGED, request=self.request
        )
        return response


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=gettext_lazy("动态口令"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": gettext_lazy("请输入认证器显示的6位数字。")},
    )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


PENDING_TOTP_KEY = "govhall_pending_totp_key"


@login_required
def second_factor(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator (QR code of the TOTP secret) on first use, then confirm a code.
    Until a code confirms it, the secret shown is kept in the session: showing it writes
    nothing."""
    pending_key = request.session.get(PENDING_TOTP_KEY) or default_key()
    device = selectors.totp_device(user=request.user, pending_key=pending_key)
    if device.pk is None:
        request.session[PENDING_TOTP_KEY] = pending_key
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.verify_totp(request=request, device=device, token=form.cleaned_data["token"]):
            request.session.pop(PENDING_TOTP_KEY, None)
            return redirect(_next_url(request))
        form.add_error("token", _("动态口令不正确或已过期。"))
    context = {"form": form, "enrolled": device.confirmed, "next": _next_url(request)}
    if not device.confirmed:
        context["qr"] = segno.make(device.config_url, error="m").svg_inline(scale=4)
        context["secret"] = b32encode(device.bin_key).decode()
    status = 400 if form.errors else 200
    return render(request, "registration/second_factor.html", context, status=status)


class LoginView(auth_views.LoginView):
    """Django's login, headed with the centre's name (Django's own puts the host name there)."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "site_name": site_name_for(self.request.user)}


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema (`/api/schema/`), built once per process for each API version and
    language. It is the same for every visitor (`SERVE_PUBLIC`, and no serializer depends on the
    user), and building it costs about a second of CPU that anyone, logged in or not, could
    otherwise ask for in a loop. An unknown `lang` gives the default language's schema, so it
    cannot grow the cache."""

    built: ClassVar[dict[tuple[str | None, str], dict[str, Any]]] = {}

    def _get_schema_response(self, request: Request) -> Response:
        version = self.api_version or request.version or self._get_version_parameter(request)
        try:
            language = translation.get_supported_language_variant(translation.get_language())
        except LookupError:
            language = settings.LANGUAGE_CODE
        key = (version, language)
        if key not in self.built:
            generator = self.generator_class(
                urlconf=self.urlconf, api_version=version, patterns=self.patterns
            )
            self.built[key] = generator.get_schema(request=request, public=self.serve_public)
        filename = self._get_filename(request, version)
        return Response(
            data=self.built[key], headers={"Content-Disposition": f'inline; filename="{filename}"'}
        )


@receiver(setting_changed)
def _forget_schema(**kwargs: Any) -> None:
    """A test that changes the settings gets the schema those settings make."""
    SchemaView.built.clear()
