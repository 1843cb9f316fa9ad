"""Pages of the catalogue: public guide list and page, form downloads, the guide lint page, 四减."""

import mimetypes
from collections import Counter
from pathlib import PurePosixPath

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.catalog import selectors
from govhall.catalog.errors import CatalogError
from govhall.catalog.forms import GuideSearchForm, LintFilterForm, ReductionsForm
from govhall.catalog.lint import RULES
from govhall.org.scoping import scope_for

GUIDES_PER_PAGE = 20


def guide_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    center = selectors.public_center(
        region_code=request.GET.get("center") or None,
        preferred_id=user.center_id if user.is_authenticated else None,
    )
    departments = list(selectors.public_departments(center_id=center.pk))
    themes = list(selectors.public_themes(center_id=center.pk))
    form = GuideSearchForm(
        request.GET or None, departments=departments, themes=themes, auto_id="guide_%s"
    )
    items = selectors.search_items(center_id=center.pk, query=form.query())
    page = Paginator(items, GUIDES_PER_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "center": center,
        "centers": selectors.public_centers(),
        "form": form,
        "page": page,
        "themes": themes,
        "query_string": params.urlencode(),
    }
    template = "catalog/guide_list.html"
    if request.htmx and request.htmx.target == "guide-results":
        template += "#results"
    return render(request, template, context)


def guide_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.guide(item_id=pk)
    materials = list(item.materials.all())
    return render(
        request,
        "catalog/guide_detail.html",
        {
            "item": item,
            "center": item.center,
            "materials": materials,
            "windows": list(item.windows.all()),
            "themes": list(item.themes.all()),
            "has_files": any(m.form_file or m.sample_file for m in materials),
        },
    )


def material_file(request: HttpRequest, pk: int, material_pk: int, which: str) -> FileResponse:
    """The blank form or the sample of a material, as a download."""
    material = selectors.guide_material(item_id=pk, material_id=material_pk)
    field = material.form_file if which == "form" else material.sample_file
    if not field:
        raise CatalogError.NO_FILE(_("该材料没有可下载的文件。"))
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise CatalogError.FILE_GONE(_("文件已不存在,请联系咨询电话。")) from exc
    suffix = PurePosixPath(field.name).suffix
    label = _("空白表格") if which == "form" else _("示范文本")
    content_type = mimetypes.guess_type(field.name)[0] or "application/octet-stream"
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{material.name.strip('《》')}-{label}{suffix}",
        content_type=content_type,
    )


@login_required
def lint(request: HttpRequest) -> HttpResponse:
    """The guide lint's findings for the user's centre (a unit's people: their department)."""
    scope = scope_for(request.user)
    scope.require("catalog.view_guide_lint")
    findings = selectors.lint_for_scope(scope, region_code=request.GET.get("center") or None)
    form = LintFilterForm(request.GET or None)
    shown = findings
    if form.is_valid():
        data = form.cleaned_data
        shown = [
            f
            for f in findings
            if (not data["rule"] or f.rule == data["rule"])
            and (not data["severity"] or f.severity == data["severity"])
            and (not data["department"] or data["department"] in f.department)
        ]
    by_rule = Counter(f.rule for f in findings)
    summary = [
        {"rule": code, "title": title, "severity": severity, "count": by_rule[code]}
        for code, (severity, title) in RULES.items()
    ]
    return render(
        request,
        "catalog/lint.html",
        {
            "form": form,
            "findings": shown,
            "total": len(findings),
            "errors": sum(1 for f in findings if f.severity == "error"),
            "items": len({f.item_id for f in findings}),
            "summary": summary,
            "can_edit": scope.can("catalog.change_serviceitem") and request.user.is_staff,
        },
    )


@login_required
def reductions(request: HttpRequest) -> HttpResponse:
    """四减: the centre's (or the unit's) steps, materials, limits and fees cut since a baseline."""
    scope = scope_for(request.user)
    scope.require("catalog.view_serviceitem")
    today = timezone.localdate()
    defaults = {"baseline": today.replace(month=1, day=1).isoformat(), "on": today.isoformat()}
    form = ReductionsForm(request.GET or defaults)
    figures = None
    if form.is_valid():
        figures = selectors.four_reductions(
            center_id=scope.center_id,
            baseline=form.cleaned_data["baseline"],
            on=form.cleaned_data["on"],
            department_id=None if scope.whole_center else scope.department_id,
        )
    return render(
        request,
        "catalog/reductions.html",
        {"form": form, "figures": figures},
        status=200 if form.is_valid() else 400,
    )
