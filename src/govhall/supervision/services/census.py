"""The census of separately run halls and windows (or a zero report), per unit."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from govhall.core.writes import acting_user, locked, validated_save
from govhall.supervision.errors import SupervisionError
from govhall.supervision.models import CampaignUnit, CensusEntry, CensusReport
from govhall.supervision.services.common import moment, require_perm


@dataclass(frozen=True)
class CensusLine:
    name: str
    address: str
    windows: int
    items: int
    staff: int
    kind: str = CensusEntry.Kind.HALL


@transaction.atomic
def file_census(
    *,
    actor: Any,
    unit: CampaignUnit,
    signed_by_name: str,
    entries: Sequence[CensusLine] = (),
    zero_report: bool = False,
    contact_phone: str = "",
    note: str = "",
    at: dt.datetime | None = None,
) -> CensusReport:
    """File (or re-file) a unit's census: its separately run halls and windows, or a zero report.

    A zero report has no lines; a census has at least one. Re-filing replaces the lines and keeps
    the time of the first filing (which the deadline is judged by).
    """
    require_perm(actor, "supervision.file_census", center_id=unit.center_id, unit=unit)
    if zero_report and entries:
        raise SupervisionError.ZERO_REPORT_WITH_LINES(
            _("零报告不能填写窗口或大厅。"), detail={"entries": ["must_be_empty"]}
        )
    if not zero_report and not entries:
        raise SupervisionError.CENSUS_WITHOUT_LINES(
            _("请填写单独设立的窗口和服务大厅,没有的请报送零报告。"),
            detail={"entries": ["required"]},
        )
    if not signed_by_name.strip():
        raise SupervisionError.FIELD_REQUIRED(
            _("请填写主要负责人姓名。"), detail={"signed_by_name": ["required"]}
        )
    now = moment(at)
    report = locked(CensusReport.objects.filter(campaign_id=unit.campaign_id, unit=unit)).first()
    if report is None:
        report = CensusReport(
            center_id=unit.center_id, campaign_id=unit.campaign_id, unit=unit, first_filed_at=now
        )
    report.zero_report = zero_report
    report.signed_by_name = signed_by_name.strip()
    report.contact_phone = contact_phone.strip()
    report.note = note.strip()
    report.filed_at = now
    report.filed_by = acting_user(actor)
    validated_save(report)
    report.entries.all().delete()
    for order, line in enumerate(entries):
        validated_save(
            CensusEntry(
                center_id=unit.center_id,
                report=report,
                kind=line.kind,
                name=line.name.strip(),
                address=line.address.strip(),
                windows=line.windows,
                items=line.items,
                staff=line.staff,
                sort_order=order,
            )
        )
    return report
