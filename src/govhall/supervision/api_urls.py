from django.urls import path

from govhall.supervision import api

urlpatterns = [
    path("campaigns/", api.CampaignListApi.as_view(), name="supervision-campaigns"),
    path("campaigns/<int:pk>/", api.CampaignDetailApi.as_view(), name="supervision-campaign"),
    path("campaigns/<int:pk>/phases/", api.PhaseDatesApi.as_view(), name="supervision-phases"),
    path(
        "campaigns/<int:pk>/documents/",
        api.DocumentUploadApi.as_view(),
        name="supervision-documents",
    ),
    path(
        "campaigns/<int:pk>/phase-report/",
        api.PhaseReportApi.as_view(),
        name="supervision-phase-report",
    ),
    path("campaigns/<int:pk>/problems/", api.ProblemListApi.as_view(), name="supervision-problems"),
    path(
        "campaigns/<int:pk>/import/<str:source>/",
        api.ImportApi.as_view(),
        name="supervision-import",
    ),
    path("campaigns/<int:pk>/census/", api.CensusApi.as_view(), name="supervision-census"),
    path("campaigns/<int:pk>/progress/", api.ProgressApi.as_view(), name="supervision-progress"),
    path(
        "campaigns/<int:pk>/progress.xlsx",
        api.ProgressXlsxApi.as_view(),
        name="supervision-progress-xlsx",
    ),
    path("campaigns/<int:pk>/signoff/", api.SignOffApi.as_view(), name="supervision-signoff"),
    path("problems/<int:pk>/", api.ProblemDetailApi.as_view(), name="supervision-problem"),
    path("problems/<int:pk>/fix/", api.ProblemFixApi.as_view(), name="supervision-problem-fix"),
    path(
        "problems/<int:pk>/confirm/",
        api.ProblemConfirmApi.as_view(),
        name="supervision-problem-confirm",
    ),
    path(
        "problems/<int:pk>/reopen/",
        api.ProblemReopenApi.as_view(),
        name="supervision-problem-reopen",
    ),
    path(
        "problems/<int:pk>/evidence/",
        api.EvidenceUploadApi.as_view(),
        name="supervision-problem-evidence",
    ),
]
