"""Pages of 并联审批 / 一件事: the list with the period's figures, one joint case with its
steps, the unified acceptance of a package. HTTP only: parse, check, call a service or
selector, render."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govhall.cases import forms, joint, joint_selectors, selectors, services
from govhall.cases.errors import CaseError
from govhall.cases.models import Case, JointCase
from govhall.core.dates import month_so_far
from govhall.core.errors import DomainError
from govhall.core.routing import route
from govhall.org.scoping import Scope, scope_for
from govhall.org.selectors import department_names


def _joint_for(scope: Scope, number: str) -> JointCase:
    whole = joint_selectors.visible_joint_cases(scope).filter(number=number).first()
    if whole is None:
        raise CaseError.JOINT_NOT_FOUND(_("并联审批件不存在或您无权查看。"))
    return whole


def _figures(request: HttpRequest, scope: Scope) -> dict[str, Any]:
    """The period's figures (this month unless asked), the department's people seeing their
    own department's row only."""
    start, end = month_so_far()
    form = forms.JointFiguresForm(request.GET or {"start": start, "end": end})
    if not form.is_valid():
        return {"form": form, "figures": None}
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    figures = joint_selectors.joint_figures(center_id=scope.center_id, start=start, end=end)
    names = department_names(scope.center_id)
    packages = dict(joint_selectors.active_packages(scope.center_id).values_list("pk", "name"))
    return {
        "form": form,
        "figures": figures.total,
        "packages": [
            (packages[pk], row) for pk, row in figures.by_package.items() if pk in packages
        ],
        "departments": [
            (names[pk], row)
            for pk, row in figures.by_department.items()
            if scope.whole_center or pk == scope.department_id
        ],
    }


@route("cases/joint/")
@login_required
def joint_list(request: HttpRequest) -> HttpResponse:
    """并联审批件 the user may see, with the whole's light, and the period's figures."""
    scope = scope_for(request.user)
    scope.require("cases.view_case")
    rows = joint_selectors.joint_rows(joint_selectors.visible_joint_cases(scope)[:200])
    context: dict[str, Any] = {"rows": rows}
    if scope.can("cases.view_supervision") and scope.center_id is not None:
        context["period"] = _figures(request, scope)
    status = 400 if "period" in context and context["period"]["figures"] is None else 200
    return render(request, "cases/joint_list.html", context, status=status)


def _detail_context(
    scope: Scope, whole: JointCase, errors: dict[str, Any] | None = None
) -> dict[str, Any]:
    leads = joint_selectors.leads(scope, whole)
    running = whole.state == JointCase.State.RUNNING
    steps = list(joint_selectors.visible_steps(scope, whole))
    return {
        "joint": whole,
        "clock": joint_selectors.clock_of(whole),
        "steps": [
            (
                case,
                selectors.light_of(case),
                forms.CompleteForm(prefix=f"decide-{case.number}", item=case.item)
                if case.state in Case.ACTION_STATES["complete"]
                and scope.can("cases.complete_case")
                and scope.may_see_department(case.department_id, case.center_id)
                else None,
            )
            for case in steps
        ],
        "events": joint_selectors.joint_timeline(whole),
        "extend_form": forms.JointExtendForm(prefix="extend")
        if leads and running and whole.extended_at is None and scope.can("cases.extend_case")
        else None,
        "withdraw_form": forms.OptionalReasonForm(prefix="withdraw")
        if leads and running and scope.can("cases.withdraw_case")
        else None,
        "errors": errors or {},
    }


@route("cases/joint/<str:number>/")
@login_required
def joint_detail(request: HttpRequest, number: str) -> HttpResponse:
    scope = scope_for(request.user)
    scope.require("cases.view_case")
    whole = _joint_for(scope, number)
    return render(request, "cases/joint_detail.html", _detail_context(scope, whole))


# The actions on the whole joint case: the form (prefixed with the action's name) and the service.
WHOLE_ACTIONS = {
    "extend": (forms.JointExtendForm, joint.extend_joint_case),
    "withdraw": (forms.OptionalReasonForm, joint.withdraw_joint_case),
}


def _run(request: HttpRequest, scope: Scope, whole: JointCase, action: str) -> tuple[str, Any]:
    """Parse and run one action; returns (error key, form errors or message) or ("", None)."""
    if action in WHOLE_ACTIONS:
        form_class, call = WHOLE_ACTIONS[action]
        form = form_class(request.POST, prefix=action)
        key, target = action, {}
    else:
        step = joint_selectors.step_of(whole, request.POST.get("step", ""))
        if action != "decide" or step is None:
            raise CaseError.UNKNOWN_ACTION(_("未知操作。"))
        form = forms.CompleteForm(
            request.POST, prefix=f"decide-{step.case.number}", item=step.case.item
        )
        key, call, target = step.case.number, joint.decide_step, {"case": step.case}
    if not form.is_valid():
        return key, form.errors
    call(actor=request.user, joint=whole, **target, **form.cleaned_data)
    return "", None


@route("cases/joint/<str:number>/<str:action>/")
@login_required
@require_POST
def joint_act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """Extend or withdraw the whole, or decide one step (the services check who may)."""
    scope = scope_for(request.user)
    whole = _joint_for(scope, number)
    try:
        key, errors = _run(request, scope, whole, action)
    except DomainError as exc:
        whole.refresh_from_db()
        context = _detail_context(scope, whole, {action: exc.message})
        return render(request, "cases/joint_detail.html", context, status=exc.status)
    if key:
        context = _detail_context(scope, whole, {key: errors})
        return render(request, "cases/joint_detail.html", context, status=400)
    messages.success(request, _("联办件 %(number)s 已办理。") % {"number": whole.number})
    return redirect("cases:joint_detail", number=whole.number)


@route("cases/joint/accept/")
@login_required
def joint_accept(request: HttpRequest) -> HttpResponse:
    """一件事统一受理: choose the package, then the applicant and every item's materials."""
    scope = scope_for(request.user)
    services.authorize_intake(actor=request.user)
    center_id = scope.require_center()
    packages = joint_selectors.active_packages(center_id)
    chosen = request.GET.get("package", "")
    package = packages.filter(pk=int(chosen)).first() if chosen.isdigit() else None
    form = None
    if package is not None:
        form = forms.JointAcceptForm(
            request.POST or None, package=package, windows=selectors.user_windows(scope)
        )
        if request.method == "POST" and form.is_valid():
            try:
                whole = joint.accept_joint_case(
                    actor=request.user,
                    package=package,
                    **form.applicant(),
                    materials_received=form.materials(),
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request, _("已统一受理,联办编号 %(number)s。") % {"number": whole.number}
                )
                return redirect("cases:joint_detail", number=whole.number)
    return render(
        request,
        "cases/joint_accept.html",
        {"packages": packages, "package": package, "form": form},
        status=400 if form is not None and form.errors else 200,
    )
