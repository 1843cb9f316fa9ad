"""REST API of the queue, for third-party kiosks, LED boards and window pads.

Public endpoints (kiosk, status, board, appointments) need no login and name the centre by
its region code (``?center=411700``). Window endpoints act for the logged-in (session or
token) staff member at one of their windows, on the window's current ticket, exactly like the
terminal page. Phone and ID numbers are always masked in responses.
"""

from functools import cache
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.catalog.models import ServiceItem
from govhall.core.api import center_object, validated
from govhall.core.models import Center
from govhall.core.ratelimits import throttle_ticket_issuing
from govhall.core.routing import route
from govhall.org.authentication import TokenAuthentication
from govhall.org.models import StaffProfile, Window
from govhall.org.scoping import NO_CENTER, scope_for
from govhall.queueing import selectors, services
from govhall.queueing import serializers as s
from govhall.queueing.errors import QueueError
from govhall.queueing.models import QueueCategory, QueueSettings, Ticket

CENTER_PARAM = OpenApiParameter(
    "center", str, description="行政区划代码(6位);为空时取第一个启用的中心"
)
FLOOR_PARAM = OpenApiParameter("floor", str, description="楼层,如 1F;为空时全部")


def _center(request: Request) -> Center:
    code = validated(s.CenterQuerySerializer, request.query_params).get("center")
    center = selectors.public_hall(code or "")
    if center is None:
        raise QueueError.CENTER_NOT_FOUND(_("没有找到该政务服务中心。"))
    return center


@cache
def _output_serializer(serializer_class: type[drf_serializers.Serializer]) -> Any:
    """One instance of an output serializer per process: a serializer builds (deep-copies) its
    fields on first use, which costs the hot paths more than the representation itself."""
    return serializer_class()


def _out(serializer_class: type[drf_serializers.Serializer], instance: Any) -> dict[str, Any]:
    """`serializer_class(instance).data`, from the process's one instance of the serializer."""
    return _output_serializer(serializer_class).to_representation(instance)


def _ticket_out(
    ticket: Ticket,
    serializer_class: type = s.TicketOutputSerializer,
    settings: QueueSettings | None = None,
) -> dict:
    progress = selectors.ticket_progress(ticket, settings=settings)
    ticket.people_ahead = progress.people_ahead
    ticket.predicted_wait_seconds = progress.predicted_wait_seconds
    return _out(serializer_class, ticket)


def _ticket_by_token(token: str) -> Ticket:
    ticket = selectors.ticket_by_token(token)
    if ticket is None:
        raise QueueError.TICKET_NOT_FOUND(_("排队票不存在。"))
    return ticket


class PublicAPIView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []


# --- public: categories, tickets, board -------------------------------------------------------


@route("categories/", name="categories")
class CategoryListApi(PublicAPIView):
    @extend_schema(
        parameters=[CENTER_PARAM],
        responses=s.CategoryOutputSerializer(many=True),
        summary="排队类别、等候人数与预计等待",
    )
    def get(self, request: Request) -> Response:
        center = _center(request)
        return Response(
            s.CategoryOutputSerializer(selectors.category_overview(center.pk), many=True).data
        )


@route("tickets/", name="issue")
class IssueTicketApi(PublicAPIView):
    """Anonymous, limited per client address and category; a registered kiosk program sends
    its account's token (``Authorization: Token …``) and is not limited."""

    authentication_classes = [TokenAuthentication]

    @extend_schema(
        request=s.IssueTicketInputSerializer,
        responses={201: s.TicketOutputSerializer},
        summary="取号",
    )
    def post(self, request: Request) -> Response:
        data = s.plain_issue_input(request.data) or validated(
            s.IssueTicketInputSerializer, request.data
        )
        found = selectors.category_with_settings(data["category"])
        if found is None:
            raise QueueError.CATEGORY_NOT_FOUND(_("排队类别不存在。"))
        category, settings = found
        throttle_ticket_issuing(request, category_id=category.pk)
        item = center_object(ServiceItem, data["item"], category.center_id, _("事项不存在。"))
        ticket = services.issue_ticket(
            category=category,
            channel=data["channel"],
            priority_reason=data["priority_reason"],
            phone=data["phone"],
            id_number=data["id_number"],
            item=item,
            actor=request.user,
            settings=settings,
        )
        return Response(_ticket_out(ticket, settings=settings), status=201)


@route("tickets/<uuid:token>/", name="ticket")
class TicketStatusApi(PublicAPIView):
    @extend_schema(responses=s.TicketOutputSerializer, summary="排队进度(按查询码)")
    def get(self, request: Request, token: str) -> Response:
        return Response(_ticket_out(_ticket_by_token(token)))


@route("tickets/<uuid:token>/cancel/", name="cancel")
class CancelTicketApi(PublicAPIView):
    @extend_schema(request=None, responses=s.TicketOutputSerializer, summary="放弃排队")
    def post(self, request: Request, token: str) -> Response:
        ticket = services.cancel_ticket(ticket=_ticket_by_token(token))
        return Response(_ticket_out(ticket))


@route("board/", name="board")
class BoardApi(PublicAPIView):
    @extend_schema(
        parameters=[CENTER_PARAM, FLOOR_PARAM],
        responses=s.BoardOutputSerializer,
        summary="显示屏数据:最近叫号与各类别等候",
    )
    def get(self, request: Request) -> Response:
        center = _center(request)
        floor = validated(s.CenterQuerySerializer, request.query_params).get("floor", "")
        return Response(s.BoardOutputSerializer(selectors.board_feed(center.pk, floor=floor)).data)


# --- public: appointments -----------------------------------------------------------------------


def _category(pk: int) -> QueueCategory:
    category = selectors.active_category(pk)
    if category is None:
        raise QueueError.CATEGORY_NOT_FOUND(_("排队类别不存在。"))
    return category


@route("appointments/slots/", name="slots")
class SlotListApi(PublicAPIView):
    @extend_schema(
        parameters=[s.SlotQuerySerializer],
        responses=s.SlotOutputSerializer(many=True),
        summary="预约时段与剩余名额",
    )
    def get(self, request: Request) -> Response:
        query = validated(s.SlotQuerySerializer, request.query_params)
        slots = selectors.appointment_slots(_category(query["category"]), query["date"])
        return Response(s.SlotOutputSerializer(slots, many=True).data)


@route("appointments/", name="book")
class BookAppointmentApi(PublicAPIView):
    @extend_schema(
        request=s.BookInputSerializer,
        responses={201: s.AppointmentOutputSerializer},
        summary="预约",
    )
    def post(self, request: Request) -> Response:
        data = validated(s.BookInputSerializer, request.data)
        category = _category(data.pop("category"))
        item_id = data.pop("item")
        item = None
        if item_id is not None:
            item = get_object_or_404(ServiceItem, pk=item_id, center_id=category.center_id)
        appointment = services.book_appointment(category=category, item=item, **data)
        return Response(s.AppointmentOutputSerializer(appointment).data, status=201)


@route("appointments/<str:code>/change/", name="appointment-change")
class ChangeAppointmentApi(PublicAPIView):
    @extend_schema(
        request=s.ChangeAppointmentInputSerializer,
        responses=s.AppointmentOutputSerializer,
        summary="改约(凭预约码、手机号、身份证号)",
    )
    def post(self, request: Request, code: str) -> Response:
        data = validated(s.ChangeAppointmentInputSerializer, request.data)
        appointment = services.change_appointment(code=code, **data)
        return Response(s.AppointmentOutputSerializer(appointment).data)


@route("appointments/<str:code>/cancel/", name="appointment-cancel")
class CancelAppointmentApi(PublicAPIView):
    @extend_schema(
        request=s.AppointmentIdentityInputSerializer,
        responses=s.AppointmentOutputSerializer,
        summary="取消预约",
    )
    def post(self, request: Request, code: str) -> Response:
        data = validated(s.AppointmentIdentityInputSerializer, request.data)
        appointment = services.cancel_appointment(code=code, **data)
        return Response(s.AppointmentOutputSerializer(appointment).data)


@route("appointments/<str:code>/check-in/", name="appointment-check-in")
class CheckInApi(PublicAPIView):
    @extend_schema(
        request=s.CheckInInputSerializer,
        responses={201: s.TicketOutputSerializer},
        summary="预约签到取号",
    )
    def post(self, request: Request, code: str) -> Response:
        data = validated(s.CheckInInputSerializer, request.data)
        ticket = services.check_in_appointment(code=code, id_number=data["id_number"])
        return Response(_ticket_out(ticket), status=201)


# --- window staff -----------------------------------------------------------------------------


class WindowApiMixin:
    permission_classes = [IsAuthenticated]
    # The centre's queue settings, read with the window by `staff_window`, and the window's
    # status when asked for (`status=True`).
    queue_settings: QueueSettings
    window_status: selectors.WindowStatus | None = None

    def staff_window(
        self, request: Request, window_id: int, *, status: bool = False
    ) -> tuple[StaffProfile, Window]:
        center_id = scope_for(request.user).require_center()
        services.authorize_window(actor=request.user, center_id=center_id)
        # scope_for has loaded the profile (or found none) on the request's user
        staff = getattr(request.user, "staff_profile", None)
        if staff is None or not staff.active:
            raise QueueError.NO_STAFF_PROFILE(_("您没有在岗的工作人员档案。"))
        found = selectors.staff_window(window_id, staff, status=status)
        if found is None:
            raise QueueError.NOT_ASSIGNED(_("您未被分配到该窗口。"))
        window, self.queue_settings, self.window_status = found
        return staff, window

    @staticmethod
    def current(window: Window) -> Ticket:
        ticket = selectors.current_ticket(window)
        if ticket is None:
            raise QueueError.NO_CURRENT_TICKET(_("当前没有正在办理的票。"))
        return ticket


def _window_state(window: Window) -> dict[str, Any]:
    pause = selectors.open_pause(window)
    current = selectors.current_ticket(window)
    return {
        "window": window.pk,
        "number": window.number,
        "current": s.StaffTicketOutputSerializer(current).data if current else None,
        "waiting": selectors.waiting_for_window(window),
        "paused": pause is not None,
        "pause_reason": pause.reason if pause else "",
        "session_open": selectors.open_session(window) is not None,
    }


@route("windows/<int:window_id>/", name="window")
class WindowStateApi(WindowApiMixin, APIView):
    @extend_schema(responses=s.WindowStateOutputSerializer, summary="窗口状态")
    def get(self, request: Request, window_id: int) -> Response:
        _staff, window = self.staff_window(request, window_id)
        return Response(s.WindowStateOutputSerializer(_window_state(window)).data)


@route("windows/<int:window_id>/call-next/", name="call-next")
class CallNextApi(WindowApiMixin, APIView):
    @extend_schema(request=None, responses=s.CallOutputSerializer, summary="叫下一位")
    def post(self, request: Request, window_id: int) -> Response:
        staff, window = self.staff_window(request, window_id, status=True)
        ticket = services.call_next(
            window=window,
            staff=staff,
            actor=request.user,
            settings=self.queue_settings,
            status=self.window_status,
        )
        return Response(
            {
                "ticket": _out(s.StaffTicketOutputSerializer, ticket) if ticket else None,
                "waiting": ticket.still_waiting if ticket else 0,
            }
        )


class TicketActionApi(WindowApiMixin, APIView):
    """Base of the actions on the window's current ticket; subclasses name the service."""

    service: Any = None

    def post(self, request: Request, window_id: int) -> Response:
        staff, window = self.staff_window(request, window_id)
        ticket = self.service(
            ticket=self.current(window), window=window, staff=staff, actor=request.user
        )
        return Response(_out(s.StaffTicketOutputSerializer, ticket))


def _ticket_action(summary: str) -> Any:
    return extend_schema(request=None, responses=s.StaffTicketOutputSerializer, summary=summary)


@route("windows/<int:window_id>/recall/", name="recall")
@_ticket_action("重呼当前号")
class RecallApi(TicketActionApi):
    service = staticmethod(services.recall_ticket)


@route("windows/<int:window_id>/start/", name="start")
@_ticket_action("开始办理")
class StartApi(TicketActionApi):
    service = staticmethod(services.start_ticket)


@route("windows/<int:window_id>/finish/", name="finish")
@_ticket_action("办结")
class FinishApi(TicketActionApi):
    service = staticmethod(services.finish_ticket)


@route("windows/<int:window_id>/no-show/", name="no-show")
@_ticket_action("过号")
class NoShowApi(TicketActionApi):
    service = staticmethod(services.mark_no_show)


@route("windows/<int:window_id>/transfer/", name="transfer")
class TransferApi(WindowApiMixin, APIView):
    @extend_schema(
        request=s.TransferInputSerializer,
        responses=s.StaffTicketOutputSerializer,
        summary="转移当前号(到其他类别或窗口,保留原排队时间)",
    )
    def post(self, request: Request, window_id: int) -> Response:
        staff, window = self.staff_window(request, window_id)
        data = validated(s.TransferInputSerializer, request.data)
        to_category = center_object(
            QueueCategory, data["to_category"], window.center_id, _("排队类别不存在。")
        )
        to_window = center_object(Window, data["to_window"], window.center_id, _("窗口不存在。"))
        successor = services.transfer_ticket(
            ticket=self.current(window),
            window=window,
            staff=staff,
            to_category=to_category,
            to_window=to_window,
            note=data["note"],
            actor=request.user,
        )
        return Response(s.StaffTicketOutputSerializer(successor).data)


@route("windows/<int:window_id>/pause/", name="pause")
class PauseApi(WindowApiMixin, APIView):
    @extend_schema(
        request=s.PauseInputSerializer, responses=s.PauseOutputSerializer, summary="暂停窗口"
    )
    def post(self, request: Request, window_id: int) -> Response:
        staff, window = self.staff_window(request, window_id)
        data = validated(s.PauseInputSerializer, request.data)
        pause = services.pause_window(window=window, staff=staff, actor=request.user, **data)
        return Response(s.PauseOutputSerializer(pause).data)


@route("windows/<int:window_id>/resume/", name="resume")
class ResumeApi(WindowApiMixin, APIView):
    @extend_schema(request=None, responses=s.PauseOutputSerializer, summary="恢复窗口服务")
    def post(self, request: Request, window_id: int) -> Response:
        staff, window = self.staff_window(request, window_id)
        return Response(
            s.PauseOutputSerializer(
                services.resume_window(window=window, staff=staff, actor=request.user)
            ).data
        )


@route("windows/<int:window_id>/session/open/", name="session-open")
class OpenSessionApi(WindowApiMixin, APIView):
    @extend_schema(request=None, responses=s.WindowStateOutputSerializer, summary="登录窗口")
    def post(self, request: Request, window_id: int) -> Response:
        staff, window = self.staff_window(request, window_id)
        services.open_window_session(window=window, staff=staff, actor=request.user)
        return Response(s.WindowStateOutputSerializer(_window_state(window)).data)


@route("windows/<int:window_id>/session/close/", name="session-close")
class CloseSessionApi(WindowApiMixin, APIView):
    @extend_schema(request=None, responses=s.WindowStateOutputSerializer, summary="退出窗口")
    def post(self, request: Request, window_id: int) -> Response:
        staff, window = self.staff_window(request, window_id)
        services.close_window_session(window=window, staff=staff, actor=request.user)
        return Response(s.WindowStateOutputSerializer(_window_state(window)).data)


# --- monitor and figures ------------------------------------------------------------------------


@route("monitor/", name="monitor")
class MonitorApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.MonitorOutputSerializer, summary="大厅监控")
    def get(self, request: Request) -> Response:
        scope = scope_for(request.user)
        scope.require("queueing.view_hall_monitor")
        if scope.center_id is None:
            raise QueueError.NO_CENTER(NO_CENTER)
        data = selectors.hall_monitor(scope.center_id)
        data["windows"] = [
            {
                "window": w["window"].pk,
                "number": w["window"].number,
                "status": w["status"],
                "staff": str(w["session"].staff) if w["session"] else None,
                "current": w["current"].number if w["current"] else None,
                "paused_seconds": w["paused_seconds"],
                "pause_over_limit": w["pause_over_limit"],
            }
            for w in data["windows"]
        ]
        return Response(s.MonitorOutputSerializer(data).data)


@route("figures/", name="figures")
class FiguresApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[s.FiguresQuerySerializer],
        responses=s.FiguresOutputSerializer,
        summary="排队统计(平均等待、平均办理、10分钟内办结占比、按结果;可分维度)",
    )
    def get(self, request: Request) -> Response:
        scope = scope_for(request.user)
        scope.require("queueing.view_queue_figures")
        if scope.center_id is None:
            raise QueueError.NO_CENTER(NO_CENTER)
        query = validated(s.FiguresQuerySerializer, request.query_params)
        args = {
            "center_id": scope.center_id,
            "start": query["start"],
            "end": query["end"],
            "department_id": None if scope.whole_center else scope.department_id,
        }
        dimension = query.get("dimension")
        rows = selectors.figures_by(dimension=dimension, **args).items() if dimension else []
        return Response(
            s.FiguresOutputSerializer(
                {
                    "total": selectors.period_figures(**args),
                    "dimension": dimension,
                    "rows": [{"key": str(key), **row} for key, row in rows],
                    "outcomes": selectors.tickets_by_outcome(**args),
                }
            ).data
        )
