"""Pages of training and rotation: parse, check permission, call a service or selector, render.

A refused or invalid action shows its message and changes nothing (post/redirect/get).
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govhall.core.pages import attempt, attempt_form, form_page
from govhall.core.routing import route
from govhall.org.scoping import Scope, scope_for
from govhall.training import forms, selectors, services

FIRST_YEAR = 2000


def _scope(request: HttpRequest, perm: str = "training.view_trainingsession") -> Scope:
    scope = scope_for(request.user)
    scope.require(perm)
    return scope


def _year(request: HttpRequest) -> int:
    """The year asked for; anything that is not a year from 2000 to next year means this year."""
    this_year = timezone.localdate().year
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isascii() and raw.isdigit() else this_year
    return year if FIRST_YEAR <= year <= this_year + 1 else this_year


@route("training/")
@login_required
def year(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    the_year = _year(request)
    figures = selectors.training_year(
        center_id=scope.center_id,
        year=the_year,
        department_id=None if scope.whole_center else scope.department_id,
    )
    return render(
        request,
        "training/year.html",
        {
            "year": the_year,
            "years": range(timezone.localdate().year + 1, FIRST_YEAR - 1, -1),
            "figures": figures,
            "sessions": selectors.visible_sessions(scope, year=the_year),
            "rotations": selectors.visible_rotations(scope, year=the_year),
            "may_manage": scope.can("training.manage_training"),
            "may_rotate": scope.can("training.add_rotation"),
            "may_end_rotation": scope.can("training.change_rotation"),
            "end_form": forms.EndRotationForm(initial={"ended_on": timezone.localdate()}),
        },
    )


@route("training/new/")
@login_required
def session_create(request: HttpRequest) -> HttpResponse:
    scope = _scope(request, "training.manage_training")
    form = forms.SessionForm(request.POST or None, center_id=scope.center_id)
    return form_page(
        request,
        form,
        "training/session_form.html",
        lambda: services.create_session(
            actor=request.user, center_id=scope.center_id, **form.service_kwargs()
        ),
        _("培训已登记。"),
        lambda session: redirect("training:session", pk=session.pk),
    )


@route("training/<int:pk>/", name="session")
@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request)
    session = selectors.visible_session(scope, pk)
    may_manage = scope.can("training.manage_training")
    attendance = list(selectors.attendance_of(session, scope))
    present = {row.staff_id for row in attendance if row.present}
    return render(
        request,
        "training/session.html",
        {
            "session": session,
            "attendance": attendance,
            "audience": selectors.audience(session) if may_manage else [],
            "present": present,
            "may_manage": may_manage,
            "cancel_form": forms.CancelForm(),
        },
    )


def _staff_ids(request: HttpRequest) -> list[int]:
    return [int(v) for v in request.POST.getlist("present") if v.isascii() and v.isdigit()]


@route("training/<int:pk>/attendance/")
@login_required
@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request, "training.manage_training")
    session = selectors.visible_session(scope, pk)
    attempt(
        request,
        lambda: services.record_attendance(
            actor=request.user, session_id=session.pk, present_staff_ids=_staff_ids(request)
        ),
        _("参训情况已保存。"),
    )
    return redirect("training:session", pk=session.pk)


@route("training/<int:pk>/cancel/")
@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope(request, "training.manage_training")
    session = selectors.visible_session(scope, pk)
    attempt_form(
        request,
        forms.CancelForm(request.POST),
        lambda data: services.cancel_session(
            actor=request.user, session_id=session.pk, reason=data["reason"]
        ),
        _("培训已取消。"),
    )
    return redirect("training:session", pk=session.pk)


@route("training/rotations/new/")
@login_required
def rotation_create(request: HttpRequest) -> HttpResponse:
    scope = _scope(request, "training.add_rotation")
    form = forms.RotationForm(
        request.POST or None, staff=selectors.rotatable_staff(scope), center_id=scope.center_id
    )
    return form_page(
        request,
        form,
        "training/rotation_form.html",
        lambda: services.record_rotation(
            actor=request.user, center_id=scope.center_id, **form.service_kwargs()
        ),
        _("轮岗交流已登记。"),
        lambda _rotation: redirect("training:year"),
    )


@route("training/rotations/<int:pk>/end/")
@login_required
@require_POST
def rotation_end(request: HttpRequest, pk: int) -> HttpResponse:
    _scope(request, "training.change_rotation")
    attempt_form(
        request,
        forms.EndRotationForm(request.POST),
        lambda data: services.end_rotation(
            actor=request.user, rotation_id=pk, ended_on=data["ended_on"]
        ),
        _("轮岗已结束。"),
    )
    return redirect("training:year")
