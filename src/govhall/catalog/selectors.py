"""Reads of the catalogue: the public guide list and page, the centre's settings, the guide lint."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from govhall.catalog.errors import CatalogError
from govhall.catalog.lint import Finding, lint_guides
from govhall.catalog.models import CatalogSettings, Material, ServiceItem, Theme
from govhall.catalog.search import Document, Query, split_keywords
from govhall.core import settings_rows
from govhall.core.dates import end_of_day
from govhall.core.models import Center
from govhall.core.selectors import latest_versions
from govhall.org.models import Department, Window
from govhall.org.selectors import enterprise_ids_on

if TYPE_CHECKING:
    from govhall.org.scoping import Scope


def catalog_settings(*, center_id: int) -> CatalogSettings:
    """The centre's catalogue settings (the defaults, unsaved, if it has no row)."""
    return settings_rows.read(CatalogSettings, center_id)


def public_centers() -> QuerySet[Center]:
    return Center.objects.filter(is_active=True).order_by("region_code")


def public_center(*, region_code: str | None = None, preferred_id: int | None = None) -> Center:
    """The centre a public page shows: the one asked for, else the visitor's own, else the first."""
    centers = public_centers()
    if region_code:
        center = centers.filter(region_code=region_code).first()
        if center is None:
            raise CatalogError.CENTER_NOT_FOUND(_("没有找到该政务服务中心。"))
        return center
    center = (centers.filter(pk=preferred_id).first() if preferred_id else None) or centers.first()
    if center is None:
        raise CatalogError.NO_CENTERS(_("尚未建立政务服务中心。"))
    return center


def public_items(*, center_id: int) -> QuerySet[ServiceItem]:
    """Items the public sees: active items of the centre's active departments.

    Items not (yet) handled in the hall stay listed and are marked, so a visitor learns where to
    go; `in_hall` filters them out.
    """
    return ServiceItem.objects.filter(
        center_id=center_id, is_active=True, department__is_active=True
    ).select_related("department")


@dataclass(frozen=True)
class GuideQuery:
    q: str = ""
    department_id: int | None = None
    theme_id: int | None = None
    kind: str = ""
    in_hall: bool = False
    online: bool = False


def search_items(*, center_id: int, query: GuideQuery) -> QuerySet[ServiceItem] | list[ServiceItem]:
    """Public items matching the filters and, with a keyword, ranked by relevance.

    Without a keyword: every item the filters let through, in the catalogue's order. With one:
    items matching every word of it (see `catalog.search`), best match first, ties in the
    catalogue's order.
    """
    qs = public_items(center_id=center_id)
    if query.department_id:
        qs = qs.filter(department_id=query.department_id)
    if query.theme_id:
        qs = qs.filter(
            pk__in=ServiceItem.themes.through.objects.filter(theme_id=query.theme_id).values(
                "serviceitem_id"
            )
        )
    if query.kind:
        qs = qs.filter(kind=query.kind)
    if query.in_hall:
        qs = qs.filter(entered=True, department__entered=True)
    if query.online:
        qs = qs.filter(online=True)
    qs = qs.order_by("department__sort_order", "department__name", "code")
    words = Query(query.q)
    if not words.words:
        return qs
    return [item for item, _score in rank_items_scored(qs, words)]


def _text_filter(query: Query) -> Q:
    """A database prefilter: items where every word of `query` may match (a superset of the
    items `catalog.search` scores above zero), so the ranking reads a few candidates only."""
    condition = Q()
    for raw, word in query.terms:
        probes = {raw, *query.probes(word)}
        own, material, theme = Q(), Q(), Q()
        for probe in probes:
            own |= (
                Q(name__icontains=probe)
                | Q(code__icontains=probe)
                | Q(keywords__icontains=probe)
                | Q(conditions__icontains=probe)
                | Q(department__name__icontains=probe)
                | Q(department__short_name__icontains=probe)
            )
            material |= Q(name__icontains=probe)
            theme |= Q(theme__name__icontains=probe)
        condition &= (
            own
            | Q(pk__in=Material.objects.filter(material).values("item_id"))
            | Q(pk__in=ServiceItem.themes.through.objects.filter(theme).values("serviceitem_id"))
        )
    return condition


def rank_items_scored(
    items: QuerySet[ServiceItem], query: Query
) -> list[tuple[ServiceItem, float]]:
    """`items` that match `query` with their scores, best first (ties in the queryset's order)."""
    candidates = list(items.filter(_text_filter(query)).select_related("department"))
    ids = [item.pk for item in candidates]
    materials: dict[int, list[str]] = defaultdict(list)
    for item_id, name in Material.objects.filter(item_id__in=ids).values_list("item_id", "name"):
        materials[item_id].append(name)
    themes: dict[int, list[str]] = defaultdict(list)
    for item_id, name in ServiceItem.themes.through.objects.filter(
        serviceitem_id__in=ids
    ).values_list("serviceitem_id", "theme__name"):
        themes[item_id].append(name)
    scored = []
    for item in candidates:
        document = Document(
            name=item.name,
            code=item.code,
            keywords=split_keywords(item.keywords),
            places=[item.department.name, item.department.short_name, *themes[item.pk]],
            texts=[*materials[item.pk], item.conditions],
        )
        score = document.score(query)
        if score > 0:
            scored.append((item, score))
    scored.sort(key=lambda pair: -pair[1])  # stable: ties keep the queryset's order
    return scored


def public_departments(*, center_id: int) -> QuerySet[Department]:
    """Departments with at least one public item, for the filter."""
    return (
        Department.objects.filter(center_id=center_id, is_active=True, items__is_active=True)
        .distinct()
        .order_by("sort_order", "name")
    )


def public_themes(*, center_id: int) -> QuerySet[Theme]:
    return Theme.objects.filter(center_id=center_id).order_by("audience", "sort_order", "name")


def guide(*, item_id: int) -> ServiceItem:
    """One public item with everything its guide page shows."""
    item = (
        ServiceItem.objects.filter(pk=item_id, is_active=True, department__is_active=True)
        .select_related("department", "center")
        .prefetch_related(
            Prefetch("materials", queryset=Material.objects.order_by("sort_order", "id")),
            "themes",
            Prefetch(
                "windows", queryset=Window.objects.filter(is_open=True).order_by("floor", "number")
            ),
        )
        .first()
    )
    if item is None:
        raise CatalogError.ITEM_NOT_FOUND(_("没有找到该事项,或该事项已停用。"))
    return item


def guide_material(*, item_id: int, material_id: int) -> Material:
    """A material of a public item (for its form and sample downloads)."""
    material = (
        Material.objects.filter(
            pk=material_id,
            item_id=item_id,
            item__is_active=True,
            item__department__is_active=True,
        )
        .select_related("item")
        .first()
    )
    if material is None:
        raise CatalogError.MATERIAL_NOT_FOUND(_("没有找到该材料。"))
    return material


def lint_items(*, center_id: int, department_id: int | None = None) -> list[Finding]:
    """The guide lint over a centre's active items (optionally one department's findings).

    Items with the same name are compared across the whole centre even when one department's
    findings are asked for.
    """
    items = (
        ServiceItem.objects.filter(center_id=center_id, is_active=True)
        .select_related("department")
        .prefetch_related("materials")
        .order_by("department__sort_order", "department__name", "code")
    )
    findings = lint_guides(
        items, catch_all_patterns=catalog_settings(center_id=center_id).pattern_list
    )
    if department_id is None:
        return findings
    own = set(items.filter(department_id=department_id).values_list("pk", flat=True))
    return [f for f in findings if f.item_id in own]


def lint_for_scope(scope: "Scope", *, region_code: str | None = None) -> list[Finding]:
    """The findings a user may see: their centre's, or their department's for a unit's people.

    A platform operator (no centre) picks the centre by region code.
    """
    if scope.sees_nothing:
        return []
    center_id = public_center(region_code=region_code).pk if scope.all_centers else scope.center_id
    return lint_items(
        center_id=center_id, department_id=None if scope.whole_center else scope.department_id
    )


# --- 四减 (seed 003: 减环节、减材料、减时限、减费用) ------------------------------------------


@dataclass
class Reduction:
    """One dimension of 四减: the sums at the baseline and now over the items known at both."""

    before: Decimal = Decimal(0)
    after: Decimal = Decimal(0)
    items: int = 0

    def add(self, before: Decimal | int | None, after: Decimal | int | None) -> None:
        if before is None or after is None:
            return
        self.before += Decimal(before)
        self.after += Decimal(after)
        self.items += 1

    @property
    def share(self) -> Decimal | None:
        """The share cut (压减比例): (before − after) ÷ before; None when there was nothing."""
        return (self.before - self.after) / self.before if self.before else None

    @property
    def share_percent(self) -> Decimal | None:
        """The share as a percentage to two places, as bulletins print it (41.43%)."""
        share = self.share
        return None if share is None else (share * 100).quantize(Decimal("0.01"))


@dataclass
class UnitReductions:
    department_id: int | None
    name: str
    items: int = 0
    steps: Reduction = field(default_factory=Reduction)
    materials: Reduction = field(default_factory=Reduction)
    days: Reduction = field(default_factory=Reduction)
    fees: Reduction = field(default_factory=Reduction)

    @property
    def dimensions(self) -> tuple[Reduction, Reduction, Reduction, Reduction]:
        return (self.steps, self.materials, self.days, self.fees)

    def add(self, before: dict, after: dict) -> None:
        self.items += 1
        self.steps.add(before["step_count"], after["step_count"])
        self.materials.add(before["materials"], after["materials"])
        self.days.add(before["days"], after["days"])
        self.fees.add(before["fee_amount"], after["fee_amount"])


@dataclass
class FourReductions:
    baseline: dt.date
    on: dt.date
    total: UnitReductions
    units: list[UnitReductions]
    new_items: int
    retired_items: int


def catalogue_as_of(*, center_id: int, moment: dt.datetime) -> dict[int, dict]:
    """The centre's items in use at `moment`, as the catalogue's history kept them: id → the
    department, steps, materials listed, the promised limit (0 for 即办件) and the fee."""
    items = latest_versions(ServiceItem.history.filter(center_id=center_id), moment).filter(
        is_active=True
    )
    state = {
        row["id"]: {
            "department_id": row["department_id"],
            "step_count": row["step_count"],
            "fee_amount": row["fee_amount"],
            "days": 0
            if row["immediate"]
            else row["promised_limit_days"] or row["legal_limit_days"],
            "materials": 0,
        }
        for row in items.values(
            "id",
            "department_id",
            "step_count",
            "fee_amount",
            "immediate",
            "promised_limit_days",
            "legal_limit_days",
        )
    }
    materials = latest_versions(Material.history.filter(item_id__in=list(state)), moment)
    for item_id in materials.values_list("item_id", flat=True):
        state[item_id]["materials"] += 1
    return state


def four_reductions(
    *, center_id: int, baseline: dt.date, on: dt.date, department_id: int | None = None
) -> FourReductions:
    """四减 between the catalogue at the close of `baseline` and at the close of `on`.

    Only items in use at both dates are compared (a new item is no reduction, a retired one no
    cut); a dimension counts an item only where both dates know its value (steps and fees are
    filled in by the departments). Each share is (before − after) ÷ before of the sums.
    """
    before = catalogue_as_of(center_id=center_id, moment=end_of_day(baseline))
    after = catalogue_as_of(center_id=center_id, moment=end_of_day(on))
    if department_id is not None:
        before = {k: v for k, v in before.items() if v["department_id"] == department_id}
        after = {k: v for k, v in after.items() if v["department_id"] == department_id}
    names = dict(Department.objects.filter(center_id=center_id).values_list("pk", "name"))
    total = UnitReductions(None, _("合计"))
    units: dict[int, UnitReductions] = {}
    for item_id in before.keys() & after.keys():
        now = after[item_id]
        unit_id = now["department_id"]
        unit = units.setdefault(unit_id, UnitReductions(unit_id, names.get(unit_id, "")))
        unit.add(before[item_id], now)
        total.add(before[item_id], now)
    return FourReductions(
        baseline=baseline,
        on=on,
        total=total,
        units=sorted(units.values(), key=lambda u: (-u.items, u.name)),
        new_items=len(after.keys() - before.keys()),
        retired_items=len(before.keys() - after.keys()),
    )


# --- the catalogue on a date: items in the hall, 最多跑一次 ---------------------------------------


def items_in_use_on(*, center_id: int, day: dt.date) -> QuerySet:
    """The centre's items in use at the close of `day`, as the catalogue's history kept them
    (historical rows: their fields as they stood then)."""
    return latest_versions(ServiceItem.history.filter(center_id=center_id), end_of_day(day)).filter(
        is_active=True
    )


def _hall_items_on(*, center_id: int, day: dt.date, department_kind: str | None) -> QuerySet:
    """The items handled in the hall at the close of `day`: in use and entered (进驻); of
    `department_kind` (`Department.Kind`) only, by what the item's unit was that day, when given:
    government, the 政务服务事项; enterprise, the enterprises' 企业服务事项."""
    items = items_in_use_on(center_id=center_id, day=day).filter(entered=True)
    if department_kind is None:
        return items
    enterprises = Q(department_id__in=enterprise_ids_on(center_id=center_id, day=day))
    if department_kind == Department.Kind.ENTERPRISE:
        return items.filter(enterprises)
    return items.exclude(enterprises)


def items_in_hall_on(*, center_id: int, day: dt.date, department_kind: str | None = None) -> int:
    """How many items the hall handled at the close of `day` (seed 001: 225项审批服务事项); with
    `department_kind`, only the 政务服务事项 (government: seed 003's 2340项) or only the
    enterprises' 企业服务事项 (seed 003's 84个); None counts both."""
    return _hall_items_on(center_id=center_id, day=day, department_kind=department_kind).count()


@dataclass(frozen=True)
class OneVisitItems:
    """最多跑一次 in the catalogue: items in use whose applicant comes at most once
    (``max_visits`` ≤ 1), of which 不见面 (0); `share` = one_visit ÷ items, None without items."""

    items: int
    one_visit: int
    no_visit: int

    @property
    def share(self) -> float | None:
        return self.one_visit / self.items if self.items else None


def one_visit_items(*, center_id: int, day: dt.date) -> OneVisitItems:
    """最多跑一次 share of the 政务服务事项 handled in the hall at the close of `day`, in use and
    entered, the hall's own `items` (seed 003: "入驻…2340个政务服务事项(其中最多跑一次事项2230项,
    占95.3%)"): an item not yet entered is not the hall's, and an enterprise's service items
    (水电气报装…) are not government services, as the hall's figures leave them out."""
    counts = _hall_items_on(
        center_id=center_id, day=day, department_kind=Department.Kind.GOVERNMENT
    ).aggregate(
        items=Count("history_id"),
        one_visit=Count("history_id", filter=Q(max_visits__lte=ServiceItem.Visits.ONCE)),
        no_visit=Count("history_id", filter=Q(max_visits=ServiceItem.Visits.NONE)),
    )
    return OneVisitItems(**counts)
