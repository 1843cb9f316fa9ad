from govhall.core.routing import page_routes
from govhall.supervision import views

app_name = "supervision"

urlpatterns = page_routes(
    [
        ("supervision/", views.campaign_list, "campaigns"),
        ("supervision/new/", views.campaign_create),
        ("supervision/<int:pk>/", views.campaign_detail, "campaign"),
        ("supervision/<int:pk>/documents/", views.document_upload),
        ("supervision/<int:pk>/problems/", views.problem_list, "problems"),
        ("supervision/<int:pk>/problems/new/", views.problem_create),
        ("supervision/<int:pk>/problems/import/", views.problem_import),
        ("supervision/<int:pk>/census/", views.census),
        ("supervision/<int:pk>/census/file/", views.census_file),
        ("supervision/<int:pk>/progress/", views.progress),
        ("supervision/<int:pk>/progress.xlsx", views.progress_xlsx),
        ("supervision/<int:pk>/signoff/", views.sign_off),
        ("supervision/problems/<int:pk>/", views.problem_detail, "problem"),
        ("supervision/problems/<int:pk>/edit/", views.problem_edit),
        ("supervision/problems/<int:pk>/fix/", views.problem_fix),
        ("supervision/problems/<int:pk>/evidence/", views.problem_evidence),
        ("supervision/problems/<int:pk>/confirm/", views.problem_confirm),
        ("supervision/problems/<int:pk>/reopen/", views.problem_reopen),
    ]
)
