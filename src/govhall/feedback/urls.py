from govhall.core.routing import page_routes
from govhall.feedback import views

app_name = "feedback"

urlpatterns = page_routes(
    [
        ("feedback/", views.home),
        ("feedback/rate/<str:token>/", views.rate),
        ("feedback/t/<uuid:token>/", views.rate_ticket),
        ("feedback/c/<str:ref>/", views.rate_case),
        ("feedback/pad/", views.pad),
        ("feedback/pad/pair/", views.pad_pair),
        ("feedback/pad/state/", views.pad_state),
        ("feedback/pad/rate/", views.pad_rate),
        ("feedback/pad/skip/", views.pad_skip),
        ("feedback/pad/code/", views.pad_code),
        ("feedback/ratings/", views.evaluation_list, "evaluations"),
        ("feedback/ratings/<int:pk>/", views.evaluation_detail, "evaluation"),
        ("feedback/appeals/", views.appeal_list, "appeals"),
        ("feedback/rectifications/", views.rectification_list, "rectifications"),
        ("feedback/rectifications/<int:pk>/", views.rectification_detail, "rectification"),
        ("feedback/complaints/", views.complaint_list, "complaints"),
        ("feedback/complaints/<int:pk>/", views.complaint_detail, "complaint"),
        ("feedback/assists/", views.assist_list, "assists"),
        ("feedback/figures/", views.figures),
        ("feedback/import/", views.hotline_import),
        ("disclosure/", views.disclosure),
    ]
)
