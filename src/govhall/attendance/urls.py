from django.urls import path

from govhall.attendance import views

app_name = "attendance"

urlpatterns = [
    path("attendance/monthly/", views.monthly, name="monthly"),
    path("attendance/monthly.xlsx", views.monthly_xlsx, name="monthly_xlsx"),
    path("attendance/me/", views.me, name="me"),
    path("attendance/me/punch/", views.me_punch, name="me_punch"),
    path("attendance/me/leave/", views.me_leave, name="me_leave"),
    path("attendance/me/absence/", views.me_absence, name="me_absence"),
    path("attendance/approvals/", views.approvals, name="approvals"),
    path("attendance/leaves/<int:pk>/decide/", views.leave_decide, name="leave_decide"),
    path("attendance/violations/<int:pk>/appeal/", views.violation_appeal, name="violation_appeal"),
    path("attendance/violations/<int:pk>/decide/", views.violation_decide, name="violation_decide"),
    path("attendance/import/", views.punch_import, name="import"),
]
