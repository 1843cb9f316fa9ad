from django.urls import path

from govhall.performance import api

urlpatterns = [
    path("rubrics/", api.RubricListApi.as_view(), name="performance-api-rubrics"),
    path(
        "rubrics/<int:pk>/new-version/",
        api.RubricNewVersionApi.as_view(),
        name="performance-api-rubric-new-version",
    ),
    path("runs/", api.RunListApi.as_view(), name="performance-api-runs"),
    path("runs/<int:pk>/", api.RunDetailApi.as_view(), name="performance-api-run"),
    path("runs/<int:pk>/publish/", api.PublishApi.as_view(), name="performance-api-publish"),
    path("compute/", api.ComputeApi.as_view(), name="performance-api-compute"),
    path("years/<str:year>/", api.YearlyApi.as_view(), name="performance-api-year"),
    path("scores/", api.ManualScoreApi.as_view(), name="performance-api-scores"),
]
