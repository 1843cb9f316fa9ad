"""The attendance REST API (mounted at /api/attendance/): HTTP only — parse, scope, call a
service or selector, answer. One view per operation."""

import datetime as dt
from collections.abc import Callable
from typing import Any, ClassVar

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govhall.attendance import selectors, services
from govhall.attendance import serializers as s
from govhall.attendance.errors import AttendanceError
from govhall.attendance.models import (
    AttendanceRecord,
    DutyAssignment,
    Inspection,
    LeaveRequest,
    PostAbsence,
    Punch,
    StaffAssignment,
    TemporaryAbsence,
    Timetable,
    Violation,
    ViolationCategory,
)
from govhall.core.api import validated
from govhall.core.models import Center
from govhall.core.routing import route
from govhall.core.selectors import center_by_pk, center_row
from govhall.org import selectors as org_selectors
from govhall.org.models import Department, StaffProfile, Window
from govhall.org.scoping import NO_CENTER, scope_for

# --- plumbing ---------------------------------------------------------------------------------


def _in_center(model: type[Model], user: Any, pk: int | None) -> Any:
    """A row of the user's centre by id (None stays None); NotFound otherwise."""
    if pk is None:
        return None
    obj = center_row(model, pk, scope_for(user).center_id)
    if obj is None:
        raise AttendanceError.RECORD_NOT_FOUND(
            _("%(what)s %(pk)s 不存在。") % {"what": model._meta.verbose_name, "pk": pk}
        )
    return obj


def _center(user: Any) -> Center:
    scope = scope_for(user)
    if scope.center_id is None:
        raise AttendanceError.NO_CENTER(NO_CENTER)
    return center_by_pk(scope.center_id)


def _require_view(user: Any, permission: str | None) -> None:
    """The view permission, or (for the centre's shared lists) any role at all."""
    scope = scope_for(user)
    if permission:
        scope.require(permission)
    elif not (scope.roles or scope.all_centers):
        raise AttendanceError.NO_ROLE(_("您没有执行此操作的权限。"))


class ScopedRows:
    """Rows limited by `selectors.visible_to` after checking the view permission."""

    model: ClassVar[type[Model]]
    permission: ClassVar[str | None] = None
    staff_field: ClassVar[str | None] = "staff"
    department_field: ClassVar[str | None] = "department"
    related: ClassVar[tuple[str, ...]] = ()

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return self.model._default_manager.none()
        _require_view(self.request.user, self.permission)
        qs = self.model._default_manager.select_related(*self.related)
        return selectors.visible_to(
            self.request.user,
            qs,
            staff_field=self.staff_field,
            department_field=self.department_field,
        )


class ScopedListView(ScopedRows, generics.ListAPIView):
    pass


class ScopedDetailView(ScopedRows, generics.RetrieveAPIView):
    pass


class ActionView(APIView):
    """POST an input serializer; `perform` calls the service; answers with `output`.

    With `model` set, the URL's pk names a row the user may see (else 404)."""

    input: ClassVar[type[serializers.Serializer] | None] = None
    output: ClassVar[Any]
    model: ClassVar[type[Model] | None] = None
    staff_field: ClassVar[str | None] = "staff"
    department_field: ClassVar[str | None] = "department"
    summary: ClassVar[str] = ""
    status_code: ClassVar[int] = 200
    # Checked before the input is read, so a refused caller learns nothing from validation; the
    # service then checks the details (department, state).
    permission: ClassVar[str | None] = None
    requires_profile: ClassVar[bool] = False
    # What `perform` calls unless a view says otherwise: `service(actor=user, <row_name>=the
    # URL's row, **the validated input)` (no row without a `row_name`).
    service: ClassVar[Callable[..., Any]]
    row_name: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Each operation (a subclass setting its summary) is documented by a `post` of its own.
        if "summary" not in cls.__dict__:
            return

        def post(self: "ActionView", request: Request, pk: int | None = None) -> Response:
            return self.handle(request, pk)

        cls.post = extend_schema(
            request=cls.input, responses={cls.status_code: cls.output}, summary=cls.summary
        )(post)

    def target(self, pk: int | None) -> Any:
        if self.model is None:
            return None
        qs = selectors.visible_to(
            self.request.user,
            self.model._default_manager.all(),
            staff_field=self.staff_field,
            department_field=self.department_field,
        )
        obj = qs.filter(pk=pk).first()
        if obj is None:
            raise AttendanceError.RECORD_NOT_FOUND(_("记录不存在或不在您的权限范围内。"))
        return obj

    def handle(self, request: Request, pk: int | None) -> Response:
        scope = scope_for(request.user)
        if self.permission:
            scope.require(self.permission)
        if self.requires_profile and org_selectors.active_profile(request.user) is None:
            raise AttendanceError.NO_STAFF_PROFILE(_("您没有在岗的工作人员档案。"))
        target = self.target(pk)
        data = validated(self.input, request.data) if self.input else {}
        result = self.perform(request.user, target, data)
        if isinstance(result, Model):
            result = self.output(result, context={"request": request}).data
        return Response(result, status=self.status_code)

    def perform(self, user: Any, obj: Any, data: dict[str, Any]) -> Any:
        row = {} if self.row_name is None else {self.row_name: obj}
        return self.service(actor=user, **row, **data)


# An operation on behalf of a staff member: the input's `staff` (the id of one of the centre's
# staff, or none) goes to `service` as the StaffProfile. (A comment, not a docstring: the
# operations' OpenAPI description is ActionView's.)
class StaffAction(ActionView):
    def perform(self, user: Any, obj: Any, data: dict[str, Any]) -> Any:
        staff = _in_center(StaffProfile, user, data.pop("staff", None))
        return self.service(actor=user, staff=staff, **data)


# --- timetables and duty ----------------------------------------------------------------------


@route("timetables/", name="timetables")
class TimetableList(ScopedListView):
    """The centre's timetables (default and seasonal) with their sessions."""

    model = Timetable
    staff_field = department_field = None
    serializer_class = s.TimetableOut

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().prefetch_related("sessions")


@route("duties/", name="duties")
class DutyList(ScopedListView):
    model = DutyAssignment
    permission = "attendance.view_dutyassignment"
    department_field = "staff__department"
    serializer_class = s.DutyOut
    filterset_fields = {"date": ["gte", "lte", "exact"], "staff": ["exact"]}


@route("duties/schedule/", name="duty-schedule")
class DutySchedule(StaffAction):
    permission = "attendance.add_dutyassignment"
    input, output, status_code = s.DutyIn, s.DutyOut, 201
    summary = "排双休日值班"
    service = staticmethod(services.schedule_duty)


@route("duties/<int:pk>/cancel/", name="duty-cancel")
class DutyCancel(ActionView):
    output, model, department_field = s.DutyOut, DutyAssignment, "staff__department"
    summary = "取消值班"
    service, row_name = staticmethod(services.cancel_duty), "duty"


# --- punches ----------------------------------------------------------------------------------


@route("punches/", name="punches")
class PunchList(ScopedListView):
    model = Punch
    permission = "attendance.view_punch"
    department_field = "staff__department"
    serializer_class = s.PunchOut
    filterset_fields = {
        "staff": ["exact"],
        "punched_at": ["gte", "lt"],
        "source": ["exact"],
        "batch": ["exact"],
    }


@route("punches/self/", name="punch-self")
class SelfPunch(ActionView):
    requires_profile = True
    input, output, status_code = s.SelfPunchIn, s.PunchOut, 201
    summary = "本人签到/签退"

    def perform(self, user, obj, data):
        return services.self_punch(user=user, kind=data["kind"])


@route("punches/enter/", name="punch-enter")
class EnterPunch(ActionView):
    permission = "attendance.enter_punch"
    input, output, status_code = s.EnterPunchIn, s.PunchOut, 201
    summary = "补录打卡"

    def perform(self, user, obj, data):
        return services.enter_punch(
            actor=user,
            staff=_in_center(StaffProfile, user, data["staff"]),
            kind=data["kind"],
            at=data["punched_at"],
            note=data["note"],
        )


@route("punches/<int:pk>/void/", name="punch-void")
class VoidPunch(ActionView):
    input, output, model = s.NoteIn, s.PunchOut, Punch
    department_field = "staff__department"
    summary = "作废打卡"
    service, row_name = staticmethod(services.void_punch), "punch"


@route("punches/import/", name="punch-import")
class ImportPunches(ActionView):
    """Upload an attendance machine export; `dry_run` (default true) only checks it. All rows or
    none: a bad row is named in the error (`detail.errors` lists every one)."""

    permission = "attendance.import_punches"
    parser_classes = [MultiPartParser, FormParser]
    input, output = s.ImportIn, s.ImportOut
    summary = "导入考勤机数据(.csv/.xlsx)"

    def perform(self, user, obj, data):
        upload = data["file"]
        report = services.import_punches(
            actor=user,
            center=_center(user),
            filename=upload.name,
            content=upload.read(),
            dry_run=data["dry_run"],
        )
        return s.ImportOut(report).data


# --- leave ------------------------------------------------------------------------------------


class LeaveRows(ScopedRows):
    model = LeaveRequest
    permission = "attendance.view_leaverequest"
    serializer_class = s.LeaveOut

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().prefetch_related("events")


@route("leaves/", name="leaves")
class LeaveList(LeaveRows, ScopedListView):
    filterset_fields = {"status": ["exact"], "staff": ["exact"], "start": ["gte", "lt"]}


@route("leaves/<int:pk>/", name="leave")
class LeaveDetail(LeaveRows, ScopedDetailView):
    """One leave request with its timeline."""


@route("leaves/request/", name="leave-request")
class LeaveCreate(StaffAction):
    requires_profile = True
    input, output, status_code = s.LeaveIn, s.LeaveOut, 201
    summary = "请假申请"
    service = staticmethod(services.request_leave)


# The steps on one leave request.
class LeaveStep(ActionView):
    output, model, row_name = s.LeaveOut, LeaveRequest, "leave"


@route("leaves/<int:pk>/approve/", name="leave-approve")
class LeaveApprove(LeaveStep):
    """Approve the current step: the unit lead first, then the centre."""

    input = s.CommentIn
    summary = "审批请假(单位→中心)"

    def perform(self, user, obj, data):
        step = (
            services.approve_leave_as_unit
            if obj.status == LeaveRequest.Status.PENDING_UNIT
            else services.approve_leave_as_center
        )
        return step(actor=user, leave=obj, comment=data["comment"])


@route("leaves/<int:pk>/reject/", name="leave-reject")
class LeaveReject(LeaveStep):
    input, service = s.ReasonIn, staticmethod(services.reject_leave)
    summary = "驳回请假"


@route("leaves/<int:pk>/cancel/", name="leave-cancel")
class LeaveCancel(LeaveStep):
    service = staticmethod(services.cancel_leave)
    summary = "撤销请假"


@route("leaves/<int:pk>/report-back/", name="leave-report-back")
class LeaveReportBack(LeaveStep):
    input, service = s.OptionalTimeIn, staticmethod(services.report_back)
    summary = "销假"


# --- temporary absence ------------------------------------------------------------------------


@route("temporary-absences/", name="temporary-absences")
class TemporaryAbsenceList(ScopedListView):
    model = TemporaryAbsence
    permission = "attendance.view_temporaryabsence"
    serializer_class = s.TemporaryAbsenceOut
    filterset_fields = {"staff": ["exact"], "left_at": ["gte", "lt"]}


@route("temporary-absences/register/", name="temporary-absence-register")
class TemporaryAbsenceCreate(StaffAction):
    requires_profile = True
    input, output, status_code = s.TemporaryAbsenceIn, s.TemporaryAbsenceOut, 201
    summary = "临时外出登记"
    service = staticmethod(services.register_temporary_absence)


@route("temporary-absences/<int:pk>/return/", name="temporary-absence-return")
class TemporaryAbsenceReturn(ActionView):
    input, output, model = s.OptionalTimeIn, s.TemporaryAbsenceOut, TemporaryAbsence
    summary = "外出返回登记"
    service, row_name = staticmethod(services.register_return), "absence"


# --- derived records --------------------------------------------------------------------------


@route("records/", name="records")
class RecordList(ScopedListView):
    model = AttendanceRecord
    permission = "attendance.view_attendancerecord"
    serializer_class = s.RecordOut
    filterset_fields = {
        "date": ["gte", "lte", "exact"],
        "staff": ["exact"],
        "department": ["exact"],
        "status": ["exact"],
    }


@route("post-absences/", name="post-absences")
class PostAbsenceList(ScopedListView):
    model = PostAbsence
    permission = "attendance.view_postabsence"
    serializer_class = s.PostAbsenceOut
    filterset_fields = {
        "date": ["gte", "lte", "exact"],
        "window": ["exact"],
        "kind": ["exact"],
    }


@route("derive/", name="derive")
class Derive(ActionView):
    """Recompute the attendance of a day (or of [date, end]); idempotent."""

    permission = "attendance.derive_attendance"
    input = s.DeriveIn
    output = s.DeriveOut(many=True)
    summary = "计算考勤与空岗"

    def perform(self, user, obj, data):
        results = services.derive_for(
            actor=user, center=_center(user), start=data["date"], end=data.get("end")
        )
        return s.DeriveOut(results, many=True).data


# --- inspections and violations ---------------------------------------------------------------


@route("categories/", name="categories")
class CategoryList(ScopedListView):
    """The centre's violation categories (the default list is made with the centre)."""

    staff_field = department_field = None
    serializer_class = s.CategoryOut
    pagination_class = None

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return ViolationCategory.objects.none()
        _require_view(self.request.user, None)
        if scope_for(self.request.user).sees_nothing:
            return ViolationCategory.objects.none()
        return selectors.categories_for(scope_for(self.request.user).center_id)


@route("inspections/", name="inspections")
class InspectionList(ScopedListView):
    model = Inspection
    permission = "attendance.view_inspection"
    staff_field = department_field = None
    serializer_class = s.InspectionOut


@route("inspections/start/", name="inspection-start")
class InspectionStart(ActionView):
    permission = "attendance.record_inspection"
    input, output, status_code = s.InspectionIn, s.InspectionOut, 201
    summary = "开始巡查"

    def perform(self, user, obj, data):
        return services.start_inspection(actor=user, center=_center(user), area=data["area"])


@route("inspections/<int:pk>/finish/", name="inspection-finish")
class InspectionFinish(ActionView):
    input, output, model = s.NoteIn, s.InspectionOut, Inspection
    staff_field = department_field = None
    summary = "结束巡查"
    service, row_name = staticmethod(services.finish_inspection), "inspection"


class ViolationRows(ScopedRows):
    model = Violation
    permission = "attendance.view_violation"
    serializer_class = s.ViolationOut
    related = ("category",)

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().prefetch_related("events")


@route("violations/", name="violations")
class ViolationList(ViolationRows, ScopedListView):
    filterset_fields = {
        "staff": ["exact"],
        "status": ["exact"],
        "occurred_at": ["gte", "lt"],
        "category": ["exact"],
    }


@route("violations/<int:pk>/", name="violation")
class ViolationDetail(ViolationRows, ScopedDetailView):
    """One violation with its timeline."""


@route("violations/record/", name="violation-record")
class ViolationCreate(ActionView):
    """Record a violation (multipart for the optional photo)."""

    permission = "attendance.record_inspection"
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    input, output, status_code = s.ViolationIn, s.ViolationOut, 201
    summary = "记录违规"

    def perform(self, user, obj, data):
        return services.record_violation(
            actor=user,
            staff=_in_center(StaffProfile, user, data["staff"]),
            category=_in_center(ViolationCategory, user, data["category"]),
            occurred_at=data["occurred_at"],
            inspection=_in_center(Inspection, user, data["inspection"]),
            window=_in_center(Window, user, data["window"]),
            points=data["points"],
            description=data["description"],
            photo=data["photo"],
        )


# The steps on one violation.
class ViolationStep(ActionView):
    output, model, row_name = s.ViolationOut, Violation, "violation"


@route("violations/<int:pk>/appeal/", name="violation-appeal")
class ViolationAppeal(ViolationStep):
    input, service = s.ReasonIn, staticmethod(services.appeal_violation)
    summary = "申诉违规记录"


@route("violations/<int:pk>/decide/", name="violation-decide")
class ViolationDecide(ViolationStep):
    input, service = s.DecideIn, staticmethod(services.decide_appeal)
    summary = "裁定申诉"


# --- assignments and stability ----------------------------------------------------------------


@route("assignments/", name="assignments")
class AssignmentList(ScopedListView):
    model = StaffAssignment
    permission = "attendance.view_staffassignment"
    serializer_class = s.AssignmentOut
    filterset_fields = {"staff": ["exact"], "department": ["exact"], "started_at": ["gte", "lt"]}

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().prefetch_related("windows")


@route("assignments/change/", name="assignment-change")
class AssignmentChange(ActionView):
    permission = "attendance.change_staff_assignment"
    input, output, status_code = s.AssignmentIn, s.AssignmentOut, 201
    summary = "调整人员派驻(单位与窗口)"

    def perform(self, user, obj, data):
        staff = _in_center(StaffProfile, user, data["staff"])
        assignment = services.change_assignment(
            actor=user,
            staff=staff,
            department=_in_center(Department, user, data["department"]),
            windows=[_in_center(Window, user, pk) for pk in data["windows"]],
            reason=data["reason"],
        )
        if assignment is None:
            raise AttendanceError.ASSIGNMENT_UNCHANGED(_("单位和窗口没有变化。"))
        return assignment


def _period(request: Request) -> tuple[dt.date, dt.date]:
    serializer = s.PeriodIn(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    if "month" in data:
        try:
            return selectors.month_bounds(data["month"])
        except ValueError as exc:
            raise AttendanceError.BAD_PERIOD(_("月份格式应为 YYYY-MM。")) from exc
    return data["start"], data["end"]


PERIOD_PARAMS = [
    OpenApiParameter("month", str, description="YYYY-MM"),
    OpenApiParameter("start", dt.date),
    OpenApiParameter("end", dt.date),
]


@route("stability/", name="stability")
class Stability(APIView):
    @extend_schema(
        parameters=PERIOD_PARAMS,
        responses=s.StabilityOut(many=True),
        summary="人员稳定性(按单位)",
    )
    def get(self, request: Request) -> Response:
        scope = scope_for(request.user)
        scope.require("attendance.view_staffassignment")
        start, end = _period(request)
        figures = selectors.department_stability(center_id=scope.center_id, start=start, end=end)
        names = org_selectors.department_names(scope.center_id)
        rows = [
            {"department": dept, "name": names.get(dept, _("未分配单位")), **row}
            for dept, row in figures.items()
            if scope.whole_center or dept == scope.department_id
        ]
        rows.sort(key=lambda r: (r["department"] is None, r["name"]))
        return Response(s.StabilityOut(rows, many=True).data)


class _FiguresView(APIView):
    def period_and_scope(self, request: Request):
        scope = scope_for(request.user)
        scope.require("attendance.view_attendance_table")
        if scope.sees_nothing:
            raise AttendanceError.NO_CENTER(NO_CENTER)
        return scope, *_period(request)


@route("figures/staff/", name="figures-staff")
class StaffFiguresView(_FiguresView):
    @extend_schema(
        parameters=PERIOD_PARAMS,
        responses=s.KeyedFiguresOut(many=True),
        summary="考勤汇总(按人员)",
    )
    def get(self, request: Request) -> Response:
        scope, start, end = self.period_and_scope(request)
        figures = selectors.staff_figures(
            center_id=scope.center_id,
            start=start,
            end=end,
            department_id=None if scope.whole_center else scope.department_id,
        )
        names = org_selectors.staff_names(figures)
        rows = [{"id": k, "name": names.get(k, ""), **v} for k, v in figures.items()]
        return Response(s.KeyedFiguresOut(rows, many=True).data)


@route("figures/departments/", name="figures-departments")
class DepartmentFiguresView(_FiguresView):
    @extend_schema(
        parameters=PERIOD_PARAMS,
        responses=s.KeyedFiguresOut(many=True),
        summary="考勤汇总(按单位)",
    )
    def get(self, request: Request) -> Response:
        scope, start, end = self.period_and_scope(request)
        figures = selectors.department_figures(center_id=scope.center_id, start=start, end=end)
        names = org_selectors.department_names(scope.center_id)
        rows = [
            {"id": k, "name": names.get(k, ""), **v}
            for k, v in figures.items()
            if scope.whole_center or k == scope.department_id
        ]
        return Response(s.KeyedFiguresOut(rows, many=True).data)


@route("figures/center/", name="figures-center")
class CenterFiguresView(_FiguresView):
    @extend_schema(parameters=PERIOD_PARAMS, responses=s.FiguresOut, summary="考勤汇总(全中心)")
    def get(self, request: Request) -> Response:
        if not scope_for(request.user).whole_center:
            raise AttendanceError.CENTER_ONLY(_("全中心汇总仅对中心开放。"))
        scope, start, end = self.period_and_scope(request)
        figures = selectors.center_figures(center_id=scope.center_id, start=start, end=end)
        return Response(s.FiguresOut(figures).data)
