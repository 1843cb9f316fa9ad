"""The plumbing every app's services share: row locks, validated saves and the acting user.

New services call these instead of writing their own copies; the older apps still carry
private twins of them and move here one by one.
"""

from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from govhall.core.error_codes import CoreError

M = TypeVar("M", bound=Model)


def locked(qs: QuerySet[M]) -> QuerySet[M]:
    """Lock the rows of `qs` in primary-key order, so two writers never deadlock."""
    return qs.select_for_update().order_by("pk")


def validated_save(obj: M, *, update_fields: list[str] | None = None, **clean: Any) -> M:
    """`full_clean()` then `save()`; a validation error becomes `ValidationFailed`, whose message
    says what is wrong (the pages show only the message) and whose detail maps field to errors."""
    try:
        obj.full_clean(**clean)
    except DjangoValidationError as exc:
        raise CoreError.VALIDATION_FAILED(
            _("输入有误:%(msg)s") % {"msg": "; ".join(exc.messages)}, detail=exc.message_dict
        ) from exc
    obj.save(update_fields=update_fields)
    return obj


def acting_user(actor: Any) -> Any:
    """The user to record as the actor: `actor` when logged in, else None (anonymous)."""
    return actor if getattr(actor, "is_authenticated", False) else None


def add_event(model: type[M], subject: Model, kind: str, actor: Any, **fields: Any) -> M:
    """A new event row of `model` about `subject` (the event's foreign key named after the
    subject's model, e.g. ``complaint``), in the subject's centre, of `kind`, by the acting user
    (`acting_user`), with the other `fields` (its details, its time)."""
    fields[subject._meta.model_name] = subject
    return model.objects.create(
        center_id=subject.center_id, kind=kind, actor=acting_user(actor), **fields
    )


def require_login(actor: Any) -> Any:
    """The logged-in `actor`, or `PermissionDenied`."""
    user = acting_user(actor)
    if user is None:
        raise CoreError.PERMISSION_DENIED(_("请先登录。"))
    return user
