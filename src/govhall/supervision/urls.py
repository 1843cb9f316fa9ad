from django.urls import path

from govhall.supervision import views

app_name = "supervision"

urlpatterns = [
    path("supervision/", views.campaign_list, name="campaigns"),
    path("supervision/new/", views.campaign_create, name="campaign_create"),
    path("supervision/<int:pk>/", views.campaign_detail, name="campaign"),
    path("supervision/<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("supervision/<int:pk>/problems/", views.problem_list, name="problems"),
    path("supervision/<int:pk>/problems/new/", views.problem_create, name="problem_create"),
    path("supervision/<int:pk>/problems/import/", views.problem_import, name="problem_import"),
    path("supervision/<int:pk>/census/", views.census, name="census"),
    path("supervision/<int:pk>/census/file/", views.census_file, name="census_file"),
    path("supervision/<int:pk>/progress/", views.progress, name="progress"),
    path("supervision/<int:pk>/progress.xlsx", views.progress_xlsx, name="progress_xlsx"),
    path("supervision/<int:pk>/signoff/", views.sign_off, name="sign_off"),
    path("supervision/problems/<int:pk>/", views.problem_detail, name="problem"),
    path("supervision/problems/<int:pk>/edit/", views.problem_edit, name="problem_edit"),
    path("supervision/problems/<int:pk>/fix/", views.problem_fix, name="problem_fix"),
    path(
        "supervision/problems/<int:pk>/evidence/", views.problem_evidence, name="problem_evidence"
    ),
    path("supervision/problems/<int:pk>/confirm/", views.problem_confirm, name="problem_confirm"),
    path("supervision/problems/<int:pk>/reopen/", views.problem_reopen, name="problem_reopen"),
]
