"""The unit lead's sign-off of a unit's list."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from govhall.core.writes import acting_user, locked, validated_save
from govhall.supervision import selectors
from govhall.supervision.errors import SupervisionError
from govhall.supervision.models import CampaignUnit, Problem, SignOff
from govhall.supervision.services.common import moment, require_perm


@transaction.atomic
def sign_off(
    *,
    actor: Any,
    unit: CampaignUnit,
    signer_name: str = "",
    note: str = "",
    at: dt.datetime | None = None,
) -> SignOff:
    """The unit's lead signs the unit's list off (主要负责人签字).

    Only the unit's own lead signs a department's list; a town's or hall's paper signature is
    recorded by the centre admin with the signer's name. Refused while a problem is still open
    (or, when the centre's setting asks for it, not yet confirmed by an inspector).
    """
    if unit.department_id is None:
        require_perm(actor, "supervision.manage_campaign", center_id=unit.center_id)
        if not signer_name.strip():
            raise SupervisionError.FIELD_REQUIRED(
                _("请填写签字人姓名。"), detail={"signer_name": ["required"]}
            )
    else:
        require_perm(actor, "supervision.sign_off", center_id=unit.center_id, unit=unit)
    locked(CampaignUnit.objects.filter(pk=unit.pk)).get()
    if selectors.active_signoff(campaign_id=unit.campaign_id, unit_id=unit.pk):
        raise SupervisionError.ALREADY_SIGNED(_("该单位已签字确认。"))
    problems = Problem.objects.filter(campaign_id=unit.campaign_id, unit=unit)
    still_open = problems.filter(status__in=Problem.OPEN_STATUSES).count()
    if still_open:
        raise SupervisionError.PROBLEMS_STILL_OPEN(
            _("还有 %(n)d 个问题未整改完成,不能签字。") % {"n": still_open},
            detail={"open": still_open},
        )
    if selectors.supervision_settings(center_id=unit.center_id).signoff_requires_confirmation:
        unconfirmed = problems.filter(status=Problem.Status.FIXED).count()
        if unconfirmed:
            raise SupervisionError.PROBLEMS_STILL_OPEN(
                _("还有 %(n)d 个问题未经督查确认,不能签字。") % {"n": unconfirmed},
                detail={"unconfirmed": unconfirmed},
            )
    signoff = SignOff(
        center_id=unit.center_id,
        campaign_id=unit.campaign_id,
        unit=unit,
        signed_by=acting_user(actor),
        signer_name=signer_name.strip() or actor.display_name,
        signed_at=moment(at),
        note=note.strip(),
    )
    validated_save(signoff)
    return signoff
