"""Attendance pages: the monthly table and its .xlsx, my attendance, approvals, the import.

HTTP only: parse, check permission, call a service or selector, render. DomainErrors raised by
a service are shown as a message on the page they came from.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govhall.attendance import exports, selectors, services
from govhall.attendance.errors import AttendanceError
from govhall.attendance.forms import (
    DecideForm,
    ImportForm,
    LeaveForm,
    MonthForm,
    ReasonForm,
    TemporaryAbsenceForm,
)
from govhall.attendance.models import (
    LeaveRequest,
    Punch,
    Violation,
)
from govhall.core import spreadsheets
from govhall.core.dates import month_span
from govhall.core.errors import DomainError
from govhall.core.pages import attempt, attempt_form
from govhall.core.routing import route
from govhall.core.selectors import center_by_pk
from govhall.org import selectors as org_selectors
from govhall.org.models import StaffProfile
from govhall.org.scoping import NO_CENTER, scope_for


def role_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in and holding a role (checked before the method, so a person with no role is
    refused rather than told which methods exist)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not scope_for(request.user).roles and not request.user.is_superuser:
            raise AttendanceError.NO_ROLE(_("您没有执行此操作的权限。"))
        return view(request, *args, **kwargs)

    return wrapped


def _monthly_context(request: HttpRequest) -> dict[str, Any]:
    scope = scope_for(request.user)
    scope.require("attendance.view_attendance_table")
    if scope.sees_nothing:
        raise AttendanceError.NO_CENTER(NO_CENTER)
    departments = org_selectors.departments_of(scope.center_id)
    if not scope.whole_center:
        departments = departments.filter(pk=scope.department_id)
    params = request.GET.copy()
    params.setdefault("month", timezone.localdate().strftime("%Y-%m"))
    if not scope.whole_center:
        params["department"] = str(scope.department_id)
    form = MonthForm(params, departments=[(d.pk, d.name) for d in departments])
    if not form.is_valid():
        return {"form": form, "table": None}
    try:
        start, end = selectors.month_bounds(form.cleaned_data["month"])
    except ValueError:
        form.add_error("month", _("月份格式应为 YYYY-MM。"))
        return {"form": form, "table": None}
    department_id = form.cleaned_data["department"]
    table = selectors.monthly_table(
        center_id=scope.center_id, start=start, end=end, department_id=department_id
    )
    names = dict(departments.values_list("id", "name"))
    stability = [
        {"name": names[dept_id], **row}
        for dept_id, row in selectors.department_stability(
            center_id=scope.center_id, start=start, end=end
        ).items()
        if dept_id in names and (department_id is None or dept_id == department_id)
    ]
    return {
        "stability": sorted(stability, key=lambda r: -r["changes"]),
        "form": form,
        "table": table,
        "keys": selectors.FIGURE_KEYS,
        "labels": [selectors.FIGURE_LABELS[k] for k in selectors.FIGURE_KEYS],
        "query": form.data.urlencode(),
    }


@route("attendance/monthly/")
@login_required
def monthly(request: HttpRequest) -> HttpResponse:
    """考勤考核汇总表: per staff and per department for a month."""
    return render(request, "attendance/monthly.html", _monthly_context(request))


@route("attendance/monthly.xlsx")
@login_required
def monthly_xlsx(request: HttpRequest) -> HttpResponse:
    context = _monthly_context(request)
    table = context["table"]
    if table is None:
        return render(request, "attendance/monthly.html", context, status=400)
    center = center_by_pk(scope_for(request.user).center_id)
    return spreadsheets.xlsx_response(
        exports.monthly_workbook(table, center_name=center.name),
        filename=f"attendance-{table.start:%Y-%m}.xlsx",
    )


def _my_profile(request: HttpRequest) -> StaffProfile:
    profile = org_selectors.active_profile(request.user)
    if profile is None:
        raise AttendanceError.NO_STAFF_PROFILE(_("您没有在岗的工作人员档案。"))
    return profile


@route("attendance/me/")
@login_required
def me(request: HttpRequest) -> HttpResponse:
    """My attendance: sign in/out, leave, temporary absence, my violations."""
    profile = _my_profile(request)
    today = timezone.localdate()
    start, end = month_span(today.year, today.month)
    figures = selectors.staff_figures(center_id=profile.center_id, start=start, end=end).get(
        profile.pk, {}
    )
    own = selectors.own_attendance(profile, day=today, start=start, end=end)
    context = {
        "profile": profile,
        "punches": own.punches,
        "records": own.records,
        "figures": [
            (selectors.FIGURE_LABELS[key], value)
            for key, value in figures.items()
            if key != "staff_count"
        ],
        "leaves": own.leaves,
        "open_absence": selectors.open_absence(request.user),
        "violations": own.violations,
        "leave_form": LeaveForm(),
        "absence_form": TemporaryAbsenceForm(),
        "appeal_form": ReasonForm(),
    }
    return render(request, "attendance/me.html", context)


@route("attendance/me/punch/")
@role_required
@require_POST
def me_punch(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind", "")
    attempt(
        request,
        lambda: services.self_punch(user=request.user, kind=kind),
        _("签到成功。") if kind == Punch.Kind.IN else _("签退成功。"),
    )
    return redirect("attendance:me")


@route("attendance/me/leave/")
@role_required
@require_POST
def me_leave(request: HttpRequest) -> HttpResponse:
    form = LeaveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请假申请填写有误:%(e)s") % {"e": form.errors.as_text()})
    else:
        attempt(
            request,
            lambda: services.request_leave(actor=request.user, **form.cleaned_data),
            _("请假申请已提交,等待单位审批。"),
        )
    return redirect("attendance:me")


@route("attendance/me/absence/")
@role_required
@require_POST
def me_absence(request: HttpRequest) -> HttpResponse:
    open_absence = selectors.open_absence(request.user)
    if open_absence is not None:
        attempt(
            request,
            lambda: services.register_return(actor=request.user, absence=open_absence),
            _("已登记返回。"),
        )
        return redirect("attendance:me")
    attempt_form(
        request,
        TemporaryAbsenceForm(request.POST),
        lambda data: services.register_temporary_absence(actor=request.user, reason=data["reason"]),
        _("已登记外出。"),
        invalid=_("请填写外出事由。"),
    )
    return redirect("attendance:me")


def _visible(request: HttpRequest, model: type, pk: int) -> Any:
    obj = selectors.visible_row(request.user, model, pk)
    if obj is None:
        raise AttendanceError.RECORD_NOT_FOUND(_("记录不存在或不在您的权限范围内。"))
    return obj


@route("attendance/violations/<int:pk>/appeal/")
@role_required
@require_POST
def violation_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    violation = _visible(request, Violation, pk)
    attempt_form(
        request,
        ReasonForm(request.POST),
        lambda data: services.appeal_violation(
            actor=request.user, violation=violation, reason=data["reason"]
        ),
        _("申诉已提交,由中心裁定。"),
        invalid=_("请填写申诉理由。"),
    )
    back = request.POST.get("next", "")
    if back.startswith("/") and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect("attendance:me")


@route("attendance/approvals/")
@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    """Leave waiting for my step, and (for the centre) appeals waiting for a decision."""
    scope = scope_for(request.user)
    if not (
        scope.can("attendance.approve_leave_unit")
        or scope.can("attendance.approve_leave_center")
        or scope.can("attendance.decide_appeal")
    ):
        raise AttendanceError.NOT_AN_APPROVER(_("您没有审批权限。"))
    waiting = []
    if scope.can("attendance.approve_leave_unit"):
        waiting.append(LeaveRequest.Status.PENDING_UNIT)
    if scope.can("attendance.approve_leave_center"):
        waiting.append(LeaveRequest.Status.PENDING_CENTER)
    leaves = selectors.leaves_awaiting(request.user, waiting)
    appeals = (
        selectors.appeals_awaiting(request.user) if scope.can("attendance.decide_appeal") else []
    )
    return render(
        request,
        "attendance/approvals.html",
        {
            "leaves": leaves,
            "appeals": appeals,
            "can_decide": scope.can("attendance.decide_appeal"),
            "reason_form": ReasonForm(),
            "decide_form": DecideForm(),
        },
    )


@route("attendance/leaves/<int:pk>/decide/")
@role_required
@require_POST
def leave_decide(request: HttpRequest, pk: int) -> HttpResponse:
    leave = _visible(request, LeaveRequest, pk)
    if request.POST.get("decision") == "approve":
        step = (
            services.approve_leave_as_unit
            if leave.status == LeaveRequest.Status.PENDING_UNIT
            else services.approve_leave_as_center
        )
        attempt(request, lambda: step(actor=request.user, leave=leave), _("已同意。"))
    else:
        attempt_form(
            request,
            ReasonForm(request.POST),
            lambda data: services.reject_leave(
                actor=request.user, leave=leave, reason=data["reason"]
            ),
            _("已驳回。"),
            invalid=_("请填写驳回理由。"),
        )
    return redirect("attendance:approvals")


@route("attendance/violations/<int:pk>/decide/")
@role_required
@require_POST
def violation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    violation = _visible(request, Violation, pk)
    attempt_form(
        request,
        DecideForm(request.POST),
        lambda data: services.decide_appeal(actor=request.user, violation=violation, **data),
        _("已裁定。"),
        invalid=_("请选择裁定结果并填写意见。"),
    )
    return redirect("attendance:approvals")


@route("attendance/import/", name="import")
@login_required
def punch_import(request: HttpRequest) -> HttpResponse:
    """Upload an attendance machine export: check it (dry run), then import it."""
    scope = scope_for(request.user)
    scope.require("attendance.import_punches")
    report = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = services.import_punches(
                actor=request.user,
                center=center_by_pk(scope.center_id),
                filename=upload.name,
                content=upload.read(),
                dry_run=form.cleaned_data["dry_run"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
    return render(request, "attendance/import.html", {"form": form, "report": report})
