"""API plumbing shared by every app: the one exception handler and small base classes."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import exception_handler as drf_exception_handler

from govhall.core.error_codes import CoreError
from govhall.core.errors import DomainError
from govhall.core.selectors import Row, center_row


def _django_validation_detail(exc: DjangoValidationError) -> Any:
    if hasattr(exc, "message_dict"):
        return exc.message_dict
    return exc.messages


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Render every error as ``{"code", "message", "detail"}``."""
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        detail = _django_validation_detail(exc)
        return Response(
            {"code": "validation_failed", "message": _("输入有误。"), "detail": detail},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.APIException):
        code = exc.get_codes()
        if not isinstance(code, str):
            code = "validation_failed" if isinstance(exc, exceptions.ValidationError) else "error"
        message = (
            _("输入有误。")
            if isinstance(exc, exceptions.ValidationError)
            else str(exc.detail if isinstance(exc.detail, str) else exc.default_detail)
        )
        response.data = {"code": code, "message": message, "detail": exc.detail}
    return response


def validated(serializer_class: type[Serializer], data: Any) -> dict[str, Any]:
    """`data` (a request's body or query string) through `serializer_class`: its validated data,
    or a 400 naming what is wrong."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def center_input(model: type[Row], pk: int | None, center_id: int | None, label: str) -> Row | None:
    """The row `pk` of `model` an API's input names, in the centre `center_id`: None when the
    input names none, a 400 ("`label`不存在。") when the centre has no such row."""
    if pk is None:
        return None
    obj = center_row(model, pk, center_id)
    if obj is None:
        raise CoreError.VALIDATION_FAILED(
            _("%(label)s不存在。") % {"label": label}, detail={"id": pk}
        )
    return obj


def center_object(model: type[Row], pk: int | None, center_id: int, missing: str) -> Row | None:
    """The row `pk` of `model` in the centre `center_id` (None when `pk` is None); a 404 saying
    `missing` when the centre has no such row."""
    if pk is None:
        return None
    obj = center_row(model, pk, center_id)
    if obj is None:
        raise CoreError.NOT_FOUND(missing)
    return obj


def documented_post(view_class: type, **schema: Any) -> None:
    """Give `view_class`, one operation of a family of step views, a ``post`` of its own that
    calls its ``handle(request, pk)`` and is documented by `schema` (``extend_schema``'s
    arguments): the family's base calls this for each subclass from ``__init_subclass__``,
    since one inherited ``post`` would document every step alike."""

    def post(self: Any, request: Request, pk: int) -> Response:
        return self.handle(request, pk)

    view_class.post = extend_schema(**schema)(post)


class AutoSchema(SpectacularAutoSchema):
    """Component names carry their app ("FeedbackFiguresOut"), so two apps' serializers that share
    a class name never collide in the OpenAPI schema."""

    def _get_serializer_name(
        self, serializer: Any, direction: str, bypass_extensions: bool = False
    ) -> str:
        name = super()._get_serializer_name(serializer, direction, bypass_extensions)
        module = (serializer if isinstance(serializer, type) else type(serializer)).__module__
        parts = module.split(".")
        if parts[0] == "govhall" and len(parts) > 2:
            prefix = parts[1].capitalize()
            if not name.startswith(prefix):
                name = prefix + name
        return name
