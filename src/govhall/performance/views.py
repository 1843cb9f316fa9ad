"""Pages of the evaluation: dashboard, runs with their bulletin preview, downloads, mark entry."""

from decimal import Decimal, InvalidOperation

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govhall.core.errors import NotFound, PermissionDenied
from govhall.core.models import Center
from govhall.org.models import Department
from govhall.org.scoping import Scope, scope_for
from govhall.performance import charts, selectors, services
from govhall.performance.documents import bulletin_docx, tables_xlsx
from govhall.performance.models import EvaluationRun, RubricDimension
from govhall.performance.periods import parse_period
from govhall.performance.report import compose_bulletin, report_tables

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _center(scope: Scope) -> Center:
    if scope.center_id is None:
        raise PermissionDenied(_("您的账号未关联政务服务中心。"))
    return Center.objects.get(pk=scope.center_id)


def _viewer(request: HttpRequest) -> tuple[Scope, Center]:
    scope = scope_for(request.user)
    scope.require("performance.view_evaluationrun")
    if not scope.whole_center:
        raise PermissionDenied(_("效能看板仅向中心管理员、领导和督查人员开放。"))
    return scope, _center(scope)


def _run(request: HttpRequest, pk: int) -> tuple[Scope, EvaluationRun]:
    scope, center = _viewer(request)
    run = (
        EvaluationRun.objects.filter(pk=pk, center=center)
        .select_related("period", "rubric")
        .first()
    )
    if run is None:
        raise NotFound(_("找不到该评价结果。"))
    return scope, run


def _default_code() -> str:
    today = timezone.localdate()
    return f"{today.year:04d}-{today.month:02d}"


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    scope, center = _viewer(request)
    code = request.GET.get("period") or _default_code()
    spec = parse_period(code)
    period = services.ensure_period(center=center, code=spec.code)
    run = selectors.latest_run(period=period, published_only=True) or selectors.latest_run(
        period=period
    )
    if run is not None:
        figures = run.inputs.get("center", {})
        scores = list(selectors.run_scores(run=run))
        ranking_svg = charts.ranking_chart(
            _("%(period)s服务效能评价排名") % {"period": period.label},
            [s.department.name for s in scores],
            [float(s.total) for s in scores],
        )
    else:
        figures = selectors.gather_figures(
            center_id=center.pk, start=spec.start, end=spec.end
        ).center
        scores, ranking_svg = [], ""
    months = selectors.month_codes_back(last=spec.end, count=6)
    trend = selectors.trend(center_id=center.pk, codes=months)
    labels = [row["label"] for row in trend]
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
            "period": period,
            "code": spec.code,
            "figures": figures,
            "run": run,
            "runs": period.runs.order_by("-version"),
            "scores": scores,
            "ranking_svg": ranking_svg,
            "trend_svgs": trend_svgs,
            "can_compute": scope.can("performance.compute_evaluation"),
            "entry_dimensions": RubricDimension.objects.filter(
                rubric__center=center, rubric__is_active=True
            ).exclude(method=RubricDimension.Method.DATA)
            if scope.can("performance.enter_score")
            else [],
        },
    )


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope, run = _run(request, pk)
    bulletin = compose_bulletin(
        run=run,
        settings=services.ensure_bulletin_settings(center=run.center),
        issued_on=timezone.localdate(),
    )
    return render(
        request,
        "performance/run_detail.html",
        {
            "run": run,
            "scores": selectors.run_scores(run=run),
            "dimensions": run.rubric.dimensions.all(),
            "stars": run.staff_scores.filter(award__gt="").select_related(
                "staff__user", "staff__department"
            ),
            "bulletin": bulletin,
            "can_publish": scope.can("performance.publish_evaluation")
            and run.status == EvaluationRun.Status.DRAFT,
        },
    )


def _attachment(response: HttpResponse, run: EvaluationRun, suffix: str) -> HttpResponse:
    name = f"{run.center.region_code}-{run.period.code}-v{run.version}-{suffix}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def run_docx(request: HttpRequest, pk: int) -> HttpResponse:
    _scope, run = _run(request, pk)
    bulletin = compose_bulletin(
        run=run,
        settings=services.ensure_bulletin_settings(center=run.center),
        issued_on=timezone.localdate(),
    )
    return _attachment(
        HttpResponse(bulletin_docx(bulletin), content_type=DOCX), run, "bulletin.docx"
    )


@login_required
def run_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    _scope, run = _run(request, pk)
    return _attachment(
        HttpResponse(tables_xlsx(report_tables(run)), content_type=XLSX), run, "tables.xlsx"
    )


@login_required
@require_POST
def compute(request: HttpRequest) -> HttpResponse:
    scope, center = _viewer(request)
    scope.require("performance.compute_evaluation")
    run = services.evaluate_period(
        center=center, code=request.POST.get("period", ""), actor=request.user
    )
    return redirect("performance:run_detail", pk=run.pk)


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    scope, run = _run(request, pk)
    scope.require("performance.publish_evaluation")
    services.publish_run(run=run, actor=request.user)
    return redirect("performance:run_detail", pk=run.pk)


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
            "label": spec.label,
            "figures": figures.departments.get(department.pk, {}),
            "history": selectors.department_history(
                center_id=center.pk, department_id=department.pk
            ),
        },
    )


@login_required
def enter_scores(request: HttpRequest, code: str, dimension_id: int) -> HttpResponse:
    scope = scope_for(request.user)
    scope.require("performance.enter_score")
    center = _center(scope)
    dimension = get_object_or_404(
        RubricDimension, pk=dimension_id, rubric__center=center, rubric__is_active=True
    )
    period = services.ensure_period(center=center, code=code)
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
            for department_id, score in marks.items():
                services.enter_manual_score(
                    period=period,
                    dimension=dimension,
                    department_id=department_id,
                    evaluator=request.user,
                    score=score,
                )
            return redirect(f"{request.path}?saved=1")
    existing = dict(
        period.manual.filter(dimension=dimension, evaluator=request.user).values_list(
            "department_id", "score"
        )
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
        {"period": period, "dimension": dimension, "rows": rows, "saved": request.GET.get("saved")},
        status=status,
    )
