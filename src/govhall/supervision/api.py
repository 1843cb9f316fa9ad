"""REST API of rectification campaigns: one view per operation, scoped by role.

Each view checks the permission first (so a refused request is refused whatever its body),
then parses its input, calls one service or selector and renders the output serializer.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from govhall.core import spreadsheets
from govhall.core.api import documented_post, validated
from govhall.core.routing import route
from govhall.org.scoping import Scope, scope_for
from govhall.supervision import exports, selectors, services
from govhall.supervision import serializers as s
from govhall.supervision.errors import SupervisionError
from govhall.supervision.models import (
    Campaign,
    CampaignUnit,
    Problem,
    ProblemCategory,
    ProblemEvidence,
)

TAG = ["supervision"]
ON_PARAM = OpenApiParameter(
    "on", OpenApiTypes.DATE, description="统计日期(默认今天,不能晚于今天):截至当日结束时的情况"
)


def _scope(request: Request, perm: str, unless: str | None = None) -> Scope:
    """The user's scope, refused without `perm` (not asked of a user who holds `unless`)."""
    scope = scope_for(request.user)
    scope.require(perm, unless=unless)
    return scope


def _unit(campaign: Campaign, unit_id: int) -> CampaignUnit:
    unit = campaign.units.select_related("campaign").filter(pk=unit_id).first()
    if unit is None:
        raise SupervisionError.UNIT_NOT_IN_CAMPAIGN(
            _("单位不属于该活动。"), detail={"unit": [unit_id]}
        )
    return unit


def _category(campaign: Campaign, category_id: int) -> ProblemCategory:
    category = campaign.categories.filter(pk=category_id).first()
    if category is None:
        raise SupervisionError.CATEGORY_NOT_IN_CAMPAIGN(
            _("问题类别不属于该活动。"), detail={"category": [category_id]}
        )
    return category


def _on(request: Request) -> dt.date:
    return selectors.report_day(validated(s.OnIn, request.query_params).get("on"))


def _problem_out(problem: Problem, *, detail: bool = False) -> dict[str, Any]:
    serializer = s.ProblemDetailOut if detail else s.ProblemOut
    return serializer(problem, context={"on": timezone.localdate()}).data


# --- campaigns ------------------------------------------------------------------------------


@route("campaigns/", name="campaigns")
class CampaignListApi(APIView):
    @extend_schema(tags=TAG, responses=s.CampaignOut(many=True), summary="排查整改活动列表")
    def get(self, request: Request) -> Response:
        scope = _scope(request, "supervision.view_campaign")
        return Response(s.CampaignOut(selectors.visible_campaigns(scope), many=True).data)

    @extend_schema(
        tags=TAG, request=s.CampaignCreateIn, responses={201: s.CampaignOut}, summary="创建活动"
    )
    def post(self, request: Request) -> Response:
        scope = _scope(request, "supervision.manage_campaign")
        data = validated(s.CampaignCreateIn, request.data)
        campaign = services.create_campaign(
            actor=request.user,
            center_id=scope.center_id,
            phase_ends=data.pop("phase_ends"),
            **data,
        )
        return Response(s.CampaignOut(campaign).data, status=201)


@route("campaigns/<int:pk>/", name="campaign")
class CampaignDetailApi(APIView):
    @extend_schema(tags=TAG, responses=s.CampaignDetailOut, summary="活动详情")
    def get(self, request: Request, pk: int) -> Response:
        scope = _scope(request, "supervision.view_campaign")
        campaign = selectors.visible_campaign(scope, campaign_id=pk)
        phases = selectors.campaign_phases(campaign_id=campaign.pk)
        current = selectors.phase_on(phases, timezone.localdate())
        campaign.current_phase = current.kind if current else None
        return Response(s.CampaignDetailOut(campaign).data)


@route("campaigns/<int:pk>/phases/", name="phases")
class PhaseDatesApi(APIView):
    @extend_schema(
        tags=TAG, request=s.PhaseEndsIn, responses=s.PhaseOut(many=True), summary="调整阶段日期"
    )
    def post(self, request: Request, pk: int) -> Response:
        scope = _scope(request, "supervision.manage_campaign")
        campaign = selectors.visible_campaign(scope, campaign_id=pk)
        data = validated(s.PhaseEndsIn, request.data)
        services.set_phase_dates(actor=request.user, campaign=campaign, phase_ends=data)
        phases = selectors.campaign_phases(campaign_id=campaign.pk)
        return Response(s.PhaseOut(phases, many=True).data)


@route("campaigns/<int:pk>/documents/", name="documents")
class DocumentUploadApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=TAG, request=s.DocumentIn, responses={201: s.DocumentOut}, summary="上传活动文件"
    )
    def post(self, request: Request, pk: int) -> Response:
        scope = _scope(request, "supervision.manage_campaign")
        campaign = selectors.visible_campaign(scope, campaign_id=pk)
        data = validated(s.DocumentIn, request.data)
        doc = services.add_document(actor=request.user, campaign=campaign, **data)
        return Response(s.DocumentOut(doc).data, status=201)


@route("campaigns/<int:pk>/phase-report/", name="phase-report")
class PhaseReportApi(APIView):
    @extend_schema(
        tags=TAG,
        parameters=[ON_PARAM],
        responses=s.PhaseStatusOut(many=True),
        summary="各阶段到期问题及超期情况",
    )
    def get(self, request: Request, pk: int) -> Response:
        scope = _scope(request, "supervision.view_problem")
        campaign = selectors.visible_campaign(scope, campaign_id=pk)
        rows = selectors.visible_phase_report(scope, campaign, on=_on(request))
        return Response(s.PhaseStatusOut(rows, many=True).data)


# --- problems -------------------------------------------------------------------------------


@route("campaigns/<int:pk>/problems/", name="problems")
class ProblemListApi(APIView):
    @extend_schema(
        tags=TAG,
        parameters=[
            OpenApiParameter("unit", int),
            OpenApiParameter("status", str, enum=Problem.Status.values),
            OpenApiParameter("category", int),
            OpenApiParameter("found_by", str, enum=Problem.Source.values),
        ],
        responses=s.ProblemOut(many=True),
        summary="整改清单",
    )
    def get(self, request: Request, pk: int) -> Response:
        scope = _scope(request, "supervision.view_problem")
        campaign = selectors.visible_campaign(scope, campaign_id=pk)
        params = validated(s.ProblemFilterIn, request.query_params)
        problems = selectors.problem_list(
            scope,
            campaign_id=campaign.pk,
            unit_id=params.get("unit"),
            status=params.get("status"),
            category_id=params.get("category"),
            found_by=params.get("found_by"),
        )
        return Response(
            s.ProblemOut(problems, many=True, context={"on": timezone.localdate()}).data
        )

    @extend_schema(
        tags=TAG, request=s.ProblemCreateIn, responses={201: s.ProblemOut}, summary="登记问题"
    )
    def post(self, request: Request, pk: int) -> Response:
        scope = _scope(
            request, "supervision.edit_problem_list", unless="supervision.record_problem"
        )
        campaign = selectors.visible_campaign(scope, campaign_id=pk)
        data = validated(s.ProblemCreateIn, request.data)
        problem = services.create_problem(
            actor=request.user,
            unit=_unit(campaign, data.pop("unit")),
            category=_category(campaign, data.pop("category")),
            **data,
        )
        return Response(_problem_out(problem), status=201)


@route("problems/<int:pk>/", name="problem")
class ProblemDetailApi(APIView):
    @extend_schema(tags=TAG, responses=s.ProblemDetailOut, summary="问题详情与记录")
    def get(self, request: Request, pk: int) -> Response:
        scope = _scope(request, "supervision.view_problem")
        return Response(_problem_out(selectors.visible_problem(scope, problem_id=pk), detail=True))

    @extend_schema(tags=TAG, request=s.ProblemUpdateIn, responses=s.ProblemOut, summary="修改问题")
    def patch(self, request: Request, pk: int) -> Response:
        scope = _scope(
            request, "supervision.edit_problem_list", unless="supervision.record_problem"
        )
        problem = selectors.visible_problem(scope, problem_id=pk)
        data = validated(s.ProblemUpdateIn, request.data)
        if "category" in data:
            data["category"] = _category(problem.campaign, data["category"])
        problem = services.update_problem(actor=request.user, problem=problem, **data)
        return Response(_problem_out(problem))


# Base of a problem's steps: with `permission`, POST `input` to a problem the user may see and
# call `service` on it; answers with the problem. (A comment: a docstring would describe every
# step in the API schema.)
class ProblemStep(APIView):
    permission: str
    unless: str | None = None
    input: type[Serializer]
    service: Callable[..., Any]
    summary: str
    responses: Any = s.ProblemOut

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        documented_post(
            cls, tags=TAG, request=cls.input, responses=cls.responses, summary=cls.summary
        )

    def handle(self, request: Request, pk: int) -> Response:
        scope = _scope(request, self.permission, unless=self.unless)
        problem = selectors.visible_problem(scope, problem_id=pk)
        data = validated(self.input, request.data)
        return self.respond(self.service(actor=request.user, problem=problem, **data))

    def respond(self, problem: Problem) -> Response:
        return Response(_problem_out(problem))


@route("problems/<int:pk>/fix/", name="problem-fix")
class ProblemFixApi(ProblemStep):
    permission, input, summary = "supervision.edit_problem_list", s.FixIn, "整改完成"
    service = staticmethod(services.mark_fixed)


@route("problems/<int:pk>/confirm/", name="problem-confirm")
class ProblemConfirmApi(ProblemStep):
    permission, input, summary = "supervision.confirm_problem", s.ConfirmIn, "督查确认"
    service = staticmethod(services.confirm_problem)


@route("problems/<int:pk>/reopen/", name="problem-reopen")
class ProblemReopenApi(ProblemStep):
    permission, input, summary = "supervision.confirm_problem", s.ReopenIn, "退回重改"
    service = staticmethod(services.reopen_problem)


@route("problems/<int:pk>/evidence/", name="problem-evidence")
class EvidenceUploadApi(ProblemStep):
    permission, unless = "supervision.edit_problem_list", "supervision.record_problem"
    input, summary = s.EvidenceIn, "上传佐证材料"
    service = staticmethod(services.add_evidence)
    responses = {201: s.EvidenceOut}
    parser_classes = [MultiPartParser, FormParser]

    def respond(self, evidence: ProblemEvidence) -> Response:
        return Response(s.EvidenceOut(evidence).data, status=201)


@route("campaigns/<int:pk>/import/<str:source>/", name="import")
class ImportApi(APIView):
    @extend_schema(
        tags=TAG,
        request=s.ImportIn,
        responses=s.ImportOut,
        summary="从数据生成问题(办事指南检查、超期办件、排队等待、零办件单位)",
    )
    def post(self, request: Request, pk: int, source: str) -> Response:
        scope = _scope(request, "supervision.record_problem")
        campaign = selectors.visible_campaign(scope, campaign_id=pk)
        if source not in Problem.DATA_SOURCES:
            raise SupervisionError.SOURCE_NOT_FOUND(
                _("没有这种数据来源。"), detail={"source": source}
            )
        data = validated(s.ImportIn, request.data)
        result = services.import_from_data(
            actor=request.user, campaign=campaign, source=source, **data
        )
        return Response(result.as_dict())


# --- census ---------------------------------------------------------------------------------


@route("campaigns/<int:pk>/census/", name="census")
class CensusApi(APIView):
    @extend_schema(tags=TAG, responses=s.CensusOut, summary="窗口统计表及未报送单位")
    def get(self, request: Request, pk: int) -> Response:
        scope = _scope(request, "supervision.view_censusreport")
        campaign = selectors.visible_campaign(scope, campaign_id=pk)
        unit_ids = selectors.visible_unit_ids(scope, campaign_id=campaign.pk)
        missing = selectors.missing_census_units(campaign_id=campaign.pk)
        if unit_ids is not None:
            missing = missing.filter(pk__in=unit_ids)
        data = {
            "reports": selectors.census_reports(campaign_id=campaign.pk, unit_ids=unit_ids),
            "missing": missing,
            "totals": selectors.census_totals(campaign_id=campaign.pk) if unit_ids is None else {},
        }
        return Response(s.CensusOut(data, context={"census_due": campaign.census_due}).data)

    @extend_schema(
        tags=TAG,
        request=s.CensusIn,
        responses={201: s.CensusReportOut},
        summary="报送窗口统计表或零报告",
    )
    def post(self, request: Request, pk: int) -> Response:
        scope = _scope(request, "supervision.file_census")
        campaign = selectors.visible_campaign(scope, campaign_id=pk)
        data = validated(s.CensusIn, request.data)
        report = services.file_census(
            actor=request.user,
            unit=_unit(campaign, data.pop("unit")),
            entries=[services.CensusLine(**line) for line in data.pop("entries")],
            **data,
        )
        context = {"census_due": campaign.census_due}
        return Response(s.CensusReportOut(report, context=context).data, status=201)


# --- progress and sign-off ------------------------------------------------------------------


@route("campaigns/<int:pk>/progress/", name="progress")
class ProgressApi(APIView):
    @extend_schema(tags=TAG, parameters=[ON_PARAM], responses=s.ProgressOut, summary="整改进度")
    def get(self, request: Request, pk: int) -> Response:
        scope = _scope(request, "supervision.view_problem")
        campaign = selectors.visible_campaign(scope, campaign_id=pk)
        on = _on(request)
        progress = selectors.visible_progress(scope, campaign, on=on)
        return Response(
            s.ProgressOut({"on": on, "rows": progress.rows, "totals": progress.totals}).data
        )


@route("campaigns/<int:pk>/progress.xlsx", name="progress-xlsx")
class ProgressXlsxApi(APIView):
    @extend_schema(
        tags=TAG,
        parameters=[ON_PARAM],
        responses={(200, spreadsheets.XLSX_TYPE): OpenApiResponse(OpenApiTypes.BINARY)},
        summary="整改进度表(.xlsx)",
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        scope = _scope(request, "supervision.view_problem")
        campaign = selectors.visible_campaign(scope, campaign_id=pk)
        return exports.progress_download(scope, campaign, on=_on(request))


@route("campaigns/<int:pk>/signoff/", name="signoff")
class SignOffApi(APIView):
    @extend_schema(tags=TAG, request=s.SignOffIn, responses={201: s.SignOffOut}, summary="签字确认")
    def post(self, request: Request, pk: int) -> Response:
        scope = _scope(request, "supervision.sign_off", unless="supervision.manage_campaign")
        campaign = selectors.visible_campaign(scope, campaign_id=pk)
        data = validated(s.SignOffIn, request.data)
        signoff = services.sign_off(
            actor=request.user, unit=_unit(campaign, data.pop("unit")), **data
        )
        return Response(s.SignOffOut(signoff).data, status=201)
