from govhall.attendance import views
from govhall.core.routing import page_routes

app_name = "attendance"

urlpatterns = page_routes(
    [
        ("attendance/monthly/", views.monthly),
        ("attendance/monthly.xlsx", views.monthly_xlsx),
        ("attendance/me/", views.me),
        ("attendance/me/punch/", views.me_punch),
        ("attendance/me/leave/", views.me_leave),
        ("attendance/me/absence/", views.me_absence),
        ("attendance/approvals/", views.approvals),
        ("attendance/leaves/<int:pk>/decide/", views.leave_decide),
        ("attendance/violations/<int:pk>/appeal/", views.violation_appeal),
        ("attendance/violations/<int:pk>/decide/", views.violation_decide),
        ("attendance/import/", views.punch_import, "import"),
    ]
)
