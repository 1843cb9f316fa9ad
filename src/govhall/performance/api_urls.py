from govhall.core.routing import api_routes
from govhall.performance import api

urlpatterns = api_routes(
    "performance-api",
    [
        ("rubrics/", api.RubricListApi, "rubrics"),
        ("rubrics/<int:pk>/new-version/", api.RubricNewVersionApi, "rubric-new-version"),
        ("runs/", api.RunListApi, "runs"),
        ("runs/<int:pk>/", api.RunDetailApi, "run"),
        ("runs/<int:pk>/publish/", api.PublishApi, "publish"),
        ("compute/", api.ComputeApi, "compute"),
        ("years/<str:year>/", api.YearlyApi, "year"),
        ("scores/", api.ManualScoreApi, "scores"),
    ],
)
