from django.urls import path

from govhall.performance import views

app_name = "performance"

urlpatterns = [
    path("performance/", views.dashboard, name="dashboard"),
    path("performance/compute/", views.compute, name="compute"),
    path("performance/runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("performance/runs/<int:pk>/publish/", views.publish, name="publish"),
    path("performance/runs/<int:pk>/text/", views.run_text, name="run_text"),
    path("performance/runs/<int:pk>/bulletin.docx", views.run_docx, name="run_docx"),
    path("performance/runs/<int:pk>/tables.xlsx", views.run_xlsx, name="run_xlsx"),
    path("performance/yearly/", views.yearly, name="yearly"),
    path("performance/yearly/report.docx", views.yearly_docx, name="yearly_docx"),
    path("performance/lobby/", views.lobby, name="lobby"),
    path("performance/lobby/data/", views.lobby_data, name="lobby_data"),
    path("performance/departments/<int:pk>/", views.department_detail, name="department"),
    path(
        "performance/periods/<str:code>/scores/<int:dimension_id>/",
        views.enter_scores,
        name="enter_scores",
    ),
]
