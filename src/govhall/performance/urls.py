from govhall.core.routing import page_routes
from govhall.performance import views

app_name = "performance"

urlpatterns = page_routes(
    [
        ("performance/", views.dashboard),
        ("performance/compute/", views.compute),
        ("performance/runs/<int:pk>/", views.run_detail),
        ("performance/runs/<int:pk>/publish/", views.publish),
        ("performance/runs/<int:pk>/text/", views.run_text),
        ("performance/runs/<int:pk>/bulletin.docx", views.run_docx),
        ("performance/runs/<int:pk>/tables.xlsx", views.run_xlsx),
        ("performance/yearly/", views.yearly),
        ("performance/yearly/report.docx", views.yearly_docx),
        ("performance/lobby/", views.lobby),
        ("performance/lobby/data/", views.lobby_data),
        ("performance/departments/<int:pk>/", views.department_detail, "department"),
        ("performance/periods/<str:code>/scores/<int:dimension_id>/", views.enter_scores),
    ]
)
