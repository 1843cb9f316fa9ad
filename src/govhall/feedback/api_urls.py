from django.urls import path

from govhall.feedback import api

urlpatterns = [
    path("evaluations/", api.EvaluationList.as_view(), name="feedback-api-evaluations"),
    path("evaluations/<int:pk>/", api.EvaluationDetail.as_view(), name="feedback-api-evaluation"),
    path("evaluations/<int:pk>/appeal/", api.FileAppeal.as_view(), name="feedback-api-appeal"),
    path("invitations/check/", api.InvitationCheck.as_view(), name="feedback-api-invitation"),
    path("rate/", api.Rate.as_view(), name="feedback-api-rate"),
    path("pad/pair/", api.PadPair.as_view(), name="feedback-api-pad-pair"),
    path("pad/state/", api.PadState.as_view(), name="feedback-api-pad-state"),
    path("pad/rate/", api.PadRate.as_view(), name="feedback-api-pad-rate"),
    path("pad/skip/", api.PadSkip.as_view(), name="feedback-api-pad-skip"),
    path("appeals/", api.AppealList.as_view(), name="feedback-api-appeals"),
    path("appeals/<int:pk>/decide/", api.DecideAppeal.as_view(), name="feedback-api-decide"),
    path("rectifications/", api.RectificationList.as_view(), name="feedback-api-rectifications"),
    path(
        "rectifications/<int:pk>/",
        api.RectificationDetail.as_view(),
        name="feedback-api-rectification",
    ),
    path(
        "rectifications/<int:pk>/verify/",
        api.VerifyRectification.as_view(),
        name="feedback-api-rectification-verify",
    ),
    path(
        "rectifications/<int:pk>/rectify/",
        api.Rectify.as_view(),
        name="feedback-api-rectification-rectify",
    ),
    path(
        "rectifications/<int:pk>/callback/",
        api.CallbackRectification.as_view(),
        name="feedback-api-rectification-callback",
    ),
    path(
        "rectifications/<int:pk>/close/",
        api.CloseRectification.as_view(),
        name="feedback-api-rectification-close",
    ),
    path("complaints/", api.ComplaintList.as_view(), name="feedback-api-complaints"),
    path("complaints/<int:pk>/", api.ComplaintDetail.as_view(), name="feedback-api-complaint"),
    path(
        "complaints/<int:pk>/assign/",
        api.AssignComplaint.as_view(),
        name="feedback-api-complaint-assign",
    ),
    path(
        "complaints/<int:pk>/resolve/",
        api.ResolveComplaint.as_view(),
        name="feedback-api-complaint-resolve",
    ),
    path(
        "complaints/<int:pk>/callback/",
        api.CallbackComplaint.as_view(),
        name="feedback-api-complaint-callback",
    ),
    path(
        "complaints/<int:pk>/close/",
        api.CloseComplaint.as_view(),
        name="feedback-api-complaint-close",
    ),
    path("assists/", api.AssistList.as_view(), name="feedback-api-assists"),
    path("figures/", api.Figures.as_view(), name="feedback-api-figures"),
    path("figures/callbacks/", api.CallbackFigures.as_view(), name="feedback-api-callbacks"),
    path("figures/assists/", api.AssistTotals.as_view(), name="feedback-api-assist-totals"),
    path("disclosure/", api.Disclosure.as_view(), name="feedback-api-disclosure"),
    path("imports/hotline/", api.HotlineImport.as_view(), name="feedback-api-hotline-import"),
]
