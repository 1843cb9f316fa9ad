"""Pages of the feedback app: HTTP only (parse, call a service or selector, render).

The services check who may act; a page asks the permissions only to choose what it shows, and a
page that is nothing but one action's form asks the service's rule (`services.authorize_*`).
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from govhall.core.dates import month_so_far, month_span, previous_month
from govhall.core.errors import DomainError, ValidationFailed
from govhall.core.models import Center
from govhall.core.refs import CASE_RATING_SALT, unsign_ref
from govhall.core.routing import route
from govhall.core.selectors import active_centers
from govhall.feedback import links, selectors, services
from govhall.feedback.errors import FeedbackError
from govhall.feedback.forms import (
    AppealForm,
    AssignForm,
    AssistForm,
    CallbackForm,
    ComplaintCallbackForm,
    ComplaintForm,
    DecideAppealForm,
    HotlineImportForm,
    MonthForm,
    PadCodeForm,
    PairForm,
    PeriodForm,
    RateForm,
    RectifyForm,
    ResolveForm,
    VerifyForm,
)
from govhall.feedback.models import (
    Appeal,
    AssistRecord,
    Channel,
    Complaint,
    Evaluation,
    Level,
    Rectification,
)
from govhall.org.scoping import NO_CENTER, Scope, scope_for
from govhall.org.selectors import profile_of
from govhall.queueing.selectors import ticket_by_token, ticket_chain

PAD_COOKIE = "govhall_pad"
PAD_COOKIE_AGE = 5 * 365 * 24 * 3600


def _scoped_get(scope: Scope, qs: QuerySet, pk: int, perm: str) -> Any:
    scope.require(perm)
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise FeedbackError.RECORD_NOT_FOUND(_("记录不存在或不在您的权限范围内。"))
    return obj


def _page(request: HttpRequest, qs: QuerySet) -> Any:
    return Paginator(qs, 50).get_page(request.GET.get("page"))


def _identity(
    request: HttpRequest,
    scope: Scope,
    department_id: int | None,
    name: str,
    phone: str,
    record: str,
) -> dict[str, str]:
    """The person as the viewer may see them; a phone shown whole is written to the audit trail."""
    shown = selectors.visible_identity(scope, department_id, name, phone)
    if phone and shown["phone"] == phone:
        services.record_unmasked(request=request, records=[record])
    return shown


def _rater(
    request: HttpRequest, scope: Scope, evaluation: Evaluation, department_id: int | None
) -> dict[str, Any]:
    """The rater of `evaluation` as the viewer may see them (`_identity`), and whether the
    viewer may see the service's ticket and case numbers (``identified``): they lead to the
    person (a case shows its applicant), so they are shown with the identity only."""
    return {
        **_identity(
            request,
            scope,
            department_id,
            evaluation.rater_name,
            evaluation.rater_phone,
            f"evaluation:{evaluation.pk}",
        ),
        "identified": selectors.may_see_identity(scope, department_id),
    }


# ---------------------------------------------------------------- rating link (public)


@route("feedback/rate/<str:token>/")
def rate(request: HttpRequest, token: str) -> HttpResponse:
    """The page a rating link or QR code opens: five levels, aspects, comment, real name."""
    invitation = services.resolve_link(token)
    conf = selectors.feedback_settings(center_id=invitation.center_id)
    form = RateForm(
        request.POST or None, aspects=conf.aspects, known_phone=bool(invitation.rater_phone)
    )
    if request.method == "POST" and form.is_valid():
        via = request.GET.get("via", "")
        channel = via if via in (Channel.QR, Channel.SMS) else Channel.WEB
        try:
            evaluation = services.rate_with_link(
                token=token,
                channel=channel,
                actor=request.user,
                **form.cleaned_data,
            )
        except ValidationFailed as exc:
            form.add_error("comment" if exc.code == "comment_required" else None, exc.message)
        else:
            return render(request, "feedback/rate_done.html", {"evaluation": evaluation})
    return render(request, "feedback/rate.html", {"form": form, "invitation": invitation})


def _rate_entry(request: HttpRequest, invitations: list[Any], pending: str) -> HttpResponse:
    """Open the first of `invitations` that can still be rated, else say why none can."""
    now = timezone.now()
    known = [i for i in invitations if i is not None]
    for invitation in known:
        if invitation.used_at is None and not invitation.is_expired(now):
            return redirect(links.rating_path(invitation.pk) + "?via=qr")
    if not known:
        message = pending
    elif known[0].used_at is not None:
        message = _("您已评价本次服务,感谢您的监督!")
    else:
        message = _("评价链接已过期,请通过12345热线评价。")
    return render(request, "feedback/rate_entry.html", {"message": message})


@route("feedback/t/<uuid:token>/")
def rate_ticket(request: HttpRequest, token: str) -> HttpResponse:
    """The ticket page's 评价 button: the rating of this ticket's service, for its holder."""
    ticket = ticket_by_token(token)
    if ticket is None:
        raise FeedbackError.TICKET_NOT_FOUND(_("排队票不存在。"))
    return _rate_entry(
        request,
        [selectors.service_invitation(ticket=ticket_chain(ticket)[-1])],
        _("办理完成后可在此评价本次服务。"),
    )


@route("feedback/c/<str:ref>/")
def rate_case(request: HttpRequest, ref: str) -> HttpResponse:
    """The receipt's rating QR code: the case once completed, until then the visit that
    accepted it."""
    case_id = unsign_ref(ref, salt=CASE_RATING_SALT)
    case = selectors.rated_case(case_id)
    if case is None:
        raise FeedbackError.LINK_FORGED(_("评价链接无效:链接不完整或已被篡改。"))
    invitations = [selectors.service_invitation(case=case)]
    if case.ticket_id:
        invitations.append(selectors.service_invitation(ticket=case.ticket))
    return _rate_entry(request, invitations, _("办件办结后可在此评价。"))


# ---------------------------------------------------------------- window rating pad


def _pad(request: HttpRequest) -> Any:
    return selectors.pad_from_token(request.COOKIES.get(PAD_COOKIE))


def _paired_pad(request: HttpRequest) -> Any:
    device = _pad(request)
    if device is None:
        raise FeedbackError.PAD_UNKNOWN(_("评价器未配对或已停用,请重新配对。"))
    return device


def client_address(request: HttpRequest) -> str:
    """The address that pairing attempts are counted against."""
    return request.META.get("REMOTE_ADDR") or "unknown"


@route("feedback/pad/")
def pad(request: HttpRequest) -> HttpResponse:
    """The pad device's page: the pairing form until paired, then idle / five buttons."""
    device = _pad(request)
    if device is None:
        return render(request, "feedback/pad.html", {"form": PairForm()})
    return _pad_state(request, device, template="feedback/pad.html")


@route("feedback/pad/pair/")
@require_POST
def pad_pair(request: HttpRequest) -> HttpResponse:
    form = PairForm(request.POST)
    if not form.is_valid():
        return render(request, "feedback/pad.html", {"form": form}, status=400)
    try:
        _device, token = services.pair_pad(
            code=form.cleaned_data["code"], client=client_address(request)
        )
    except DomainError as exc:
        form.add_error("code", exc.message)
        return render(request, "feedback/pad.html", {"form": form}, status=exc.status)
    response = redirect("feedback:pad")
    response.set_cookie(
        PAD_COOKIE,
        token,
        max_age=PAD_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def _pad_state(
    request: HttpRequest, device: Any, template: str = "feedback/pad.html#state", **extra: Any
) -> HttpResponse:
    invitation = selectors.pad_pending_invitation(device)
    return render(
        request,
        template,
        {"pad": device, "invitation": invitation, "levels": Level.choices, **extra},
    )


@route("feedback/pad/state/")
@require_GET
def pad_state(request: HttpRequest) -> HttpResponse:
    """Polled every second; answers 204 (nothing to swap) while the pad shows what it should,
    so a person's finger never meets a button being redrawn."""
    device = _paired_pad(request)
    services.touch_pad(pad=device)
    invitation = selectors.pad_pending_invitation(device)
    if request.GET.get("shown") == str(invitation.pk if invitation else 0):
        return HttpResponse(status=204)
    return render(
        request,
        "feedback/pad.html#state",
        {"pad": device, "invitation": invitation, "levels": Level.choices},
    )


def _pad_invitation_id(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("invitation", ""))
    except ValueError as exc:
        raise FeedbackError.RATING_INCOMPLETE(_("评价数据不完整。")) from exc


@route("feedback/pad/rate/")
@require_POST
def pad_rate(request: HttpRequest) -> HttpResponse:
    device = _paired_pad(request)
    invitation_id = _pad_invitation_id(request)
    try:
        level = int(request.POST.get("level", ""))
    except ValueError as exc:
        raise FeedbackError.RATING_INCOMPLETE(_("评价数据不完整。")) from exc
    try:
        evaluation = services.rate_on_pad(
            pad=device, invitation_id=invitation_id, level=level, actor=request.user
        )
    except DomainError as exc:
        return _pad_state(request, device, error=exc.message)
    return render(request, "feedback/pad.html#thanks", {"evaluation": evaluation})


@route("feedback/pad/skip/")
@require_POST
def pad_skip(request: HttpRequest) -> HttpResponse:
    """The person declines to rate on the pad; their ticket's link stays valid."""
    device = _paired_pad(request)
    try:
        services.skip_pad_prompt(pad=device, invitation_id=_pad_invitation_id(request))
    except DomainError as exc:
        return _pad_state(request, device, error=exc.message)
    device.refresh_from_db(fields=["prompt_cleared_at"])
    return _pad_state(request, device)


@route("feedback/pad/code/")
@login_required
def pad_code(request: HttpRequest) -> HttpResponse:
    """Window staff pair a pad with their own window: a one-time code typed on the device."""
    center_id = scope_for(request.user).require_center()
    services.authorize_pairing(actor=request.user, center_id=center_id)
    windows = selectors.pairable_windows(request.user).filter(is_open=True)
    form = PadCodeForm(request.POST or None, windows=windows)
    issued = None
    if request.method == "POST" and form.is_valid():
        issued = services.issue_pairing_code(window=form.cleaned_data["window"], actor=request.user)
    return render(request, "feedback/pad_code.html", {"form": form, "issued": issued})


# ---------------------------------------------------------------- rectifications


@route("feedback/rectifications/", name="rectifications")
@login_required
def rectification_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    scope.require("feedback.view_rectification")
    status = request.GET.get("status") or None
    if status not in Rectification.Status.values:
        status = None
    overdue = request.GET.get("overdue") == "1"
    qs = selectors.rectification_list(scope, status=status, overdue=overdue)
    return render(
        request,
        "feedback/rectification_list.html",
        {
            "page": _page(request, qs),
            "statuses": Rectification.Status.choices,
            "status": status,
            "overdue": overdue,
            "today": timezone.localdate(),
        },
    )


def _took_step(
    request: HttpRequest,
    step: str | None,
    form: Any,
    stale: str,
    take: Callable[[dict[str, Any]], Any],
) -> bool:
    """The POST of a rectification's or complaint's current `step` (refused with `stale` when the
    page showed another): `take(data)` with the form's data. False when the form or the service
    refused, the page to show again with the error."""
    if step is None or request.POST.get("step") != step:
        raise FeedbackError.STEP_STALE(stale)
    if form is not None and not form.is_valid():
        return False
    try:
        take(dict(form.cleaned_data) if form else {})
    except ValidationFailed as exc:
        if form is None:
            messages.error(request, exc.message)
        else:
            form.add_error(None, exc.message)
        return False
    messages.success(request, _("已保存。"))
    return True


RECTIFICATION_STEPS = {
    Rectification.Status.OPEN: ("verify", VerifyForm, services.verify_rectification),
    Rectification.Status.VERIFIED: ("rectify", RectifyForm, services.rectify),
    Rectification.Status.RECTIFIED: ("callback", CallbackForm, services.record_callback),
    Rectification.Status.CALLED_BACK: ("close", None, services.close_rectification),
}


@route("feedback/rectifications/<int:pk>/", name="rectification")
@login_required
def rectification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    rect = _scoped_get(
        scope,
        selectors.rectification_list(scope).select_related(
            "evaluation__ticket", "evaluation__case"
        ),
        pk,
        "feedback.view_rectification",
    )
    step, form_class, act = RECTIFICATION_STEPS.get(rect.status, (None, None, None))
    may_handle = scope.can("feedback.handle_rectification") and step is not None
    form = form_class(request.POST or None, request.FILES or None) if form_class else None
    if request.method == "POST" and _took_step(
        request,
        step,
        form,
        _("该整改已进入下一环节,请刷新页面。"),
        lambda data: act(rectification=rect, actor=request.user, **data),
    ):
        return redirect("feedback:rectification", pk=rect.pk)
    evaluation = rect.evaluation
    return render(
        request,
        "feedback/rectification_detail.html",
        {
            "rect": rect,
            "evaluation": evaluation,
            "rater": _rater(request, scope, evaluation, rect.department_id),
            "events": rect.events.select_related("actor"),
            "step": step if may_handle else None,
            "form": form,
            "overdue": rect.is_overdue(),
        },
    )


# ---------------------------------------------------------------- ratings and appeals


@route("feedback/ratings/", name="evaluations")
@login_required
def evaluation_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    scope.require("feedback.view_evaluation")
    level = request.GET.get("level")
    qs = selectors.evaluation_list(
        scope, level=int(level) if level in ("1", "2", "3", "4", "5") else None
    )
    return render(
        request,
        "feedback/evaluation_list.html",
        {"page": _page(request, qs), "levels": Level.choices, "level": level},
    )


@route("feedback/ratings/<int:pk>/", name="evaluation")
@login_required
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    evaluation = _scoped_get(
        scope, selectors.evaluation_list(scope), pk, "feedback.view_evaluation"
    )
    appeal = selectors.appeal_of(evaluation)
    may_appeal = (
        appeal is None
        and not evaluation.excluded
        and scope.can("feedback.appeal_evaluation")
        and scope.may_see_department(evaluation.department_id)
    )
    may_decide = (
        appeal is not None
        and appeal.status == Appeal.Status.PENDING
        and scope.can("feedback.decide_appeal")
    )
    # A POST files the appeal while there is none, else decides it; the services say who may.
    posted = request.method == "POST"
    appeal_form = (
        AppealForm(request.POST or None, request.FILES or None)
        if may_appeal or (posted and appeal is None)
        else None
    )
    decide_form = (
        DecideAppealForm(request.POST or None)
        if may_decide or (posted and appeal is not None)
        else None
    )
    if appeal_form is not None and appeal_form.is_valid():
        services.file_appeal(evaluation=evaluation, actor=request.user, **appeal_form.cleaned_data)
        messages.success(request, _("申诉已提交,等待中心复核。"))
        return redirect("feedback:evaluation", pk=evaluation.pk)
    if decide_form is not None and decide_form.is_valid():
        services.decide_appeal(appeal=appeal, actor=request.user, **decide_form.cleaned_data)
        messages.success(request, _("复核结论已保存。"))
        return redirect("feedback:evaluation", pk=evaluation.pk)
    return render(
        request,
        "feedback/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "rater": _rater(request, scope, evaluation, evaluation.department_id),
            "appeal": appeal,
            "appeal_form": appeal_form if may_appeal else None,
            "decide_form": decide_form if may_decide else None,
            "events": evaluation.events.select_related("actor"),
        },
    )


@route("feedback/appeals/", name="appeals")
@login_required
def appeal_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    scope.require("feedback.view_appeal")
    status = request.GET.get("status", Appeal.Status.PENDING)
    qs = selectors.appeal_list(scope, status=status if status in Appeal.Status.values else None)
    return render(
        request,
        "feedback/appeal_list.html",
        {"page": _page(request, qs), "statuses": Appeal.Status.choices, "status": status},
    )


# ---------------------------------------------------------------- complaints


def _user_center(request: HttpRequest) -> Center:
    center = request.user.center
    if center is None:
        raise FeedbackError.NO_CENTER(NO_CENTER)
    return center


@route("feedback/complaints/", name="complaints")
@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    scope.require("feedback.view_complaint")
    form = ComplaintForm(request.POST or None)
    form.limit_to_center(scope.center_id)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = services.create_complaint(
                center=_user_center(request), actor=request.user, **form.cleaned_data
            )
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已受理,编号 %(n)s。") % {"n": complaint.number})
            return redirect("feedback:complaint", pk=complaint.pk)
    status = request.GET.get("status") or None
    qs = selectors.complaint_list(
        scope, status=status if status in Complaint.Status.values else None
    )
    return render(
        request,
        "feedback/complaint_list.html",
        {
            "page": _page(request, qs),
            "form": form if scope.can("feedback.add_complaint") else None,
            "statuses": Complaint.Status.choices,
            "status": status,
        },
    )


@route("feedback/complaints/<int:pk>/", name="complaint")
@login_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    complaint = _scoped_get(scope, selectors.complaint_list(scope), pk, "feedback.view_complaint")
    staff = selectors.complaint_staff(complaint)
    steps = {
        Complaint.Status.OPEN: (
            "assign",
            lambda data: AssignForm(data, staff=staff),
            services.assign_complaint,
        ),
        Complaint.Status.ASSIGNED: ("resolve", ResolveForm, services.resolve_complaint),
        Complaint.Status.RESOLVED: (
            ("callback", ComplaintCallbackForm, services.callback_complaint)
            if complaint.callback_reached is None and complaint.complainant_phone
            else ("close", None, services.close_complaint)
        ),
    }
    step, make_form, act = steps.get(complaint.status, (None, None, None))
    may_handle = scope.can("feedback.handle_complaint") and step is not None
    form = make_form(request.POST or None) if make_form else None
    if request.method == "POST":

        def take(data: dict[str, Any]) -> None:
            if step == "assign":
                data["assignee"] = data["assignee"].user
            act(complaint=complaint, actor=request.user, **data)

        if _took_step(request, step, form, _("该投诉已进入下一环节,请刷新页面。"), take):
            return redirect("feedback:complaint", pk=complaint.pk)
    return render(
        request,
        "feedback/complaint_detail.html",
        {
            "complaint": complaint,
            "person": _identity(
                request,
                scope,
                complaint.department_id,
                complaint.complainant_name,
                complaint.complainant_phone,
                f"complaint:{complaint.pk}",
            ),
            "events": complaint.events.select_related("actor"),
            "step": step if may_handle else None,
            "form": form,
        },
    )


# ---------------------------------------------------------------- assisted services


@route("feedback/assists/", name="assists")
@login_required
def assist_list(request: HttpRequest) -> HttpResponse:
    """Assisted services of the period, and quick entry for window staff."""
    scope = scope_for(request.user)
    scope.require("feedback.view_assistrecord")
    profile = profile_of(request.user)
    initial = {"department": profile.department_id, "staff": profile.pk} if profile else {}
    form = AssistForm(request.POST or None, initial=initial)
    form.limit_to_center(scope.center_id)
    form.fields["department"].queryset = scope.filter(
        form.fields["department"].queryset, department_field="pk"
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_assist(
                center=_user_center(request), actor=request.user, **form.cleaned_data
            )
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已登记。"))
            return redirect("feedback:assists")
    today = timezone.localdate()
    start, end = month_span(today.year, today.month)
    qs = selectors.assist_list(scope)
    return render(
        request,
        "feedback/assist_list.html",
        {
            "page": _page(request, qs),
            "form": form if scope.can("feedback.add_assistrecord") else None,
            "month_start": start,
            "month_end": end,
            "totals": selectors.assist_totals(center_id=scope.center_id, start=start, end=end),
        },
    )


# ---------------------------------------------------------------- disclosure and figures


def _month(request: HttpRequest) -> tuple[int, int]:
    form = MonthForm(request.GET)
    if form.is_valid() and form.cleaned_data["month"]:
        year, month = form.cleaned_data["month"].split("-")
        return int(year), int(month)
    first, _last = previous_month()
    return first.year, first.month


@route("disclosure/")
def disclosure(request: HttpRequest) -> HttpResponse:
    """Public: per department and month, ratings by level, good rate, bad ratings, rectified."""
    region = request.GET.get("center", "")
    own = request.user.center if request.user.is_authenticated else None
    center = selectors.disclosure_center(region, own=own)
    if center is None:
        raise FeedbackError.CENTER_NOT_FOUND(_("没有可公示的服务中心。"))
    year, month = _month(request)
    published = selectors.disclosure(center_id=center.pk, year=year, month=month)
    return render(
        request,
        "feedback/disclosure.html",
        {
            "center": center,
            "centers": active_centers(),
            "rows": published.rows,
            "total": published.total,
            "year": year,
            "month_number": month,
            "month": f"{year:04d}-{month:02d}",
            "levels": sorted(Level.choices, reverse=True),
        },
    )


@route("feedback/figures/")
@login_required
def figures(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    scope.require("feedback.view_feedback_figures")
    start, end = month_so_far()
    form = PeriodForm(request.GET or {"start": start, "end": end, "by": "department"})
    rows: list[tuple[Any, dict]] = []
    total = None
    if form.is_valid():
        start, end, by = (form.cleaned_data[k] for k in ("start", "end", "by"))
        grouped = getattr(selectors, f"{by}_figures")(
            center_id=scope.center_id, start=start, end=end
        )
        rows = [(obj, grouped[obj.pk]) for obj in selectors.figure_owners(scope, by, grouped)]
        if scope.whole_center:
            total = selectors.center_figures(center_id=scope.center_id, start=start, end=end)
    return render(
        request,
        "feedback/figures.html",
        {"form": form, "rows": rows, "total": total, "kinds": AssistRecord.Kind.choices},
    )


@route("feedback/import/")
@login_required
def hotline_import(request: HttpRequest) -> HttpResponse:
    center = _user_center(request)
    services.authorize_hotline_import(actor=request.user, center=center)
    form = HotlineImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            count = services.import_hotline(
                center=center,
                kind=form.cleaned_data["kind"],
                filename=upload.name,
                data=upload.read(),
                dry_run=form.cleaned_data["dry_run"],
                actor=request.user,
            )
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            text = (
                _("校验通过:%(n)s 行,未导入。")
                if form.cleaned_data["dry_run"]
                else _("已导入 %(n)s 行。")
            )
            messages.success(request, text % {"n": count})
            return redirect("feedback:hotline_import")
    return render(request, "feedback/hotline_import.html", {"form": form})


@route("feedback/")
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The feedback desk: the pages this user may open."""
    scope = scope_for(request.user)
    if not scope.can("feedback.view_evaluation") and not scope.can("feedback.view_rectification"):
        raise FeedbackError.NO_ROLE(_("您没有执行此操作的权限。"))
    open_rects = selectors.rectification_list(scope).filter(
        status__in=[
            Rectification.Status.OPEN,
            Rectification.Status.VERIFIED,
            Rectification.Status.RECTIFIED,
            Rectification.Status.CALLED_BACK,
        ]
    )
    return render(
        request,
        "feedback/home.html",
        {
            "open_rectifications": open_rects.count(),
            "overdue_rectifications": selectors.rectification_list(scope, overdue=True)
            .exclude(status=Rectification.Status.CLOSED)
            .count(),
            "recent": selectors.evaluation_list(scope)[:10],
            "scope": scope,
        },
    )
