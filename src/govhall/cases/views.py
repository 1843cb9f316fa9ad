"""Case pages: window acceptance and receipt, back office, case page, e-supervision, citizen
lookup, import and export. HTTP only: parse, check permission, call a service or selector."""

from collections.abc import Callable
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from govhall.cases import forms, selectors, services
from govhall.cases.errors import CaseError
from govhall.cases.importing import parse_mapping
from govhall.cases.models import Case
from govhall.core import spreadsheets
from govhall.core.errors import (
    DomainError,
)
from govhall.core.ratelimits import throttle
from govhall.core.refs import CASE_RATING_SALT, sign_ref
from govhall.core.routing import route
from govhall.core.selectors import center_by_pk
from govhall.core.validators import mask_id_number, mask_phone
from govhall.org.scoping import Scope, scope_for
from govhall.org.selectors import departments_in_scope

LOOKUP_RATE = "10/m"


def lookup_throttled(request: HttpRequest) -> None:
    """The citizen lookup allows LOOKUP_RATE tries per client address, then answers 429."""
    throttle(
        request,
        group="cases.lookup",
        rate=LOOKUP_RATE,
        message=_("查询过于频繁,请稍后(约1分钟后)再试。"),
    )


def _case_for(scope: Scope, number: str) -> Case:
    case = (
        selectors.visible_cases(scope)
        .select_related("item", "department", "window", "accepted_by", "decided_by", "ticket")
        .filter(number=number)
        .first()
    )
    if case is None:
        raise CaseError.CASE_NOT_FOUND(_("办件不存在或您无权查看。"))
    return case


def _form_errors(form: Any, exc: DomainError) -> None:
    """Put a service's field errors on the form's fields, else its message on the form."""
    detail = exc.detail if isinstance(exc.detail, dict) else {}
    placed = False
    for field, message in detail.items():
        target = "identifier" if field in ("id_number", "uscc") else field
        if target in form.fields:
            form.add_error(target, message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


def _lookup_url(request: HttpRequest, case: Case) -> str:
    return request.build_absolute_uri(reverse("cases:lookup") + f"?number={case.number}")


# --- window ------------------------------------------------------------------------------------


@route("cases/accept/")
@login_required
def accept(request: HttpRequest) -> HttpResponse:
    """前台受理: choose the item, then the applicant, materials checklist and 容缺 choice."""
    scope = scope_for(request.user)
    services.authorize_intake(actor=request.user)
    items = selectors.acceptable_items(scope)
    chooser = forms.ItemChoiceForm(request.GET or None, items=items)
    item = chooser.cleaned_data["item"] if chooser.is_valid() else None
    ticket = selectors.ticket_for_acceptance(scope, request.GET.get("ticket"))
    form = None
    if item is not None:
        windows = selectors.user_windows(scope)
        form = forms.AcceptForm(request.POST or None, item=item, windows=windows)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                case = services.accept_case(
                    actor=request.user,
                    item=item,
                    **form.applicant(),
                    mode=data["mode"],
                    materials_received=data["received"],
                    materials_missing=data["missing"],
                    supply_by=data["supply_by"],
                    ticket=ticket,
                )
            except DomainError as exc:
                _form_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("已受理,办件编号 %(number)s,请打印受理回执。") % {"number": case.number},
                )
                return redirect("cases:receipt", number=case.number)
    return render(
        request,
        "cases/accept.html",
        {"chooser": chooser, "item": item, "form": form, "ticket": ticket},
        status=400 if form is not None and form.errors else 200,
    )


@route("cases/<str:number>/receipt/")
@login_required
def receipt(request: HttpRequest, number: str) -> HttpResponse:
    """受理回执: number, item, due date and a QR code of the progress page (printable)."""
    case = _case_for(scope_for(request.user), number)
    url = _lookup_url(request, case)
    qr = segno.make(url, error="m").svg_inline(scale=4)
    # 好差评 on the receipt: the visit now, the case once completed (feedback's rate_case page).
    rating_url = request.build_absolute_uri(
        reverse("feedback:rate_case", args=[sign_ref(case.pk, salt=CASE_RATING_SALT)])
    )
    return render(
        request,
        "cases/receipt.html",
        {
            "case": case,
            "qr": qr,
            "lookup_url": url,
            "rating_qr": segno.make(rating_url, error="m").svg_inline(scale=4),
            "rating_url": rating_url,
            "identifier": mask_id_number(case.applicant_identifier),
            "phone": mask_phone(case.phone),
        },
    )


def _scoped_cases(request: HttpRequest, perm: str) -> tuple[Scope, QuerySet[Case]]:
    """The user's scope, refused without `perm`, and the cases of their centre or department."""
    scope = scope_for(request.user)
    scope.require(perm)
    return scope, selectors.scoped_cases(scope)


# --- back office and the case page -------------------------------------------------------------


@route("cases/backoffice/")
@login_required
def backoffice(request: HttpRequest) -> HttpResponse:
    """后台审批: the department's cases waiting for a decision, most urgent first."""
    _scope, qs = _scoped_cases(request, "cases.view_case")
    today = timezone.localdate()
    queue = selectors.running_cases(qs, today=today)
    to_deliver = selectors.case_list(qs.filter(state=Case.State.COMPLETED), today=today)
    to_check = selectors.case_list(
        qs.filter(commitment_status=Case.Commitment.PENDING, state__in=Case.DONE_STATES),
        today=today,
    ).order_by("commitment_check_by")
    submitted = selectors.case_list(qs.filter(state=Case.State.SUBMITTED), today=today)
    return render(
        request,
        "cases/backoffice.html",
        {
            "page": Paginator(queue, 50).get_page(request.GET.get("page")),
            "to_deliver": to_deliver[:50],
            "to_check": to_check[:50],
            "submitted": submitted[:50],
        },
    )


# Each workflow action's form, and the service its fields go to as keyword arguments.
ACTION_HANDLERS: dict[str, tuple[type, Callable[..., Case]]] = {
    "accept": (forms.MaterialsForm, services.accept_submitted_case),
    "refuse": (forms.ReasonForm, services.refuse_case),
    "review": (forms.EmptyForm, services.start_review),
    "correction": (forms.CorrectionForm, services.request_correction),
    "notify": (forms.CorrectionForm, services.notify_correction),
    "extend": (forms.ExtendForm, services.extend_case),
    "resubmit": (forms.EmptyForm, services.resubmit_case),
    "supply": (forms.EmptyForm, services.supply_materials),
    "suspend": (forms.SuspendForm, services.suspend_case),
    "resume": (forms.EmptyForm, services.resume_case),
    "complete": (forms.CompleteForm, services.complete_case),
    "deliver": (forms.DeliverForm, services.deliver_case),
    "withdraw": (forms.OptionalReasonForm, services.withdraw_case),
    "verify": (forms.OptionalReasonForm, services.verify_commitment),
    "revoke": (forms.ReasonForm, services.revoke_commitment),
}
# The fields a service names otherwise.
RENAMED = {
    "accept": {"received": "materials_received", "missing": "materials_missing"},
    "verify": {"reason": "note"},
}


def _run_action(action: str, actor: Any, case: Case, data: dict[str, Any]) -> Case:
    names = RENAMED.get(action, {})
    call = ACTION_HANDLERS[action][1]
    return call(actor=actor, case=case, **{names.get(k, k): v for k, v in data.items()})


def _action_form(scope: Scope, action: str, case: Case, data: Any = None) -> Any:
    """The action's form: acceptance lists the item's materials, delivery the windows the user
    hands over at."""
    form_class = ACTION_HANDLERS[action][0]
    extra: dict[str, Any] = {}
    if issubclass(form_class, forms.MaterialsForm):
        extra["item"] = case.item
    elif form_class is forms.DeliverForm:
        extra["windows"] = selectors.user_windows(scope)
    elif form_class is forms.CompleteForm:
        extra["item"] = case.item
    return form_class(data, prefix=action, **extra)


def _detail_context(scope: Scope, case: Case, errors: dict[str, Any] | None = None) -> dict:
    actions = [
        (name, label, _action_form(scope, name, case))
        for name, label in selectors.available_actions(case, scope)
    ]
    return {
        "case": case,
        "light": selectors.light_of(case),
        "events": selectors.timeline(case),
        "stops": case.clock_stops.all(),
        "actions": actions,
        "identifier": mask_id_number(case.applicant_identifier),
        "phone": mask_phone(case.phone),
        "action_errors": errors or {},
    }


@route("cases/<str:number>/")
@login_required
def detail(request: HttpRequest, number: str) -> HttpResponse:
    scope = scope_for(request.user)
    scope.require("cases.view_case")
    case = _case_for(scope, number)
    return render(request, "cases/detail.html", _detail_context(scope, case))


@route("cases/<str:number>/<str:action>/")
@login_required
@require_POST
def act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """One workflow action on a case (the service checks permission and state)."""
    scope = scope_for(request.user)
    case = _case_for(scope, number)
    if action not in ACTION_HANDLERS:
        raise CaseError.UNKNOWN_ACTION(_("未知操作。"))
    form = _action_form(scope, action, case, request.POST)
    if not form.is_valid():
        context = _detail_context(scope, case, {action: form.errors})
        return render(request, "cases/detail.html", context, status=400)
    try:
        _run_action(action, request.user, case, form.cleaned_data)
    except DomainError as exc:
        context = _detail_context(scope, case, {action: exc.message})
        return render(request, "cases/detail.html", context, status=exc.status)
    messages.success(
        request,
        _("%(action)s:办件 %(number)s 已办理。")
        % {"action": selectors.ACTIONS[action][1], "number": case.number},
    )
    return redirect("cases:detail", number=case.number)


# --- e-supervision -----------------------------------------------------------------------------


def _filtered(request: HttpRequest, scope: Scope) -> tuple[Any, dict[str, Any]]:
    form = forms.SupervisionFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    filters = {
        "department_id": filters.get("department"),
        "item_id": filters.get("item"),
        "light": filters.get("light") or None,
        "state": filters.get("state") or None,
        "number": filters.get("number") or None,
        "accepted_from": filters.get("accepted_from"),
        "accepted_to": filters.get("accepted_to"),
    }
    return form, filters


# 电子监察 of the law's clocks: flag → (title, the rule it enforces)
CLOCK_FLAGS = {
    "unanswered": (
        gettext_lazy("网上/邮寄申请逾期未受理"),
        gettext_lazy(
            "收到申请材料5个工作日内未告知补正,依法自收到之日起即为受理(行政许可法第三十二条)"
        ),
    ),
    "deemed": (
        gettext_lazy("视为受理件"),
        gettext_lazy("期限自收到申请材料之日起计算(行政许可法第三十二条)"),
    ),
    "repeat_corrections": (
        gettext_lazy("多次要求补正"),
        gettext_lazy("补正应一次性告知;再次补正已说明理由,计为问题"),
    ),
    "procedure_overrun": (
        gettext_lazy("特别程序超过告知时间"),
        gettext_lazy("听证、检验检测、专家评审等超过书面告知的所需时间(行政许可法第四十五条)"),
    ),
    "missing_overdue": (gettext_lazy("容缺材料逾期未补交"), gettext_lazy("已过容缺材料补交期限")),
    "delivery_overdue": (
        gettext_lazy("逾期未送达"),
        gettext_lazy("作出准予决定之日起10个工作日内颁发、送达证件(行政许可法第四十四条)"),
    ),
}


@route("cases/supervision/")
@login_required
def supervision(request: HttpRequest) -> HttpResponse:
    """电子监察: running cases with their lights, overdue list and counts per department."""
    scope, qs = _scoped_cases(request, "cases.view_supervision")
    today = timezone.localdate()
    form, filters = _filtered(request, scope)
    running = selectors.running_cases(qs, today=today, **filters)
    return render(
        request,
        "cases/supervision.html",
        {
            "form": form,
            "filters": filters,
            "page": Paginator(running, 50).get_page(request.GET.get("page")),
            "counts": selectors.light_counts_by_department(qs, today),
            "flags": [
                (name, *CLOCK_FLAGS[name], rows.count(), rows[:50])
                for name, rows in selectors.clock_flags(qs, today).items()
            ],
            "overdue": selectors.running_cases(qs, today=today, light="red")[:100],
            "departments": departments_in_scope(scope),
            "items": selectors.acceptable_items(scope),
            "query": request.GET.urlencode(),
            "today": today,
        },
    )


@route("cases/export.xlsx")
@login_required
def export(request: HttpRequest) -> HttpResponse:
    """Any filtered list of cases as .xlsx (same filters as the supervision page)."""
    scope, qs = _scoped_cases(request, "cases.export_cases")
    _form, filters = _filtered(request, scope)
    qs = selectors.case_list(qs, **filters).order_by("accepted_at")
    return spreadsheets.xlsx_response(
        selectors.cases_to_xlsx(qs), filename=f"cases-{timezone.localdate():%Y%m%d}.xlsx"
    )


# --- citizen lookup ----------------------------------------------------------------------------


@route("cases/lookup/")
def lookup(request: HttpRequest) -> HttpResponse:
    """办件进度查询 without login: case number + last 4 digits of the phone; rate-limited."""
    form = forms.LookupForm(request.POST or None, initial={"number": request.GET.get("number")})
    case = None
    not_found = False
    if request.method == "POST":
        lookup_throttled(request)
        if form.is_valid():
            case = selectors.lookup_case(
                number=form.cleaned_data["number"], phone_last4=form.cleaned_data["phone_last4"]
            )
            not_found = case is None
    return render(
        request,
        "cases/lookup.html",
        {
            "form": form,
            "case": case,
            "not_found": not_found,
            "steps": selectors.public_steps(case) if case else [],
        },
        status=404 if not_found else 200,
    )


# --- import ------------------------------------------------------------------------------------


@route("cases/import/", name="import")
@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if scope.center_id is None:
        raise CaseError.NO_CENTER(_("请使用所属中心的账号导入办件。"))
    center = center_by_pk(scope.center_id)
    services.authorize_import(actor=request.user, center=center)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            mapping = parse_mapping(form.cleaned_data["mapping"])
        except ValueError as exc:
            form.add_error("mapping", str(exc))
        else:
            upload = form.cleaned_data["file"]
            try:
                report = services.import_cases(
                    center=center,
                    source=upload,
                    filename=upload.name,
                    mapping=mapping,
                    dry_run=form.cleaned_data["dry_run"],
                    actor=request.user,
                )
            except DomainError as exc:
                form.add_error("file", exc.message)
    return render(
        request,
        "cases/import.html",
        {"form": form, "report": report},
        status=400 if form.errors or (report and not report.ok) else 200,
    )
