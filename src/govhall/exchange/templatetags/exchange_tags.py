"""An outbox event's kind (``case.accepted``, ``rating.created``) in words."""

from django import template
from django.utils.translation import gettext as _

from govhall.cases.models import CaseEvent
from govhall.feedback.models import EvaluationEvent

register = template.Library()


@register.filter
def event_kind(kind: str) -> str:
    """ "办件 · 受理" for ``case.accepted``, "评价 · 差评整改" for ``rating.rectified``; the kind
    itself when it names nothing known."""
    family, _dot, step = kind.partition(".")
    if family == "case" and step in CaseEvent.Type.values:
        return _("办件 · %(step)s") % {"step": CaseEvent.Type(step).label}
    rating_steps = {
        "created": _("收到评价"),
        "rectified": _("差评整改"),
        EvaluationEvent.Kind.APPEAL_UPHELD: EvaluationEvent.Kind.APPEAL_UPHELD.label,
        EvaluationEvent.Kind.APPEAL_REJECTED: EvaluationEvent.Kind.APPEAL_REJECTED.label,
    }
    if family == "rating" and step in rating_steps:
        return _("评价 · %(step)s") % {"step": rating_steps[step]}
    return kind
