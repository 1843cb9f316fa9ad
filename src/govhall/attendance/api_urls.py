from django.urls import path

from govhall.attendance import api

urlpatterns = [
    path("timetables/", api.TimetableList.as_view(), name="attendance-timetables"),
    path("duties/", api.DutyList.as_view(), name="attendance-duties"),
    path("duties/schedule/", api.DutySchedule.as_view(), name="attendance-duty-schedule"),
    path("duties/<int:pk>/cancel/", api.DutyCancel.as_view(), name="attendance-duty-cancel"),
    path("punches/", api.PunchList.as_view(), name="attendance-punches"),
    path("punches/self/", api.SelfPunch.as_view(), name="attendance-punch-self"),
    path("punches/enter/", api.EnterPunch.as_view(), name="attendance-punch-enter"),
    path("punches/import/", api.ImportPunches.as_view(), name="attendance-punch-import"),
    path("punches/<int:pk>/void/", api.VoidPunch.as_view(), name="attendance-punch-void"),
    path("leaves/", api.LeaveList.as_view(), name="attendance-leaves"),
    path("leaves/request/", api.LeaveCreate.as_view(), name="attendance-leave-request"),
    path("leaves/<int:pk>/", api.LeaveDetail.as_view(), name="attendance-leave"),
    path("leaves/<int:pk>/approve/", api.LeaveApprove.as_view(), name="attendance-leave-approve"),
    path("leaves/<int:pk>/reject/", api.LeaveReject.as_view(), name="attendance-leave-reject"),
    path("leaves/<int:pk>/cancel/", api.LeaveCancel.as_view(), name="attendance-leave-cancel"),
    path(
        "leaves/<int:pk>/report-back/",
        api.LeaveReportBack.as_view(),
        name="attendance-leave-report-back",
    ),
    path(
        "temporary-absences/",
        api.TemporaryAbsenceList.as_view(),
        name="attendance-temporary-absences",
    ),
    path(
        "temporary-absences/register/",
        api.TemporaryAbsenceCreate.as_view(),
        name="attendance-temporary-absence-register",
    ),
    path(
        "temporary-absences/<int:pk>/return/",
        api.TemporaryAbsenceReturn.as_view(),
        name="attendance-temporary-absence-return",
    ),
    path("records/", api.RecordList.as_view(), name="attendance-records"),
    path("post-absences/", api.PostAbsenceList.as_view(), name="attendance-post-absences"),
    path("derive/", api.Derive.as_view(), name="attendance-derive"),
    path("categories/", api.CategoryList.as_view(), name="attendance-categories"),
    path("inspections/", api.InspectionList.as_view(), name="attendance-inspections"),
    path("inspections/start/", api.InspectionStart.as_view(), name="attendance-inspection-start"),
    path(
        "inspections/<int:pk>/finish/",
        api.InspectionFinish.as_view(),
        name="attendance-inspection-finish",
    ),
    path("violations/", api.ViolationList.as_view(), name="attendance-violations"),
    path("violations/record/", api.ViolationCreate.as_view(), name="attendance-violation-record"),
    path("violations/<int:pk>/", api.ViolationDetail.as_view(), name="attendance-violation"),
    path(
        "violations/<int:pk>/appeal/",
        api.ViolationAppeal.as_view(),
        name="attendance-violation-appeal",
    ),
    path(
        "violations/<int:pk>/decide/",
        api.ViolationDecide.as_view(),
        name="attendance-violation-decide",
    ),
    path("assignments/", api.AssignmentList.as_view(), name="attendance-assignments"),
    path(
        "assignments/change/", api.AssignmentChange.as_view(), name="attendance-assignment-change"
    ),
    path("stability/", api.Stability.as_view(), name="attendance-stability"),
    path("figures/staff/", api.StaffFiguresView.as_view(), name="attendance-figures-staff"),
    path(
        "figures/departments/",
        api.DepartmentFiguresView.as_view(),
        name="attendance-figures-departments",
    ),
    path("figures/center/", api.CenterFiguresView.as_view(), name="attendance-figures-center"),
]
