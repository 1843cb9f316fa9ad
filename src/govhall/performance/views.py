"""Pages of the evaluation: dashboard, runs with their bulletin preview, downloads, mark entry.

The pages are the centre's (`_viewer`); the services check who may compute, publish and mark
(the mark entry page, nothing but that action's form, asks the service's rule first).
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govhall.catalog.selectors import public_center
from govhall.core.models import Center
from govhall.core.routing import route
from govhall.core.selectors import center_by_pk
from govhall.feedback.models import Level
from govhall.org.models import Department
from govhall.org.scoping import Scope, scope_for
from govhall.performance import charts, selectors, services
from govhall.performance.documents import bulletin_docx, tables_xlsx
from govhall.performance.errors import PerformanceError
from govhall.performance.models import DepartmentScore, EvaluationRun, RubricDimension
from govhall.performance.periods import PeriodSpec, parse_period
from govhall.performance.presentation import figure_groups, missing_dimension_names
from govhall.performance.report import Bulletin, as_of_label, report_tables, run_period_label
from govhall.performance.selectors import YearFigures
from govhall.performance.yearly import ranking_table, year_of, yearly_report

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _center(scope: Scope, request: HttpRequest) -> Center:
    return center_by_pk(scope.require_center(request.GET.get("center")))


def _viewer(request: HttpRequest) -> tuple[Scope, Center]:
    scope = scope_for(request.user)
    scope.require("performance.view_evaluationrun")
    if not scope.whole_center:
        raise PerformanceError.CENTER_WIDE_ONLY(_("效能看板仅向中心管理员、领导和督查人员开放。"))
    return scope, _center(scope, request)


def _run(request: HttpRequest, pk: int) -> tuple[Scope, EvaluationRun]:
    scope, center = _viewer(request)
    run = selectors.center_run(center_id=center.pk, run_id=pk)
    if run is None:
        raise PerformanceError.RUN_NOT_FOUND(_("找不到该评价结果。"))
    return scope, run


def _default_code() -> str:
    today = timezone.localdate()
    return f"{today.year:04d}-{today.month:02d}"


def _running_label(spec: PeriodSpec, today: dt.date) -> str:
    """The period's label, with the day its figures stop at while it is still running."""
    return as_of_label(spec.label, today if spec.start <= today < spec.end else None)


@route("performance/")
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    scope, center = _viewer(request)
    code = request.GET.get("period") or _default_code()
    spec = parse_period(code)
    runs = selectors.period_runs(center_id=center.pk, code=spec.code)
    run = selectors.shown_run(runs)
    today = timezone.localdate()
    label = _running_label(spec, today)
    if run is not None:
        label = run_period_label(run)
        figures = run.inputs.get("center", {})
        scores = list(selectors.run_scores(run=run))
        # The ranking chart draws the ranked units only: a unit listed apart (not entered,
        # without cases, under the volume floor) has a total but no place in the ranking.
        ranked = [s for s in scores if s.standing == DepartmentScore.Standing.RANKED]
        ranking_svg = charts.ranking_chart(
            _("%(period)s服务效能评价排名") % {"period": label},
            [s.department.name for s in ranked],
            [float(s.total) for s in ranked],
        )
    else:
        figures = (
            None
            if spec.start > today
            else selectors.gather_figures(
                center_id=center.pk, start=spec.start, end=spec.end
            ).center
        )
        scores, ranking_svg = [], ""
    months = selectors.month_codes_back(last=spec.end, count=6)
    trend = selectors.trend(center_id=center.pk, codes=months)
    # The running month's point is a part of it: its tick says to which day.
    labels = [_running_label(parse_period(row["code"]), today) for row in trend]
    trend_svgs = [
        charts.line_chart(_("受理办件量"), labels, {_("受理"): [r.get("accepted") for r in trend]}),
        charts.line_chart(
            _("平均等待时间(分钟)"),
            labels,
            {
                _("等待"): [
                    round(r["avg_wait_seconds"] / 60, 1) if r.get("avg_wait_seconds") else None
                    for r in trend
                ]
            },
        ),
        charts.line_chart(
            _("好评率(%)"),
            labels,
            {
                _("好评率"): [
                    round(r["good_rate"] * 100, 2) if r.get("good_rate") is not None else None
                    for r in trend
                ]
            },
        ),
    ]
    return render(
        request,
        "performance/dashboard.html",
        {
            "center": center,
            "year": spec.start.year,
            "label": label,
            "code": spec.code,
            "figures": figures,
            "run": run,
            "runs": runs,
            "scores": scores,
            "ranking_svg": ranking_svg,
            "trend_svgs": trend_svgs,
            "can_compute": scope.can("performance.compute_evaluation") and spec.start <= today,
            "entry_dimensions": selectors.manual_dimensions(center_id=center.pk)
            if scope.can("performance.enter_score")
            else [],
        },
    )


@route("performance/runs/<int:pk>/")
@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope, run = _run(request, pk)
    bulletin = services.bulletin_of(run=run)
    dimensions = list(run.rubric.dimensions.all())
    return render(
        request,
        "performance/run_detail.html",
        {
            "run": run,
            "rows": [(s, _flag_messages(s, dimensions)) for s in selectors.ranked_scores(run=run)],
            "unranked": [
                (s, _flag_messages(s, dimensions)) for s in selectors.unranked_scores(run=run)
            ],
            "dimensions": dimensions,
            "stars": run.staff_scores.filter(award__gt="").select_related(
                "staff__user", "staff__department"
            ),
            "bulletin": bulletin,
            "can_publish": scope.can("performance.publish_evaluation")
            and run.status == EvaluationRun.Status.DRAFT,
            "can_edit_text": scope.can("performance.compute_evaluation")
            and run.status == EvaluationRun.Status.DRAFT,
        },
    )


def _flag_messages(score: DepartmentScore, dimensions: list[RubricDimension]) -> list[str]:
    """The score's flags as sentences; missing marks name the rubric's dimensions, not codes."""
    missing = "、".join(missing_dimension_names(score.dimension_scores, dimensions))
    return [
        _("未录入评分的维度:%(d)s") % {"d": missing}
        if flag.get("kind") == "missing_marks"
        else flag["message"]
        for flag in score.flags
        if missing or flag.get("kind") != "missing_marks"
    ]


def _attachment(response: HttpResponse, run: EvaluationRun, suffix: str) -> HttpResponse:
    name = f"{run.center.region_code}-{run.period.code}-v{run.version}-{suffix}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@route("performance/runs/<int:pk>/bulletin.docx")
@login_required
def run_docx(request: HttpRequest, pk: int) -> HttpResponse:
    _scope, run = _run(request, pk)
    bulletin = services.bulletin_of(run=run)
    return _attachment(
        HttpResponse(bulletin_docx(bulletin), content_type=DOCX), run, "bulletin.docx"
    )


@route("performance/runs/<int:pk>/tables.xlsx")
@login_required
def run_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    _scope, run = _run(request, pk)
    return _attachment(
        HttpResponse(tables_xlsx(report_tables(run)), content_type=XLSX), run, "tables.xlsx"
    )


def _yearly(request: HttpRequest) -> tuple[Center, int, YearFigures, Bulletin]:
    """The viewer's centre, the year asked for (this year by default), and that year's figures
    and report."""
    _scope, center = _viewer(request)
    year = year_of(request.GET.get("year") or timezone.localdate().year)
    figures, bulletin = yearly_report(center=center, year=year)
    return center, year, figures, bulletin


@route("performance/yearly/")
@login_required
def yearly(request: HttpRequest) -> HttpResponse:
    """The yearly report (年度报告): its text, the ranking of the year and the download."""
    _center, year, figures, bulletin = _yearly(request)
    header, rows = ranking_table(figures.ranking)
    return render(
        request,
        "performance/yearly.html",
        {"year": year, "figures": figures, "bulletin": bulletin, "header": header, "rows": rows},
    )


@route("performance/yearly/report.docx")
@login_required
def yearly_docx(request: HttpRequest) -> HttpResponse:
    center, year, figures, bulletin = _yearly(request)
    partial = "" if figures.complete else f"-to-{figures.end:%m%d}"
    response = HttpResponse(bulletin_docx(bulletin), content_type=DOCX)
    response["Content-Disposition"] = (
        f'attachment; filename="{center.region_code}-{year}{partial}-annual-report.docx"'
    )
    return response


def _back_to_run(request: HttpRequest, run: EvaluationRun, message: str) -> HttpResponse:
    """The run's page, with `message` (naming the run's period and version) shown."""
    messages.success(request, message % {"period": run.period.label, "v": run.version})
    return redirect("performance:run_detail", pk=run.pk)


@route("performance/compute/")
@login_required
@require_POST
def compute(request: HttpRequest) -> HttpResponse:
    _scope, center = _viewer(request)
    run = services.evaluate_period(
        center=center, code=request.POST.get("period", ""), actor=request.user
    )
    return _back_to_run(request, run, _("已计算%(period)s第%(v)s版(草稿),核对后可发布。"))


@route("performance/runs/<int:pk>/text/")
@login_required
@require_POST
def run_text(request: HttpRequest, pk: int) -> HttpResponse:
    """The office's own paragraphs of a draft's bulletin."""
    _scope, run = _run(request, pk)
    services.edit_run_text(
        run=run,
        narrative_work=request.POST.get("narrative_work", ""),
        narrative_problems=request.POST.get("narrative_problems", ""),
        actor=request.user,
    )
    return redirect("performance:run_detail", pk=run.pk)


@route("performance/runs/<int:pk>/publish/")
@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    _scope, run = _run(request, pk)
    services.publish_run(run=run, actor=request.user)
    return _back_to_run(request, run, _("已发布%(period)s第%(v)s版评价结果。"))


@route("performance/departments/<int:pk>/", name="department")
@login_required
def department_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _scope, center = _viewer(request)
    department = get_object_or_404(Department, pk=pk, center=center)
    code = request.GET.get("period") or _default_code()
    spec = parse_period(code)
    figures = selectors.gather_figures(center_id=center.pk, start=spec.start, end=spec.end)
    return render(
        request,
        "performance/department.html",
        {
            "department": department,
            "code": spec.code,
            "label": _running_label(spec, timezone.localdate()),
            "groups": figure_groups(figures.departments.get(department.pk, {})),
            "history": selectors.department_history(
                center_id=center.pk, department_id=department.pk
            ),
        },
    )


@route("performance/periods/<str:code>/scores/<int:dimension_id>/")
@login_required
def enter_scores(request: HttpRequest, code: str, dimension_id: int) -> HttpResponse:
    center = _center(scope_for(request.user), request)
    services.authorize_marks(actor=request.user, center_id=center.pk)
    spec = parse_period(code)
    dimension = get_object_or_404(
        RubricDimension, pk=dimension_id, rubric__center=center, rubric__is_active=True
    )
    departments = list(selectors.evaluated_departments(center_id=center.pk))
    errors: dict[int, str] = {}
    if request.method == "POST":
        marks: dict[int, Decimal] = {}
        for department in departments:
            raw = request.POST.get(f"score-{department.pk}", "").strip()
            if not raw:
                continue
            try:
                marks[department.pk] = Decimal(raw)
            except InvalidOperation:
                errors[department.pk] = _("请输入数字。")
                continue
            if not Decimal(0) <= marks[department.pk] <= Decimal(100):
                errors[department.pk] = _("分数应在0到100之间。")
        if not errors:
            services.enter_manual_scores(
                center=center,
                code=spec.code,
                dimension=dimension,
                marks=marks,
                evaluator=request.user,
            )
            messages.success(
                request,
                _("已保存%(n)s个单位的%(d)s评分。") % {"n": len(marks), "d": dimension.name},
            )
            return redirect(request.path)
    existing = selectors.entered_marks(
        center_id=center.pk, code=spec.code, dimension_id=dimension.pk, evaluator_id=request.user.pk
    )
    rows = [
        {
            "department": d,
            "value": request.POST.get(f"score-{d.pk}", existing.get(d.pk, "")),
            "error": errors.get(d.pk, ""),
        }
        for d in departments
    ]
    status = 400 if errors else 200
    return render(
        request,
        "performance/enter_scores.html",
        {"label": spec.label, "dimension": dimension, "rows": rows},
        status=status,
    )


def _lobby_center(request: HttpRequest) -> Center:
    """The hall a lobby screen shows: ``?center=<region code>``, else the viewer's, else the
    first (the screen is public, like the display board)."""
    return public_center(
        region_code=request.GET.get("center", "").strip() or None,
        preferred_id=getattr(request.user, "center_id", None),
    )


@route("performance/lobby/")
def lobby(request: HttpRequest) -> HttpResponse:
    """数据大屏: the hall today on a 1920×1080 screen, refreshed from `lobby_data`."""
    center = _lobby_center(request)
    return render(
        request,
        "performance/lobby.html",
        {
            "hall": center,
            "data": selectors.lobby_figures(center_id=center.pk, day=timezone.localdate()),
            "data_url": reverse("performance:lobby_data") + f"?center={center.region_code}",
            "labels": {
                "levels": {str(level.value): str(level.label) for level in Level},
                "hour": _("%(h)s时"),
                "accepted": _("受理"),
                "completed": _("办结"),
                "issued": _("取号"),
                "minutes": _("%(m)s 分钟"),
            },
        },
    )


@route("performance/lobby/data/")
def lobby_data(request: HttpRequest) -> JsonResponse:
    center = _lobby_center(request)
    data = selectors.lobby_figures(center_id=center.pk, day=timezone.localdate())
    return JsonResponse({**data, "at": timezone.localtime().strftime("%H:%M:%S")})
