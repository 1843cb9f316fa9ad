"""Campaigns: their units, problem categories, phases and documents."""

import datetime as dt
import itertools
from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from govhall.core.writes import acting_user, locked, validated_save
from govhall.org.models import Department
from govhall.supervision.errors import SupervisionError
from govhall.supervision.models import (
    Campaign,
    CampaignDocument,
    CampaignUnit,
    Phase,
    ProblemCategory,
)
from govhall.supervision.services.common import require_perm

# The six categories of seed 002, in its order; every new campaign starts with them.
DEFAULT_CATEGORIES: tuple[tuple[str, str], ...] = (
    (
        ProblemCategory.Key.UNCLEAR_REQUIREMENTS,
        "办事指南不明晰、存在兜底条款、不提供表格和示范文本;网上办事入口不好找;咨询电话不通;"
        "一次性告知不到位。",
    ),
    (
        ProblemCategory.Key.EXCESSIVE_CERTIFICATES,
        "“奇葩证明”“重复证明”“循环证明”;基础信息库未互联互通,证明材料只能由当事人去跑。",
    ),
    (
        ProblemCategory.Key.NOT_CENTRALISED,
        "应进未进、进而未授权,窗口缺乏审批权,审批服务“体外循环”。",
    ),
    (
        ProblemCategory.Key.FEW_FACILITIES,
        "不提供复印服务、设备形同虚设;没有排队叫号机、指引标识不清;大厅秩序不好、“黄牛”插队。",
    ),
    (
        ProblemCategory.Key.LONG_WAITS,
        "窗口办事效率低、窗口设置偏少、缺乏综合窗口、纸质材料处理效率低。",
    ),
    (ProblemCategory.Key.OTHER, "其他服务质量差、服务行为不规范、办事效率不高的问题。"),
)


@transaction.atomic
def create_campaign(
    *,
    actor: Any,
    center_id: int,
    title: str,
    phase_ends: dict[str, dt.date],
    department_ids: Sequence[int] = (),
    towns: Sequence[str] = (),
    halls: Sequence[str] = (),
    issuer: str = "",
    issued_on: dt.date | None = None,
    summary: str = "",
    census_due: dt.datetime | None = None,
    categories: Sequence[str] | None = None,
) -> Campaign:
    """A campaign with its units, its categories (seed 002's six unless given) and three phases."""
    require_perm(actor, "supervision.manage_campaign", center_id=center_id)
    campaign = Campaign(
        center_id=center_id,
        title=title.strip(),
        issuer=issuer,
        issued_on=issued_on,
        summary=summary,
        census_due=census_due,
        created_by=acting_user(actor),
    )
    validated_save(campaign)
    _create_phases(campaign, phase_ends)
    _create_units(campaign, department_ids=department_ids, towns=towns, halls=halls)
    names = [n.strip() for n in categories if n.strip()] if categories is not None else None
    if names is not None and not names:
        raise SupervisionError.NO_CATEGORIES(_("至少需要一个问题类别。"))
    if names is None:
        for order, (key, description) in enumerate(DEFAULT_CATEGORIES):
            validated_save(
                ProblemCategory(
                    center_id=center_id,
                    campaign=campaign,
                    key=key,
                    name=str(ProblemCategory.Key(key).label),
                    description=description,
                    sort_order=order,
                )
            )
    else:
        for order, name in enumerate(dict.fromkeys(names)):
            validated_save(
                ProblemCategory(center_id=center_id, campaign=campaign, name=name, sort_order=order)
            )
    return campaign


def _create_phases(campaign: Campaign, phase_ends: dict[str, dt.date]) -> None:
    missing = [k for k in Phase.ORDER if not phase_ends.get(k)]
    if missing:
        raise SupervisionError.PHASES_REQUIRED(
            _("请填写三个阶段的截止日期。"), detail={"phase_ends": [str(k) for k in missing]}
        )
    _check_phase_order([phase_ends[k] for k in Phase.ORDER])
    for kind in Phase.ORDER:
        validated_save(
            Phase(
                center_id=campaign.center_id,
                campaign=campaign,
                kind=kind,
                ends_on=phase_ends[kind],
            )
        )


def _check_phase_order(ends: Sequence[dt.date]) -> None:
    if any(a >= b for a, b in itertools.pairwise(ends)):
        raise SupervisionError.PHASES_OUT_OF_ORDER(
            _("各阶段的截止日期须依次为自查自纠、集中督查、巩固提升,逐个推后。")
        )


def _create_units(
    campaign: Campaign,
    *,
    department_ids: Sequence[int],
    towns: Sequence[str],
    halls: Sequence[str],
) -> None:
    departments = list(
        Department.objects.filter(center_id=campaign.center_id, pk__in=list(department_ids))
    )
    if len(departments) != len(set(department_ids)):
        raise SupervisionError.UNIT_OUTSIDE_CENTER(
            _("所选单位不属于本中心。"), detail={"department_ids": list(department_ids)}
        )
    order = campaign.units.count()
    entries: list[tuple[str, Department | None, str]] = [
        (CampaignUnit.Kind.DEPARTMENT, d, d.name)
        for d in sorted(departments, key=lambda d: (d.sort_order, d.name))
    ]
    entries += [(CampaignUnit.Kind.TOWN, None, n.strip()) for n in towns if n.strip()]
    entries += [(CampaignUnit.Kind.HALL, None, n.strip()) for n in halls if n.strip()]
    if not entries and not order:
        raise SupervisionError.NO_UNITS(_("请至少选择一个排查单位。"))
    for kind, department, name in entries:
        order += 1
        validated_save(
            CampaignUnit(
                center_id=campaign.center_id,
                campaign=campaign,
                kind=kind,
                department=department,
                name=name,
                sort_order=order,
            )
        )


@transaction.atomic
def add_units(
    *,
    actor: Any,
    campaign: Campaign,
    department_ids: Sequence[int] = (),
    towns: Sequence[str] = (),
    halls: Sequence[str] = (),
) -> None:
    require_perm(actor, "supervision.manage_campaign", center_id=campaign.center_id)
    _create_units(campaign, department_ids=department_ids, towns=towns, halls=halls)


@transaction.atomic
def set_phase_dates(*, actor: Any, campaign: Campaign, phase_ends: dict[str, dt.date]) -> None:
    """Move the phases' end dates; deadlines already set on problems stay as they are."""
    require_perm(actor, "supervision.manage_campaign", center_id=campaign.center_id)
    phases = {p.kind: p for p in locked(campaign.phases.all())}
    merged = {kind: phase_ends.get(kind) or phases[kind].ends_on for kind in Phase.ORDER}
    _check_phase_order([merged[k] for k in Phase.ORDER])
    for kind, phase in phases.items():
        if phase.ends_on != merged[kind]:
            phase.ends_on = merged[kind]
            validated_save(phase)


@transaction.atomic
def add_document(
    *, actor: Any, campaign: Campaign, title: str, file: UploadedFile, doc_number: str = ""
) -> CampaignDocument:
    require_perm(actor, "supervision.manage_campaign", center_id=campaign.center_id)
    doc = CampaignDocument(
        center_id=campaign.center_id,
        campaign=campaign,
        title=title.strip(),
        doc_number=doc_number.strip(),
        file=file,
        uploaded_by=acting_user(actor),
    )
    validated_save(doc)
    return doc
