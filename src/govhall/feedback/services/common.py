"""What the feedback services share: the row lock, validation to a domain error, the phone
check, the rectification timeline and the audit of unmasked personal data."""

import datetime as dt
from collections.abc import Sequence
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core.models import SecurityEvent
from govhall.core.services import record_security_event
from govhall.core.validators import normalize_phone, validate_phone
from govhall.core.writes import add_event
from govhall.feedback.errors import FeedbackError
from govhall.feedback.models import (
    Rectification,
    RectificationEvent,
)

M = TypeVar("M", bound=models.Model)


def _locked(model: type[M], pk: int, *, required: bool = True) -> M | None:
    """The row `pk` of `model`, locked for this transaction (the one lock helper, by pk).

    A missing row is NotFound, or None when not `required`.
    """
    row = model._default_manager.select_for_update().filter(pk=pk).order_by("pk").first()
    if row is None and required:
        raise FeedbackError.RECORD_NOT_FOUND(_("记录不存在。"))
    return row


def _full_clean(obj: models.Model, **kwargs: Any) -> None:
    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        raise FeedbackError.FIELD_INVALID(
            _("输入有误:%(msg)s") % {"msg": "; ".join(exc.messages)},
            detail=getattr(exc, "message_dict", exc.messages),
        ) from exc


def _clean_phone(phone: str) -> str:
    phone = normalize_phone(phone)
    if phone:
        try:
            validate_phone(phone)
        except ValidationError as exc:
            raise FeedbackError.PHONE_INVALID(
                _("电话号码格式不正确。"), detail={"phone": exc.messages}
            ) from exc
    return phone


def _rectification_event(
    rectification: Rectification,
    kind: str,
    actor: Any,
    at: dt.datetime | None = None,
    **details: Any,
) -> None:
    add_event(
        RectificationEvent, rectification, kind, actor, at=at or timezone.now(), details=details
    )


def record_unmasked(*, request: Any, records: Sequence[str]) -> None:
    """One audit row (``unmask``) for the raters' or complainants' phones a page or an API answer
    showed whole to someone who calls back (`selectors.may_see_identity`); nothing when none."""
    if records:
        record_security_event(
            kind=SecurityEvent.Kind.UNMASK,
            request=request,
            target=", ".join(records),
            detail={"records": list(records), "fields": ["name", "phone"]},
        )
