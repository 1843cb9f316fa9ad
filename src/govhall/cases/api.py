"""REST API of cases: one view per operation, HTTP only; the services decide."""

from collections.abc import Callable
from typing import Any, ClassVar

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from govhall.cases import joint, joint_selectors, selectors, services
from govhall.cases import serializers as s
from govhall.cases.errors import CaseError
from govhall.cases.models import Case, JointCase, JointPackage
from govhall.cases.views import lookup_throttled
from govhall.catalog.models import ServiceItem
from govhall.core.api import center_input, validated
from govhall.core.routing import route
from govhall.core.selectors import find_center
from govhall.org.models import Window
from govhall.org.scoping import NO_CENTER, Scope, scope_for, view_scope
from govhall.queueing.models import Ticket


def _case(scope: Scope, number: str) -> Case:
    case = selectors.visible_cases(scope).filter(number=number).first()
    if case is None:
        raise CaseError.CASE_NOT_FOUND(_("办件不存在或您无权查看。"))
    return case


_FILTERS = [
    OpenApiParameter("department", int),
    OpenApiParameter("item", int),
    OpenApiParameter("state", str, enum=Case.State.values),
    OpenApiParameter("light", str, enum=list(selectors.LIGHTS)),
    OpenApiParameter("number", str, description="prefix of the case number"),
]


@route("cases/", name="list")
class CaseList(ListAPIView):
    """Cases the user may see, filtered; each with its light."""

    serializer_class = s.CaseOut

    def get_queryset(self) -> QuerySet[Case]:
        scope = view_scope(self, "cases.view_case")
        if scope.user is None:
            return Case.objects.none()
        filters = validated(s.CaseListFilterIn, self.request.query_params)
        return selectors.case_list(selectors.visible_cases(scope), **filters).order_by(
            "-accepted_at", "-id"
        )

    @extend_schema(parameters=_FILTERS)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


@route("cases/<str:number>/", name="detail")
class CaseDetail(RetrieveAPIView):
    serializer_class = s.CaseDetailOut
    lookup_field = "number"

    def get_object(self) -> Case:
        scope = view_scope(self, "cases.view_case")
        case = _case(scope, self.kwargs["number"])
        case.light = selectors.light_of(case)
        return case


def _intake(
    request: Request, input_: type[Serializer]
) -> tuple[Scope, dict[str, Any], ServiceItem]:
    """An intake's caller, asked the intake rule before its input is judged; the input; and the
    item it names, of the caller's centre."""
    scope = scope_for(request.user)
    services.authorize_intake(actor=request.user)
    data = validated(input_, request.data)
    item = center_input(ServiceItem, data.pop("item"), scope.center_id, _("事项"))
    return scope, data, item


@route("cases/accept/", name="accept")
class CaseAccept(APIView):
    """前台受理 at a window."""

    @extend_schema(request=s.CaseAcceptIn, responses={201: s.CaseOut})
    def post(self, request: Request) -> Response:
        scope, data, item = _intake(request, s.CaseAcceptIn)
        window = center_input(Window, data.pop("window"), scope.center_id, _("窗口"))
        ticket = center_input(Ticket, data.pop("ticket"), scope.center_id, _("排队票"))
        case = services.accept_case(
            actor=request.user, item=item, window=window, ticket=ticket, **data
        )
        return Response(s.CaseOut(case).data, status=201)


@route("cases/submit/", name="submit")
class CaseSubmit(APIView):
    """网上申报 from the online hall (a logged-in intake account with accept permission)."""

    @extend_schema(request=s.CaseSubmitIn, responses={201: s.CaseOut})
    def post(self, request: Request) -> Response:
        _scope, data, item = _intake(request, s.CaseSubmitIn)
        case = services.submit_case(actor=request.user, item=item, **data)
        return Response(s.CaseOut(case).data, status=201)


class CaseAction(APIView):
    """Base of the one-view-per-action endpoints: parse, look the case up, call the service."""

    input: ClassVar[type[Serializer]] = s.CaseNoInput

    def run(self, actor: Any, case: Case, data: dict[str, Any]) -> Case:
        raise NotImplementedError

    def post(self, request: Request, number: str) -> Response:
        scope = scope_for(request.user)
        if not request.user.is_authenticated:
            raise CaseError.LOGIN_REQUIRED(_("请先登录。"))
        case = _case(scope, number)
        data = validated(self.input, request.data)
        case = self.run(request.user, case, data)
        return Response(s.CaseOut(case).data)


def _action(name: str, input_: type[Serializer], call: Any, summary: str) -> type[CaseAction]:
    """One APIView class for one workflow action, with its own input serializer, schema and URL."""

    def run(self: CaseAction, actor: Any, case: Case, data: dict[str, Any]) -> Case:
        return call(actor=actor, case=case, **data)

    @extend_schema(
        request=input_ if input_ is not s.CaseNoInput else None,
        responses={200: s.CaseOut},
        summary=summary,
        operation_id=f"cases_case_{name}",
    )
    def post(self: CaseAction, request: Request, number: str) -> Response:
        return CaseAction.post(self, request, number)

    view = type(
        f"Case{name.title()}Action",
        (CaseAction,),
        {"input": input_, "run": run, "post": post, "__doc__": summary},
    )
    return route(f"cases/<str:number>/{name}/", name=name)(view)


def _renamed(fn: Any, **names: str) -> Any:
    def call(*, actor: Any, case: Case, **data: Any) -> Case:
        return fn(actor=actor, case=case, **{names.get(k, k): v for k, v in data.items()})

    return call


def _deliver(*, actor: Any, case: Case, window: int | None, **data: Any) -> Case:
    """统一窗口出件 at the window named by id (of the case's centre)."""
    handed_at = center_input(Window, window, case.center_id, _("窗口"))
    return services.deliver_case(actor=actor, case=case, window=handed_at, **data)


ACTION_VIEWS: dict[str, type[CaseAction]] = {
    "accept": _action("accept", s.CaseNoInput, services.accept_submitted_case, "受理网上申报"),
    "refuse": _action("refuse", s.CaseReasonIn, services.refuse_case, "不予受理"),
    "review": _action("review", s.CaseNoInput, services.start_review, "开始审查"),
    "correction": _action(
        "correction", s.CaseCorrectionIn, services.request_correction, "要求补正(停止计时)"
    ),
    "resubmit": _action("resubmit", s.CaseNoInput, services.resubmit_case, "补正材料已提交"),
    "supply": _action("supply", s.CaseNoInput, services.supply_materials, "容缺材料已补齐"),
    "suspend": _action("suspend", s.CaseSuspendIn, services.suspend_case, "启动特别程序"),
    "resume": _action("resume", s.CaseNoInput, services.resume_case, "结束特别程序"),
    "complete": _action("complete", s.CaseCompleteIn, services.complete_case, "办结"),
    "deliver": _action("deliver", s.CaseDeliverIn, _deliver, "送达(统一窗口出件)"),
    "notify": _action(
        "notify", s.CaseCorrectionIn, services.notify_correction, "受理前一次性告知补正"
    ),
    "extend": _action("extend", s.CaseExtendIn, services.extend_case, "延长办理期限(负责人批准)"),
    "withdraw": _action("withdraw", s.CaseOptionalReasonIn, services.withdraw_case, "撤回"),
    "verify": _action(
        "verify",
        s.CaseOptionalReasonIn,
        _renamed(services.verify_commitment, reason="note"),
        "告知承诺核查属实",
    ),
    "revoke": _action("revoke", s.CaseReasonIn, services.revoke_commitment, "告知承诺不实,撤销"),
}


@route("supervision/", name="supervision")
class Supervision(APIView):
    """电子监察: running cases per department and light."""

    @extend_schema(responses={200: s.CaseLightCountOut(many=True)})
    def get(self, request: Request) -> Response:
        scope = view_scope(self, "cases.view_supervision")
        rows = selectors.light_counts_by_department(selectors.scoped_cases(scope))
        return Response(s.CaseLightCountOut(rows, many=True).data)


@route("figures/", name="figures")
class Figures(APIView):
    """办件 figures of a period for the centre, or by department, item, window or staff."""

    @extend_schema(
        parameters=[
            OpenApiParameter("start", str, required=True, description="YYYY-MM-DD"),
            OpenApiParameter("end", str, required=True, description="YYYY-MM-DD"),
            OpenApiParameter("by", str, enum=["center", "department", "item", "window", "staff"]),
        ],
        responses={200: s.CaseFiguresOut(many=True)},
    )
    def get(self, request: Request) -> Response:
        scope = view_scope(self, "cases.view_supervision")
        if scope.center_id is None:
            raise CaseError.NO_CENTER(NO_CENTER)
        params = validated(s.CaseFiguresIn, request.query_params)
        if params["by"] in ("item", "window", "staff") and not scope.whole_center:
            raise CaseError.CENTER_ONLY(_("按事项、窗口或人员统计仅限中心级角色。"))
        common = {"center_id": scope.center_id, "start": params["start"], "end": params["end"]}
        if params["by"] == "center":
            rows = [{"key": None, **selectors.center_figures(**common)}]
        else:
            figures = (
                selectors.department_figures(**common)
                if params["by"] == "department"
                else selectors.case_figures(**common, by=params["by"])
            )
            if params["by"] == "department" and not scope.whole_center:
                figures = {k: v for k, v in figures.items() if k == scope.department_id}
            rows = [{"key": k, **v} for k, v in figures.items()]
        return Response(s.CaseFiguresOut(rows, many=True).data)


def _period_scope(view: APIView, params_class: type[Serializer]) -> tuple[Scope, dict]:
    scope = view_scope(view, "cases.view_supervision")
    if scope.center_id is None:
        raise CaseError.NO_CENTER(_("您的账号未关联服务中心。"))
    return scope, validated(params_class, view.request.query_params)


@route("clock-figures/", name="clock-figures")
class ClockFigures(APIView):
    """The law's clocks over a period: extensions, deemed acceptances, repeated correction
    notices, deliveries and late deliveries, for the centre or by department."""

    @extend_schema(
        parameters=[
            OpenApiParameter("start", str, required=True, description="YYYY-MM-DD"),
            OpenApiParameter("end", str, required=True, description="YYYY-MM-DD"),
            OpenApiParameter("by", str, enum=["center", "department"]),
        ],
        responses={200: s.CaseClockFiguresOut(many=True)},
    )
    def get(self, request: Request) -> Response:
        scope, params = _period_scope(self, s.CaseClockFiguresIn)
        figures = selectors.clock_figures(
            center_id=scope.center_id, start=params["start"], end=params["end"]
        )
        rows = scope.figure_rows(figures, params["by"])
        return Response(s.CaseClockFiguresOut(rows, many=True).data)


@route("supervision/flags/", name="clock-flags")
class ClockFlags(APIView):
    """电子监察 of the law's clocks today: each flag's count and its first case numbers."""

    @extend_schema(responses={200: s.CaseClockFlagOut(many=True)})
    def get(self, request: Request) -> Response:
        scope = view_scope(self, "cases.view_supervision")
        flags = selectors.clock_flags(selectors.scoped_cases(scope))
        rows = [
            {
                "flag": flag,
                "count": qs.count(),
                "numbers": list(qs.values_list("number", flat=True)[:100]),
            }
            for flag, qs in flags.items()
        ]
        return Response(s.CaseClockFlagOut(rows, many=True).data)


@route("lookup/", name="lookup")
class Lookup(APIView):
    """Citizen progress lookup: case number + last 4 digits of the phone (no login)."""

    permission_classes = [AllowAny]
    authentication_classes: ClassVar[list] = []

    @extend_schema(request=s.CaseLookupIn, responses={200: s.CaseLookupOut})
    def post(self, request: Request) -> Response:
        lookup_throttled(request)
        data = validated(s.CaseLookupIn, request.data)
        case = selectors.lookup_case(number=data["number"], phone_last4=data["phone_last4"])
        if case is None:
            raise CaseError.CASE_NOT_FOUND(_("未找到办件:请核对办件编号和联系电话后4位。"))
        out = {
            "number": case.number,
            "item_name": case.item.name,
            "department_name": case.department.name,
            "state": case.state,
            "state_label": case.get_state_display(),
            "result": case.result,
            "due_date": case.due_date,
            "due_provisional": case.due_provisional,
            "steps": selectors.public_steps(case),
        }
        return Response(s.CaseLookupOut(out).data)


@route("import/", name="import")
class Import(APIView):
    """Import historical cases (.xlsx/.csv): all rows or none; `dry_run` only checks."""

    parser_classes = [MultiPartParser]

    @extend_schema(request=s.CaseImportIn, responses={200: s.CaseImportOut, 400: s.CaseImportOut})
    def post(self, request: Request) -> Response:
        center = find_center(scope_for(request.user).center_id)
        if center is None:
            raise CaseError.NO_CENTER(NO_CENTER)
        services.authorize_import(actor=request.user, center=center)
        data = validated(s.CaseImportIn, request.data)
        report = services.import_cases(
            center=center,
            source=data["file"],
            filename=data["file"].name,
            mapping=data["mapping"],
            dry_run=data["dry_run"],
            actor=request.user,
        )
        return Response(s.CaseImportOut(report.as_dict()).data, status=200 if report.ok else 400)


# --- 并联审批 / 一件事 -------------------------------------------------------------------------


def _joint(scope: Scope, number: str) -> JointCase:
    whole = joint_selectors.visible_joint_cases(scope).filter(number=number).first()
    if whole is None:
        raise CaseError.JOINT_NOT_FOUND(_("并联审批件不存在或您无权查看。"))
    return whole


def _joint_out(scope: Scope, whole: JointCase, *, detail: bool = False) -> dict[str, Any]:
    whole.clock = joint_selectors.clock_of(whole)
    if detail:
        whole.visible_steps = joint_selectors.visible_steps(scope, whole)
        return s.JointDetailOut(whole).data
    return s.JointOut(whole).data


def _acting(request: Request) -> Scope:
    if not request.user.is_authenticated:
        raise CaseError.LOGIN_REQUIRED(_("请先登录。"))
    return scope_for(request.user)


def _on_joint(
    request: Request, number: str, input_: type[Serializer], call: Callable[..., JointCase]
) -> Response:
    """POST `input_` to a joint case the user may see: `call` the service on it; its detail."""
    scope = _acting(request)
    whole = _joint(scope, number)
    data = validated(input_, request.data)
    whole = call(actor=request.user, joint=whole, **data)
    return Response(_joint_out(scope, whole, detail=True))


@route("joint/", name="joint-list")
class JointList(APIView):
    """并联审批件 the user may see (the centre's, or those of their department's steps)."""

    @extend_schema(responses={200: s.JointOut(many=True)})
    def get(self, request: Request) -> Response:
        scope = view_scope(self, "cases.view_case")
        rows = joint_selectors.joint_rows(joint_selectors.visible_joint_cases(scope)[:200])
        for row in rows:
            row["joint"].clock = row["clock"]
        return Response(s.JointOut([row["joint"] for row in rows], many=True).data)


@route("joint/accept/", name="joint-accept")
class JointAccept(APIView):
    """一件事统一受理 (行政许可法 art. 26): a step for each item of the package."""

    @extend_schema(request=s.JointAcceptIn, responses={201: s.JointDetailOut})
    def post(self, request: Request) -> Response:
        scope = _acting(request)
        services.authorize_intake(actor=request.user)
        data = validated(s.JointAcceptIn, request.data)
        package = center_input(JointPackage, data.pop("package"), scope.center_id, _("一件事"))
        window = center_input(Window, data.pop("window"), scope.center_id, _("窗口"))
        whole = joint.accept_joint_case(actor=request.user, package=package, window=window, **data)
        return Response(_joint_out(scope, whole, detail=True), status=201)


@route("joint/<str:number>/", name="joint-detail")
class JointDetail(APIView):
    """One joint case, its clock, and the steps the user may see."""

    @extend_schema(responses={200: s.JointDetailOut})
    def get(self, request: Request, number: str) -> Response:
        scope = view_scope(self, "cases.view_case")
        return Response(_joint_out(scope, _joint(scope, number), detail=True))


@route("joint/<str:number>/extend/", name="joint-extend")
class JointExtend(APIView):
    """延长联办期限 (art. 42 para. 2): once, at most 15 working days, by the head."""

    @extend_schema(request=s.JointExtendIn, responses={200: s.JointDetailOut})
    def post(self, request: Request, number: str) -> Response:
        return _on_joint(request, number, s.JointExtendIn, joint.extend_joint_case)


@route("joint/<str:number>/withdraw/", name="joint-withdraw")
class JointWithdraw(APIView):
    """The applicant withdraws the whole application."""

    @extend_schema(request=s.CaseOptionalReasonIn, responses={200: s.JointDetailOut})
    def post(self, request: Request, number: str) -> Response:
        return _on_joint(request, number, s.CaseOptionalReasonIn, joint.withdraw_joint_case)


@route("joint/<str:number>/steps/<str:case_number>/decide/", name="joint-decide")
class JointDecideStep(APIView):
    """A department decides its own step of a joint case."""

    @extend_schema(request=s.CaseCompleteIn, responses={200: s.JointDetailOut})
    def post(self, request: Request, number: str, case_number: str) -> Response:
        scope = _acting(request)
        whole = _joint(scope, number)
        step = joint_selectors.step_of(whole, case_number)
        if step is None:
            raise CaseError.NOT_A_STEP(_("该办件不是此联办件的环节。"))
        data = validated(s.CaseCompleteIn, request.data)
        joint.decide_step(actor=request.user, joint=whole, case=step.case, **data)
        whole.refresh_from_db()
        return Response(_joint_out(scope, whole, detail=True))


@route("joint/figures/", name="joint-figures")
class JointFigures(APIView):
    """并联审批 figures of a period: the whole, per package, and each department's steps (a
    department's people get their own department's row only)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("start", str, required=True, description="YYYY-MM-DD"),
            OpenApiParameter("end", str, required=True, description="YYYY-MM-DD"),
        ],
        responses={200: s.JointFiguresOut},
    )
    def get(self, request: Request) -> Response:
        scope, params = _period_scope(self, s.JointFiguresIn)
        figures = joint_selectors.joint_figures(
            center_id=scope.center_id, start=params["start"], end=params["end"]
        )
        names = joint_selectors.package_names(scope.center_id)
        return Response(
            s.JointFiguresOut(
                {
                    "total": figures.total,
                    "packages": [
                        {"package": pk, "name": names[pk], **row}
                        for pk, row in figures.by_package.items()
                    ],
                    "departments": [
                        {"department": pk, **row}
                        for pk, row in figures.by_department.items()
                        if scope.whole_center or pk == scope.department_id
                    ],
                }
            ).data
        )
