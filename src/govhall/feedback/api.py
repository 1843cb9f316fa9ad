"""REST API of the feedback app: one view per operation, HTTP only; the services decide, and
check who may act. A view asks a permission itself only to read; an operation that judges its
input before it reaches the service asks the service's rule first (`services.authorize_*`), so a
refused caller learns nothing from the validation."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.catalog.models import ServiceItem
from govhall.core.api import center_input, documented_post, validated
from govhall.core.models import Center, User
from govhall.core.routing import route
from govhall.core.selectors import center_row, find_center
from govhall.feedback import selectors, services
from govhall.feedback import serializers as s
from govhall.feedback.errors import FeedbackError
from govhall.feedback.models import Appeal, Complaint, Rectification
from govhall.feedback.views import client_address
from govhall.org.models import Department, StaffProfile, Window
from govhall.org.scoping import NO_CENTER, Scope, scope_for, view_scope

PAD_HEADER = "X-Pad-Token"


def _center(scope: Scope) -> Center:
    center = find_center(scope.center_id)
    if center is None:
        raise FeedbackError.NO_CENTER(NO_CENTER)
    return center


class ScopedMixin:
    """List/detail of rows the user's scope allows, behind one permission."""

    permission: str

    def scope(self) -> Scope:
        return view_scope(self, self.permission)

    def get_serializer_context(self) -> dict[str, Any]:
        self.unmasked: list[str] = []
        return {
            **super().get_serializer_context(),
            "scope": scope_for(self.request.user),
            "unmasked": self.unmasked,
        }

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        if response.status_code < 400:
            services.record_unmasked(request=request, records=getattr(self, "unmasked", []))
        return super().finalize_response(request, response, *args, **kwargs)


def _shown(serializer: type, row: Any, request: Request, scope: Scope) -> Any:
    """`row` through `serializer`, the phones it shows whole written to the audit trail."""
    context: dict[str, Any] = {"scope": scope, "unmasked": []}
    data = serializer(row, context=context).data
    services.record_unmasked(request=request, records=context["unmasked"])
    return data


# ---------------------------------------------------------------- ratings


@route("evaluations/", name="evaluations")
class EvaluationList(ScopedMixin, ListAPIView):
    permission = "feedback.view_evaluation"
    serializer_class = s.EvaluationOut

    @extend_schema(
        parameters=[
            OpenApiParameter("level", int, description="1..5"),
            OpenApiParameter("bad", bool),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet:
        level = self.request.query_params.get("level")
        return selectors.evaluation_list(
            self.scope(),
            level=int(level) if level in ("1", "2", "3", "4", "5") else None,
            bad_only=self.request.query_params.get("bad") in ("1", "true"),
        )


@route("evaluations/<int:pk>/", name="evaluation")
class EvaluationDetail(ScopedMixin, RetrieveAPIView):
    permission = "feedback.view_evaluation"
    serializer_class = s.EvaluationOut

    def get_queryset(self) -> QuerySet:
        return selectors.evaluation_list(self.scope())


@route("invitations/check/", name="invitation")
class InvitationCheck(APIView):
    """Public: what a rating link is for, or why it no longer works."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("token", str, required=True)],
        responses=s.InvitationOut,
    )
    def get(self, request: Request) -> Response:
        invitation = services.resolve_link(request.query_params.get("token", ""))
        invitation.aspects = selectors.feedback_settings(center_id=invitation.center_id).aspects
        return Response(s.InvitationOut(invitation).data)


@route("rate/", name="rate")
class Rate(APIView):
    """Public: rate one service through its signed link (一次一评)."""

    permission_classes = [AllowAny]

    @extend_schema(request=s.RateIn, responses={201: s.RatedOut})
    def post(self, request: Request) -> Response:
        data = validated(s.RateIn, request.data)
        evaluation = services.rate_with_link(actor=request.user, **data)
        return Response(s.RatedOut(evaluation).data, status=201)


# ---------------------------------------------------------------- pad (device token)


def _device(request: Request) -> Any:
    device = selectors.pad_from_token(request.headers.get(PAD_HEADER))
    if device is None:
        raise FeedbackError.PAD_UNKNOWN(_("评价器未配对或已停用,请重新配对。"))
    return device


@route("pad/pair/", name="pad-pair")
class PadPair(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(request=s.PadPairIn, responses={201: s.PadPairOut})
    def post(self, request: Request) -> Response:
        data = validated(s.PadPairIn, request.data)
        device, token = services.pair_pad(code=data["code"], client=client_address(request))
        return Response({"token": token, "window_number": device.window.number}, status=201)


@route("pad/state/", name="pad-state")
class PadState(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        parameters=[OpenApiParameter(PAD_HEADER, str, OpenApiParameter.HEADER, required=True)],
        responses=s.PadStateOut,
    )
    def get(self, request: Request) -> Response:
        device = _device(request)
        services.touch_pad(pad=device)
        invitation = selectors.pad_pending_invitation(device)
        if invitation is not None:
            invitation.aspects = []
        return Response(
            s.PadStateOut({"window_number": device.window.number, "invitation": invitation}).data
        )


@route("pad/rate/", name="pad-rate")
class PadRate(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        parameters=[OpenApiParameter(PAD_HEADER, str, OpenApiParameter.HEADER, required=True)],
        request=s.PadRateIn,
        responses={201: s.RatedOut},
    )
    def post(self, request: Request) -> Response:
        device = _device(request)
        data = validated(s.PadRateIn, request.data)
        evaluation = services.rate_on_pad(
            pad=device, invitation_id=data["invitation"], level=data["level"]
        )
        return Response(s.RatedOut(evaluation).data, status=201)


@route("pad/skip/", name="pad-skip")
class PadSkip(APIView):
    """The person declines to rate on the pad (the prompt ends; their link stays valid)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        parameters=[OpenApiParameter(PAD_HEADER, str, OpenApiParameter.HEADER, required=True)],
        request=s.PadSkipIn,
        responses={204: None},
    )
    def post(self, request: Request) -> Response:
        device = _device(request)
        data = validated(s.PadSkipIn, request.data)
        services.skip_pad_prompt(pad=device, invitation_id=data["invitation"])
        return Response(status=204)


# ---------------------------------------------------------------- appeals


@route("appeals/", name="appeals")
class AppealList(ScopedMixin, ListAPIView):
    permission = "feedback.view_appeal"
    serializer_class = s.AppealOut

    def get_queryset(self) -> QuerySet:
        status = self.request.query_params.get("status")
        return selectors.appeal_list(
            self.scope(), status=status if status in Appeal.Status.values else None
        )


@route("evaluations/<int:pk>/appeal/", name="appeal")
class FileAppeal(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(request=s.AppealIn, responses={201: s.AppealOut})
    def post(self, request: Request, pk: int) -> Response:
        scope = scope_for(request.user)
        evaluation = selectors.evaluation_list(scope).filter(pk=pk).first()
        if evaluation is None:
            raise FeedbackError.RECORD_NOT_FOUND(_("记录不存在或不在您的权限范围内。"))
        data = validated(s.AppealIn, request.data)
        appeal = services.file_appeal(evaluation=evaluation, actor=request.user, **data)
        return Response(s.AppealOut(appeal).data, status=201)


@route("appeals/<int:pk>/decide/", name="decide")
class DecideAppeal(APIView):
    @extend_schema(request=s.DecideAppealIn, responses=s.AppealOut)
    def post(self, request: Request, pk: int) -> Response:
        scope = scope_for(request.user)
        appeal = selectors.appeal_list(scope).filter(pk=pk).first()
        if appeal is None:
            raise FeedbackError.RECORD_NOT_FOUND(_("记录不存在或不在您的权限范围内。"))
        data = validated(s.DecideAppealIn, request.data)
        return Response(
            s.AppealOut(services.decide_appeal(appeal=appeal, actor=request.user, **data)).data
        )


# ---------------------------------------------------------------- rectifications


@route("rectifications/", name="rectifications")
class RectificationList(ScopedMixin, ListAPIView):
    permission = "feedback.view_rectification"
    serializer_class = s.RectificationOut

    @extend_schema(parameters=[OpenApiParameter("status", str), OpenApiParameter("overdue", bool)])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet:
        status = self.request.query_params.get("status")
        return selectors.rectification_list(
            self.scope(),
            status=status if status in Rectification.Status.values else None,
            overdue=self.request.query_params.get("overdue") in ("1", "true"),
        )


@route("rectifications/<int:pk>/", name="rectification")
class RectificationDetail(ScopedMixin, RetrieveAPIView):
    permission = "feedback.view_rectification"
    serializer_class = s.RectificationOut

    def get_queryset(self) -> QuerySet:
        return selectors.rectification_list(self.scope())


class Step(APIView):
    """Base of a rectification's and a complaint's steps: POST `input` to one row the user may
    see (`rows`), `act` on it, answer with the row through `output`."""

    input: type[drf_serializers.Serializer] = s.EmptyIn
    output: type[drf_serializers.Serializer]
    # `act` calls `service` with the row as `row_name`, the actor and the input.
    service: Callable[..., Any]
    row_name: str

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        documented_post(
            cls, request=None if cls.input is s.EmptyIn else cls.input, responses=cls.output
        )

    def rows(self, scope: Scope) -> QuerySet:
        raise NotImplementedError

    def act(self, row: Any, actor: User, data: dict) -> Any:
        return self.service(**{self.row_name: row}, actor=actor, **data)

    def handle(self, request: Request, pk: int) -> Response:
        scope = scope_for(request.user)
        row = self.rows(scope).filter(pk=pk).first()
        if row is None:
            raise FeedbackError.RECORD_NOT_FOUND(_("记录不存在或不在您的权限范围内。"))
        data = validated(self.input, request.data)
        row = self.act(row, request.user, data)
        return Response(_shown(self.output, row, request, scope))


class RectificationStep(Step):
    """Base of the four rectification steps; each subclass is one operation."""

    output = s.RectificationOut
    row_name = "rectification"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def rows(self, scope: Scope) -> QuerySet:
        return selectors.rectification_list(scope)


@route("rectifications/<int:pk>/verify/", name="rectification-verify")
class VerifyRectification(RectificationStep):
    input, service = s.VerifyIn, staticmethod(services.verify_rectification)


@route("rectifications/<int:pk>/rectify/", name="rectification-rectify")
class Rectify(RectificationStep):
    input, service = s.RectifyIn, staticmethod(services.rectify)


@route("rectifications/<int:pk>/callback/", name="rectification-callback")
class CallbackRectification(RectificationStep):
    input, service = s.CallbackIn, staticmethod(services.record_callback)


@route("rectifications/<int:pk>/close/", name="rectification-close")
class CloseRectification(RectificationStep):
    service = staticmethod(services.close_rectification)


# ---------------------------------------------------------------- complaints


@route("complaints/", name="complaints")
class ComplaintList(ScopedMixin, ListAPIView):
    permission = "feedback.view_complaint"
    serializer_class = s.ComplaintOut

    def get_queryset(self) -> QuerySet:
        status = self.request.query_params.get("status")
        return selectors.complaint_list(
            self.scope(), status=status if status in Complaint.Status.values else None
        )

    @extend_schema(request=s.ComplaintIn, responses={201: s.ComplaintOut})
    def post(self, request: Request) -> Response:
        scope = scope_for(request.user)
        center = _center(scope)
        services.authorize_complaint_intake(actor=request.user, center=center)
        data = validated(s.ComplaintIn, request.data)
        complaint = services.create_complaint(
            center=center,
            actor=request.user,
            channel=data["channel"],
            content=data["content"],
            complainant_name=data["complainant_name"],
            complainant_phone=data["complainant_phone"],
            department=center_input(Department, data["department"], center.pk, _("部门")),
            window=center_input(Window, data["window"], center.pk, _("窗口")),
            staff=center_input(StaffProfile, data["staff"], center.pk, _("工作人员")),
            item=center_input(ServiceItem, data["item"], center.pk, _("事项")),
        )
        return Response(_shown(s.ComplaintOut, complaint, request, scope), status=201)


@route("complaints/<int:pk>/", name="complaint")
class ComplaintDetail(ScopedMixin, RetrieveAPIView):
    permission = "feedback.view_complaint"
    serializer_class = s.ComplaintOut

    def get_queryset(self) -> QuerySet:
        return selectors.complaint_list(self.scope())


class ComplaintStep(Step):
    """Base of the four complaint steps; each subclass is one operation."""

    output = s.ComplaintOut
    row_name = "complaint"

    def rows(self, scope: Scope) -> QuerySet:
        return selectors.complaint_list(scope)


@route("complaints/<int:pk>/assign/", name="complaint-assign")
class AssignComplaint(ComplaintStep):
    input = s.AssignIn

    def act(self, complaint: Complaint, actor: User, data: dict) -> Complaint:
        assignee = center_row(User, data["assignee"], complaint.center_id)
        return services.assign_complaint(complaint=complaint, assignee=assignee, actor=actor)


@route("complaints/<int:pk>/resolve/", name="complaint-resolve")
class ResolveComplaint(ComplaintStep):
    input, service = s.ResolveIn, staticmethod(services.resolve_complaint)


@route("complaints/<int:pk>/callback/", name="complaint-callback")
class CallbackComplaint(ComplaintStep):
    input, service = s.ComplaintCallbackIn, staticmethod(services.callback_complaint)


@route("complaints/<int:pk>/close/", name="complaint-close")
class CloseComplaint(ComplaintStep):
    service = staticmethod(services.close_complaint)


# ---------------------------------------------------------------- assisted services


@route("assists/", name="assists")
class AssistList(ScopedMixin, ListAPIView):
    permission = "feedback.view_assistrecord"
    serializer_class = s.AssistOut

    def get_queryset(self) -> QuerySet:
        return selectors.assist_list(self.scope())

    @extend_schema(request=s.AssistIn, responses={201: s.AssistOut})
    def post(self, request: Request) -> Response:
        center = _center(scope_for(request.user))
        services.authorize_assist(actor=request.user, center=center)
        data = validated(s.AssistIn, request.data)
        department = center_input(Department, data.pop("department"), center.pk, _("部门"))
        record = services.record_assist(
            center=center,
            department=department,
            staff=center_input(StaffProfile, data.pop("staff"), center.pk, _("工作人员")),
            actor=request.user,
            **data,
        )
        return Response(s.AssistOut(record).data, status=201)


# ---------------------------------------------------------------- figures and disclosure


@route("figures/", name="figures")
class Figures(APIView):
    @extend_schema(parameters=[s.PeriodIn], responses=s.FiguresOut(many=True))
    def get(self, request: Request) -> Response:
        scope = scope_for(request.user)
        scope.require("feedback.view_feedback_figures")
        data = validated(s.PeriodIn, request.query_params)
        by = None if data["by"] == "center" else data["by"]
        if by is None and not scope.whole_center:
            raise FeedbackError.CENTER_ONLY(_("全中心统计仅中心管理员、领导和督查人员可查看。"))
        figures = selectors.feedback_figures(
            center_id=scope.center_id, start=data["start"], end=data["end"], by=by
        )
        if by is not None and not scope.whole_center:
            allowed = selectors.department_keys(by, scope.department_id)
            figures = {k: v for k, v in figures.items() if k in allowed}
        rows = [{"key": key, **values} for key, values in figures.items()]
        return Response(s.FiguresOut(rows, many=True).data)


def _figures_query(request: Request, params: type[drf_serializers.Serializer]) -> tuple[Any, dict]:
    """The figure reader's scope and the period asked for."""
    scope = scope_for(request.user)
    scope.require("feedback.view_feedback_figures")
    return scope, validated(params, request.query_params)


@route("figures/callbacks/", name="callbacks")
class CallbackFigures(APIView):
    """Callbacks of real-name bad ratings (goal 100 %) and how they were rectified."""

    @extend_schema(parameters=[s.CallbackPeriodIn], responses=s.CallbackFiguresOut(many=True))
    def get(self, request: Request) -> Response:
        scope, data = _figures_query(request, s.CallbackPeriodIn)
        figures = selectors.callback_figures(
            center_id=scope.center_id, start=data["start"], end=data["end"]
        )
        if data["by"] == "center" and not scope.whole_center:
            raise FeedbackError.CENTER_ONLY(_("全中心统计仅中心管理员、领导和督查人员可查看。"))
        rows = scope.figure_rows(figures, data["by"])
        return Response(s.CallbackFiguresOut(rows, many=True).data)


@route("figures/assists/", name="assist-totals")
class AssistTotals(APIView):
    """Assisted services of a period by kind: times, households, quantity, money saved."""

    @extend_schema(parameters=[s.PeriodIn], responses=s.AssistTotalOut(many=True))
    def get(self, request: Request) -> Response:
        scope, data = _figures_query(request, s.PeriodIn)
        totals = selectors.assist_totals(
            center_id=scope.center_id, start=data["start"], end=data["end"]
        )
        rows = [{"kind": kind, **values} for kind, values in totals.items()]
        return Response(s.AssistTotalOut(rows, many=True).data)


@route("disclosure/", name="disclosure")
class Disclosure(APIView):
    permission_classes = [AllowAny]

    @extend_schema(parameters=[s.DisclosureIn], responses=s.DisclosureRowOut(many=True))
    def get(self, request: Request) -> Response:
        data = validated(s.DisclosureIn, request.query_params)
        center = selectors.disclosure_center(data.get("center") or "")
        if center is None:
            raise FeedbackError.CENTER_NOT_FOUND(_("没有可公示的服务中心。"))
        year, month = (int(p) for p in data["month"].split("-"))
        published = selectors.disclosure(center_id=center.pk, year=year, month=month)
        return Response(s.DisclosureRowOut(published.rows, many=True).data)


@route("imports/hotline/", name="hotline-import")
class HotlineImport(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=s.HotlineImportIn, responses=s.HotlineImportOut)
    def post(self, request: Request) -> Response:
        center = _center(scope_for(request.user))
        services.authorize_hotline_import(actor=request.user, center=center)
        data = validated(s.HotlineImportIn, request.data)
        rows = services.import_hotline(
            center=center,
            kind=data["kind"],
            filename=data["file"].name,
            data=data["file"].read(),
            dry_run=data["dry_run"],
            actor=request.user,
        )
        return Response({"rows": rows, "dry_run": data["dry_run"]})
