"""REST API of the evaluation: rubrics, runs, computing, publishing and entering marks.

A view asks a permission to read; the services check who may write (an operation that judges its
input before it reaches the service asks the service's rule first, `services.authorize_*`, so a
refused caller learns nothing from the validation)."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.core.api import center_object, validated
from govhall.core.models import Center
from govhall.core.routing import route
from govhall.core.selectors import center_by_pk, center_row
from govhall.org.models import Department
from govhall.org.scoping import NO_CENTER, Scope, scope_for
from govhall.performance import selectors, services
from govhall.performance.errors import PerformanceError
from govhall.performance.models import EvaluationRun, Rubric
from govhall.performance.serializers import (
    ComputeInput,
    ManualScoreInput,
    RubricSerializer,
    RunDetailSerializer,
    RunSerializer,
)
from govhall.performance.yearly import year_of, year_payload, yearly_figures


def _center(request: Request, perm: str | None = None) -> tuple[Scope, Center]:
    """The user's scope and centre, asking `perm` when the view reads."""
    scope = scope_for(request.user)
    if perm is not None:
        scope.require(perm)
    if scope.center_id is None:
        raise PerformanceError.NO_CENTER(NO_CENTER)
    return scope, center_by_pk(scope.center_id)


def _visible_runs(request: Request) -> QuerySet[EvaluationRun]:
    scope, center = _center(request, "performance.view_evaluationrun")
    runs = selectors.center_runs(center_id=center.pk)
    if not scope.whole_center:
        runs = runs.filter(status=EvaluationRun.Status.PUBLISHED)
    return runs


@route("rubrics/", name="rubrics")
class RubricListApi(generics.ListAPIView):
    serializer_class = RubricSerializer
    queryset = Rubric.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> QuerySet[Rubric]:
        _scope, center = _center(self.request, "performance.view_rubric")
        return selectors.center_rubrics(center_id=center.pk)


@route("rubrics/<int:pk>/new-version/", name="rubric-new-version")
class RubricNewVersionApi(APIView):
    @extend_schema(request=None, responses={201: RubricSerializer})
    def post(self, request: Request, pk: int) -> Response:
        _scope, center = _center(request)
        rubric = center_object(Rubric, pk, center.pk, _("找不到该考核细则。"))
        copy = services.new_rubric_version(rubric=rubric, actor=request.user)
        return Response(RubricSerializer(copy).data, status=status.HTTP_201_CREATED)


@route("runs/", name="runs")
class RunListApi(generics.ListAPIView):
    serializer_class = RunSerializer
    queryset = EvaluationRun.objects.none()  # for the schema; requests use get_queryset

    @extend_schema(parameters=[OpenApiParameter("period", str, description="2026-05")])
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[EvaluationRun]:
        runs = _visible_runs(self.request)
        period = self.request.query_params.get("period")
        return runs.filter(period__code=period.upper()) if period else runs


@route("runs/<int:pk>/", name="run")
class RunDetailApi(generics.RetrieveAPIView):
    serializer_class = RunDetailSerializer
    queryset = EvaluationRun.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self) -> QuerySet[EvaluationRun]:
        return _visible_runs(self.request).prefetch_related(
            "scores__department", "staff_scores__staff__user"
        )


@route("compute/", name="compute")
class ComputeApi(APIView):
    @extend_schema(request=ComputeInput, responses={201: RunDetailSerializer})
    def post(self, request: Request) -> Response:
        _scope, center = _center(request)
        services.authorize_compute(actor=request.user, center_id=center.pk)
        data = validated(ComputeInput, request.data)
        run = services.evaluate_period(center=center, code=data["period"], actor=request.user)
        return Response(RunDetailSerializer(run).data, status=status.HTTP_201_CREATED)


@route("runs/<int:pk>/publish/", name="publish")
class PublishApi(APIView):
    @extend_schema(request=None, responses={200: RunSerializer})
    def post(self, request: Request, pk: int) -> Response:
        _scope, center = _center(request)
        run = center_object(EvaluationRun, pk, center.pk, _("找不到该评价结果。"))
        return Response(RunSerializer(services.publish_run(run=run, actor=request.user)).data)


@route("scores/", name="scores")
class ManualScoreApi(APIView):
    @extend_schema(request=ManualScoreInput, responses={200: ManualScoreInput})
    def post(self, request: Request) -> Response:
        _scope, center = _center(request)
        services.authorize_marks(actor=request.user, center_id=center.pk)
        values = validated(ManualScoreInput, request.data)
        dimension = selectors.center_dimension(
            center_id=center.pk, dimension_id=values["dimension"]
        )
        if dimension is None or center_row(Department, values["department"], center.pk) is None:
            raise PerformanceError.DIMENSION_OR_UNIT_NOT_FOUND(_("找不到该维度或单位。"))
        services.enter_manual_scores(
            center=center,
            code=values["period"],
            dimension=dimension,
            marks={values["department"]: values["score"]},
            evaluator=request.user,
        )
        return Response(ManualScoreInput(values).data)


@route("years/<str:year>/", name="year")
class YearlyApi(APIView):
    """The figures of the yearly report and the ranking of the year (centre-wide roles)."""

    @extend_schema(responses={200: dict})
    def get(self, request: Request, year: str) -> Response:
        scope, center = _center(request, "performance.view_evaluationrun")
        if not scope.whole_center:
            raise PerformanceError.CENTER_WIDE_ONLY(
                _("年度报告仅向中心管理员、领导和督查人员开放。")
            )
        figures = yearly_figures(center=center, year=year_of(year))
        return Response(year_payload(figures))
