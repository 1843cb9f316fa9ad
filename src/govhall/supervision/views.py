"""Pages of rectification campaigns: parse, check permission, call a service or selector, render.

A refused or invalid action shows its message and changes nothing (post/redirect/get).
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core.pages import attempt, attempt_form, form_page
from govhall.core.routing import route
from govhall.org.scoping import Scope, scope_for
from govhall.supervision import exports, forms, selectors, services
from govhall.supervision.errors import SupervisionError
from govhall.supervision.models import Campaign, CampaignUnit, Problem


def _scope(
    request: HttpRequest, perm: str = "supervision.view_campaign", unless: str | None = None
) -> Scope:
    """The user's scope, refused without `perm` (not asked of a user who holds `unless`)."""
    scope = scope_for(request.user)
    scope.require(perm, unless=unless)
    return scope


def _not_post(request: HttpRequest) -> HttpResponse | None:
    """Checked after the permission, so a refused user learns nothing about the route."""
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


def _form_error(request: HttpRequest, form: Any) -> None:
    errors = [f"{form.fields[f].label if f in form.fields else ''} {e}".strip()
              for f, errs in form.errors.items() for e in errs]  # fmt: skip
    messages.error(request, _("输入有误:") + ";".join(errors))


def _on(request: HttpRequest) -> dt.date:
    """The day a report is as of: `?on=` (today when missing or unreadable), never to come."""
    on: dt.date | None
    try:
        on = dt.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        on = None
    return selectors.report_day(on)


# --- campaigns ------------------------------------------------------------------------------


@route("supervision/", name="campaigns")
@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    return render(
        request,
        "supervision/campaigns.html",
        {
            "campaigns": selectors.visible_campaigns(scope),
            "may_manage": scope.can("supervision.manage_campaign"),
        },
    )


@route("supervision/new/")
@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    scope = _scope(request, "supervision.manage_campaign")
    form = forms.CampaignForm(request.POST or None, center_id=scope.center_id)
    return form_page(
        request,
        form,
        "supervision/campaign_form.html",
        lambda: services.create_campaign(
            actor=request.user, center_id=scope.center_id, **form.service_kwargs()
        ),
        _("活动已创建。"),
        lambda campaign: redirect("supervision:campaign", pk=campaign.pk),
    )


@route("supervision/<int:pk>/", name="campaign")
@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request)
    campaign = selectors.visible_campaign(scope, campaign_id=pk)
    on = _on(request)
    phases = selectors.visible_phase_report(scope, campaign, on=on)
    may_manage = scope.can("supervision.manage_campaign")
    unit_ids = selectors.visible_unit_ids(scope, campaign_id=campaign.pk)
    overdue = selectors.overdue_problems(campaign_id=campaign.pk, on=on, unit_ids=unit_ids)
    unsigned = selectors.unsigned_units(campaign_id=campaign.pk, on=on)
    if unit_ids is not None:
        unsigned = unsigned.filter(pk__in=unit_ids)
    last = phases[-1].phase if phases else None
    return render(
        request,
        "supervision/campaign.html",
        {
            "campaign": campaign,
            "on": on,
            "today": timezone.localdate(),
            "phases": phases,
            "overdue": overdue,
            "unsigned": unsigned if last is not None and last.ends_on < on else None,
            "units": selectors.visible_units(scope, campaign_id=campaign.pk),
            "categories": campaign.categories.all(),
            "documents": campaign.documents.all(),
            "may_manage": may_manage,
            "document_form": forms.DocumentForm() if may_manage else None,
        },
    )


@route("supervision/<int:pk>/documents/")
@login_required
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request, "supervision.manage_campaign")
    if (refused := _not_post(request)) is not None:
        return refused
    campaign = selectors.visible_campaign(scope, campaign_id=pk)
    attempt_form(
        request,
        forms.DocumentForm(request.POST, request.FILES),
        lambda data: services.add_document(actor=request.user, campaign=campaign, **data),
        _("文件已上传。"),
        invalid=_form_error,
    )
    return redirect("supervision:campaign", pk=campaign.pk)


# --- problem lists --------------------------------------------------------------------------


def _problem_form(scope: Scope, campaign: Campaign, data: Any = None) -> forms.ProblemForm | None:
    unit_sources = scope.can("supervision.edit_problem_list")
    centre_sources = scope.can("supervision.record_problem")
    if not (unit_sources or centre_sources):
        return None
    units = (
        campaign.units.all()
        if centre_sources
        else selectors.visible_units(scope, campaign_id=campaign.pk)
    )
    if unit_sources and not centre_sources:
        units = units.filter(department__isnull=False)
    return forms.ProblemForm(
        data,
        units=units,
        categories=campaign.categories.all(),
        centre_sources=centre_sources,
        unit_sources=unit_sources,
    )


@route("supervision/<int:pk>/problems/", name="problems")
@login_required
def problem_list(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request, "supervision.view_problem")
    campaign = selectors.visible_campaign(scope, campaign_id=pk)
    filters = {
        "unit_id": _int(request.GET.get("unit")),
        "status": _choice(request.GET.get("status"), Problem.Status.values),
        "category_id": _int(request.GET.get("category")),
        "found_by": _choice(request.GET.get("found_by"), Problem.Source.values),
    }
    problems = selectors.problem_list(scope, campaign_id=campaign.pk, **filters)
    context = {
        "campaign": campaign,
        "problems": problems,
        "today": timezone.localdate(),
        "filters": filters,
        "units": selectors.visible_units(scope, campaign_id=campaign.pk),
        "categories": campaign.categories.all(),
        "statuses": Problem.Status.choices,
        "sources": Problem.Source.choices,
    }
    if request.htmx:
        return render(request, "supervision/problems.html#problem-table", context)
    context["form"] = _problem_form(scope, campaign)
    context["import_form"] = forms.ImportForm() if scope.can("supervision.record_problem") else None
    context["data_sources"] = [(s, s.label) for s in Problem.DATA_SOURCES]
    return render(request, "supervision/problems.html", context)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 12 else None


def _choice(value: str | None, allowed: list[str]) -> str | None:
    return value if value in allowed else None


@route("supervision/<int:pk>/problems/new/")
@login_required
def problem_create(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request, "supervision.edit_problem_list", unless="supervision.record_problem")
    if (refused := _not_post(request)) is not None:
        return refused
    campaign = selectors.visible_campaign(scope, campaign_id=pk)
    form = _problem_form(scope, campaign, request.POST)
    if form is None:
        raise SupervisionError.NO_ROLE(_("您没有执行此操作的权限。"))
    attempt_form(
        request,
        form,
        lambda data: services.create_problem(actor=request.user, **data),
        lambda problem: _("问题已登记,整改时限 %(d)s。") % {"d": problem.deadline},
        invalid=_form_error,
    )
    return redirect("supervision:problems", pk=campaign.pk)


@route("supervision/<int:pk>/problems/import/")
@login_required
def problem_import(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request, "supervision.record_problem")
    if (refused := _not_post(request)) is not None:
        return refused
    campaign = selectors.visible_campaign(scope, campaign_id=pk)
    attempt_form(
        request,
        forms.ImportForm(request.POST),
        lambda data: services.import_from_data(
            actor=request.user,
            campaign=campaign,
            source=data["source"],
            start=data["start"],
            end=data["end"],
        ),
        lambda result: (
            _("新增 %(created)d 个问题;%(listed)d 个已在清单中;%(outside)d 个不在本活动范围。")
            % {
                "created": len(result.created),
                "listed": result.already_listed,
                "outside": len(result.outside_scope),
            }
        ),
        invalid=_form_error,
    )
    return redirect("supervision:problems", pk=campaign.pk)


@route("supervision/problems/<int:pk>/", name="problem")
@login_required
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request, "supervision.view_problem")
    problem = selectors.visible_problem(scope, problem_id=pk)
    may_record = scope.can("supervision.record_problem")
    may_edit_list = scope.can("supervision.edit_problem_list") and scope.may_see_department(
        problem.unit.department_id, problem.center_id
    )
    may_edit = problem.is_open and (may_edit_list or may_record)
    may_confirm = scope.can("supervision.confirm_problem")
    context = {
        "problem": problem,
        "campaign": problem.campaign,
        "overdue": selectors.is_overdue(problem, timezone.localdate()),
        "events": problem.events.all(),
        "evidence": problem.evidence.all(),
        "edit_form": forms.ProblemEditForm(
            initial={
                "category": problem.category_id,
                "description": problem.description,
                "measure": problem.measure,
                "owner": problem.owner,
                "deadline": problem.deadline,
            },
            categories=problem.campaign.categories.all(),
            deadline_editable=may_record,
        )
        if may_edit
        else None,
        "fix_form": forms.FixForm(initial={"measure": problem.measure})
        if problem.is_open and may_edit_list
        else None,
        "evidence_form": forms.EvidenceForm()
        if (may_edit_list or may_record) and problem.status != Problem.Status.CONFIRMED
        else None,
        "confirm_form": forms.NoteForm()
        if may_confirm and problem.status == Problem.Status.FIXED
        else None,
        "reopen_form": forms.ReasonForm()
        if may_confirm and problem.status in Problem.DONE_STATUSES
        else None,
    }
    return render(request, "supervision/problem.html", context)


def _problem_step(
    form_class: type, act: Callable[..., Any], perm: str, unless: str | None
) -> Callable[[HttpRequest, int], HttpResponse]:
    """The page of one step on a problem: a posted `form_class` to the service `act` on a problem
    the user sees, refused without `perm` (not asked of a user holding `unless`)."""

    @login_required
    def step(request: HttpRequest, pk: int) -> HttpResponse:
        scope = _scope(request, perm, unless=unless)
        if (refused := _not_post(request)) is not None:
            return refused
        problem = selectors.visible_problem(scope, problem_id=pk)
        attempt_form(
            request,
            form_class(request.POST, request.FILES),
            lambda data: act(actor=request.user, problem=problem, **data),
            _("已保存。"),
            invalid=_form_error,
        )
        return redirect("supervision:problem", pk=problem.pk)

    return step


@route("supervision/problems/<int:pk>/edit/")
@login_required
def problem_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request, "supervision.edit_problem_list", unless="supervision.record_problem")
    may_record = scope.can("supervision.record_problem")
    if (refused := _not_post(request)) is not None:
        return refused
    problem = selectors.visible_problem(scope, problem_id=pk)
    form = forms.ProblemEditForm(
        request.POST, categories=problem.campaign.categories.all(), deadline_editable=may_record
    )
    if not form.is_valid():
        _form_error(request, form)
        return redirect("supervision:problem", pk=problem.pk)
    data = form.cleaned_data
    if not may_record:
        data.pop("deadline")
    attempt(
        request,
        lambda: services.update_problem(actor=request.user, problem=problem, **data),
        _("已保存。"),
    )
    return redirect("supervision:problem", pk=problem.pk)


# The steps on a problem, each at supervision/problems/<pk>/<step>/ and named problem_<step>: its
# form, its service, the permission it asks and the one that exempts from asking.
PROBLEM_STEPS = {
    "fix": (forms.FixForm, services.mark_fixed, "supervision.edit_problem_list", None),
    "evidence": (
        forms.EvidenceForm,
        services.add_evidence,
        "supervision.edit_problem_list",
        "supervision.record_problem",
    ),
    "confirm": (forms.NoteForm, services.confirm_problem, "supervision.confirm_problem", None),
    "reopen": (forms.ReasonForm, services.reopen_problem, "supervision.confirm_problem", None),
}
for name, (form_class, act, perm, unless) in PROBLEM_STEPS.items():
    route(f"supervision/problems/<int:pk>/{name}/", name=f"problem_{name}")(
        _problem_step(form_class, act, perm, unless)
    )


# --- census ---------------------------------------------------------------------------------


def _census_forms(campaign: Campaign, unit: CampaignUnit, data: Any = None) -> tuple[Any, Any]:
    report = next(iter(selectors.census_reports(campaign_id=campaign.pk, unit_ids=[unit.pk])), None)
    initial = {"unit": unit.pk}
    lines: list[dict[str, Any]] = []
    if report is not None:
        initial |= {
            "zero_report": report.zero_report,
            "signed_by_name": report.signed_by_name,
            "contact_phone": report.contact_phone,
            "note": report.note,
        }
        lines = [
            {"kind": e.kind, "name": e.name, "address": e.address, "windows": e.windows,
             "items": e.items, "staff": e.staff}
            for e in report.entries.all()
        ]  # fmt: skip
    prefix = f"lines-{unit.pk}"
    form = forms.CensusForm(data, initial=initial, prefix=f"census-{unit.pk}")
    formset = forms.CensusLineFormSet(data, initial=lines, prefix=prefix)
    return form, formset


@route("supervision/<int:pk>/census/")
@login_required
def census(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request, "supervision.view_censusreport")
    campaign = selectors.visible_campaign(scope, campaign_id=pk)
    unit_ids = selectors.visible_unit_ids(scope, campaign_id=campaign.pk)
    may_file = scope.can("supervision.file_census")
    filing = []
    if may_file:
        for unit in selectors.visible_units(scope, campaign_id=campaign.pk):
            if unit.department_id is None and not scope.whole_center:
                continue
            if scope.whole_center and unit.department_id is not None:
                continue  # departments file their own; the centre files for towns and halls
            filing.append((unit, *_census_forms(campaign, unit)))
    missing = selectors.missing_census_units(campaign_id=campaign.pk)
    if unit_ids is not None:
        missing = missing.filter(pk__in=unit_ids)
    late = set(selectors.late_census_reports(campaign_id=campaign.pk).values_list("pk", flat=True))
    return render(
        request,
        "supervision/census.html",
        {
            "campaign": campaign,
            "reports": selectors.census_reports(campaign_id=campaign.pk, unit_ids=unit_ids),
            "late": late,
            "missing": missing,
            "totals": selectors.census_totals(campaign_id=campaign.pk)
            if unit_ids is None
            else None,
            "filing": filing,
        },
    )


@route("supervision/<int:pk>/census/file/")
@login_required
def census_file(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request, "supervision.file_census")
    if (refused := _not_post(request)) is not None:
        return refused
    campaign = selectors.visible_campaign(scope, campaign_id=pk)
    unit = campaign.units.filter(pk=_int(request.POST.get("unit"))).first()
    if unit is None:
        raise SupervisionError.UNIT_NOT_IN_CAMPAIGN(_("单位不属于该活动。"))
    form, formset = _census_forms(campaign, unit, request.POST)
    if not form.is_valid():
        _form_error(request, form)
        return redirect("supervision:census", pk=campaign.pk)
    if not formset.is_valid():
        for number, line in enumerate(formset.forms, start=1):
            if line.errors:
                messages.error(request, _("第 %(n)d 行:") % {"n": number})
                _form_error(request, line)
        for error in formset.non_form_errors():
            messages.error(request, error)
        return redirect("supervision:census", pk=campaign.pk)
    lines = [
        services.CensusLine(**f.cleaned_data)
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]
    data = form.cleaned_data
    attempt(
        request,
        lambda: services.file_census(
            actor=request.user,
            unit=unit,
            zero_report=data["zero_report"],
            signed_by_name=data["signed_by_name"],
            contact_phone=data["contact_phone"],
            note=data["note"],
            entries=lines,
        ),
        _("%(unit)s 的统计表已报送。") % {"unit": unit.name},
    )
    return redirect("supervision:census", pk=campaign.pk)


# --- progress -------------------------------------------------------------------------------


@route("supervision/<int:pk>/progress/")
@login_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request, "supervision.view_problem")
    campaign = selectors.visible_campaign(scope, campaign_id=pk)
    on = _on(request)
    data = selectors.visible_progress(scope, campaign, on=on)
    # Signing is offered on today's table only: a past day's shows who had signed by then.
    is_today = on == timezone.localdate()
    may_sign = is_today and scope.can("supervision.sign_off")
    may_record_paper = is_today and scope.can("supervision.manage_campaign")
    signable = {
        row.unit_id
        for row in data.rows
        if not row.signed_off
        and ((may_sign and row.unit_kind == CampaignUnit.Kind.DEPARTMENT)
             or (may_record_paper and row.unit_kind != CampaignUnit.Kind.DEPARTMENT))
    }  # fmt: skip
    return render(
        request,
        "supervision/progress.html",
        {
            "campaign": campaign,
            "on": on,
            "today": timezone.localdate(),
            "progress": data,
            "signable": signable,
            "xlsx_url": reverse("supervision:progress_xlsx", args=[campaign.pk]) + f"?on={on}",
        },
    )


@route("supervision/<int:pk>/progress.xlsx")
@login_required
def progress_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request, "supervision.view_problem")
    campaign = selectors.visible_campaign(scope, campaign_id=pk)
    return exports.progress_download(scope, campaign, on=_on(request))


@route("supervision/<int:pk>/signoff/")
@login_required
def sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request, "supervision.sign_off", unless="supervision.manage_campaign")
    if (refused := _not_post(request)) is not None:
        return refused
    campaign = selectors.visible_campaign(scope, campaign_id=pk)
    form = forms.SignOffForm(request.POST)
    unit = campaign.units.filter(pk=form.cleaned_data["unit"]).first() if form.is_valid() else None
    if unit is None:
        messages.error(request, _("单位不属于该活动。"))
        return redirect("supervision:progress", pk=campaign.pk)
    attempt(
        request,
        lambda: services.sign_off(
            actor=request.user,
            unit=unit,
            signer_name=form.cleaned_data["signer_name"],
            note=form.cleaned_data["note"],
        ),
        lambda signoff: (
            _("%(unit)s 已由 %(name)s 签字确认。")
            % {"unit": unit.name, "name": signoff.signer_name}
        ),
    )
    return redirect("supervision:progress", pk=campaign.pk)
