"""What the supervision services share: the acting user's scope and the moment of an action."""

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core.writes import require_login
from govhall.org.scoping import Scope, scope_for
from govhall.supervision.errors import SupervisionError
from govhall.supervision.models import CampaignUnit


def center_scope(actor: Any, *, center_id: int) -> Scope:
    """The logged-in actor's scope, refused outside the record's centre."""
    scope = scope_for(require_login(actor))
    if not scope.all_centers and scope.center_id != center_id:
        raise SupervisionError.OTHER_CENTER(_("该记录不属于您所在的中心。"))
    return scope


def require_perm(
    actor: Any, perm: str, *, center_id: int, unit: CampaignUnit | None = None
) -> Scope:
    scope = center_scope(actor, center_id=center_id)
    scope.require(perm)
    if unit is not None:
        scope.check_department(unit.department_id, unit.center_id)
    return scope


def may_edit_list(actor: Any, unit: CampaignUnit) -> bool:
    """The unit's own people (or the centre admin) edit a list; inspectors record problems."""
    scope = center_scope(actor, center_id=unit.center_id)
    return scope.can("supervision.edit_problem_list") and scope.may_see_department(
        unit.department_id, unit.center_id
    )


def moment(at: dt.datetime | None) -> dt.datetime:
    """The moment of an action: now, or a past moment when a paper record is entered later
    (the demo and imports; the pages and the API never pass one)."""
    now = timezone.now()
    if at is None:
        return now
    if at > now:
        raise SupervisionError.TIME_IN_FUTURE(
            _("时间不能晚于现在。"), detail={"at": [at.isoformat()]}
        )
    return at
