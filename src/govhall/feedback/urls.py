from django.urls import path

from govhall.feedback import views

app_name = "feedback"

urlpatterns = [
    path("feedback/", views.home, name="home"),
    path("feedback/rate/<str:token>/", views.rate, name="rate"),
    path("feedback/t/<uuid:token>/", views.rate_ticket, name="rate_ticket"),
    path("feedback/c/<str:ref>/", views.rate_case, name="rate_case"),
    path("feedback/pad/", views.pad, name="pad"),
    path("feedback/pad/pair/", views.pad_pair, name="pad_pair"),
    path("feedback/pad/state/", views.pad_state, name="pad_state"),
    path("feedback/pad/rate/", views.pad_rate, name="pad_rate"),
    path("feedback/pad/skip/", views.pad_skip, name="pad_skip"),
    path("feedback/pad/code/", views.pad_code, name="pad_code"),
    path("feedback/ratings/", views.evaluation_list, name="evaluations"),
    path("feedback/ratings/<int:pk>/", views.evaluation_detail, name="evaluation"),
    path("feedback/appeals/", views.appeal_list, name="appeals"),
    path("feedback/rectifications/", views.rectification_list, name="rectifications"),
    path("feedback/rectifications/<int:pk>/", views.rectification_detail, name="rectification"),
    path("feedback/complaints/", views.complaint_list, name="complaints"),
    path("feedback/complaints/<int:pk>/", views.complaint_detail, name="complaint"),
    path("feedback/assists/", views.assist_list, name="assists"),
    path("feedback/figures/", views.figures, name="figures"),
    path("feedback/import/", views.hotline_import, name="hotline_import"),
    path("disclosure/", views.disclosure, name="disclosure"),
]
