"""Reads of the catalogue: the public guide list and page, the centre's settings, the guide lint."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from govhall.catalog.lint import Finding, lint_guides
from govhall.catalog.models import CatalogSettings, Material, ServiceItem, Theme
from govhall.core.errors import NotFound
from govhall.core.models import Center
from govhall.org.models import Department, Window

if TYPE_CHECKING:
    from govhall.org.scoping import Scope


def catalog_settings(*, center_id: int) -> CatalogSettings:
    """The centre's catalogue settings, created with the defaults on first use."""
    settings, _created = CatalogSettings.objects.get_or_create(center_id=center_id)
    return settings


def public_centers() -> QuerySet[Center]:
    return Center.objects.filter(is_active=True).order_by("region_code")


def public_center(*, region_code: str | None = None, preferred_id: int | None = None) -> Center:
    """The centre a public page shows: the one asked for, else the visitor's own, else the first."""
    centers = public_centers()
    if region_code:
        center = centers.filter(region_code=region_code).first()
        if center is None:
            raise NotFound(_("没有找到该政务服务中心。"))
        return center
    center = (centers.filter(pk=preferred_id).first() if preferred_id else None) or centers.first()
    if center is None:
        raise NotFound(_("尚未建立政务服务中心。"))
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


def search_items(*, center_id: int, query: GuideQuery) -> QuerySet[ServiceItem]:
    """Public items matching a keyword (name, code, department, material) and filters."""
    qs = public_items(center_id=center_id)
    for word in query.q.split():
        qs = qs.filter(
            Q(name__icontains=word)
            | Q(code__icontains=word)
            | Q(department__name__icontains=word)
            | Q(department__short_name__icontains=word)
            | Q(materials__name__icontains=word)
        )
    if query.department_id:
        qs = qs.filter(department_id=query.department_id)
    if query.theme_id:
        qs = qs.filter(themes=query.theme_id)
    if query.kind:
        qs = qs.filter(kind=query.kind)
    if query.in_hall:
        qs = qs.filter(entered=True, department__entered=True)
    if query.online:
        qs = qs.filter(online=True)
    if query.q or query.theme_id:
        # joins through materials/themes repeat rows; a subquery keeps ordering and paging simple
        qs = public_items(center_id=center_id).filter(pk__in=qs.values("pk"))
    return qs.order_by("department__sort_order", "department__name", "code")


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
        raise NotFound(_("没有找到该事项,或该事项已停用。"))
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
        raise NotFound(_("没有找到该材料。"))
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
