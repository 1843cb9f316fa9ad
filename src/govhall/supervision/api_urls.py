from govhall.core.routing import api_routes
from govhall.supervision import api

urlpatterns = api_routes(
    "supervision",
    [
        ("campaigns/", api.CampaignListApi, "campaigns"),
        ("campaigns/<int:pk>/", api.CampaignDetailApi, "campaign"),
        ("campaigns/<int:pk>/phases/", api.PhaseDatesApi, "phases"),
        ("campaigns/<int:pk>/documents/", api.DocumentUploadApi, "documents"),
        ("campaigns/<int:pk>/phase-report/", api.PhaseReportApi, "phase-report"),
        ("campaigns/<int:pk>/problems/", api.ProblemListApi, "problems"),
        ("campaigns/<int:pk>/import/<str:source>/", api.ImportApi, "import"),
        ("campaigns/<int:pk>/census/", api.CensusApi, "census"),
        ("campaigns/<int:pk>/progress/", api.ProgressApi, "progress"),
        ("campaigns/<int:pk>/progress.xlsx", api.ProgressXlsxApi, "progress-xlsx"),
        ("campaigns/<int:pk>/signoff/", api.SignOffApi, "signoff"),
        ("problems/<int:pk>/", api.ProblemDetailApi, "problem"),
        ("problems/<int:pk>/fix/", api.ProblemFixApi, "problem-fix"),
        ("problems/<int:pk>/confirm/", api.ProblemConfirmApi, "problem-confirm"),
        ("problems/<int:pk>/reopen/", api.ProblemReopenApi, "problem-reopen"),
        ("problems/<int:pk>/evidence/", api.EvidenceUploadApi, "problem-evidence"),
    ],
)
