from django.urls import path

from govhall.cases import api

urlpatterns = [
    path("cases/", api.CaseList.as_view(), name="cases-api-list"),
    path("cases/accept/", api.CaseAccept.as_view(), name="cases-api-accept"),
    path("cases/submit/", api.CaseSubmit.as_view(), name="cases-api-submit"),
    path("supervision/", api.Supervision.as_view(), name="cases-api-supervision"),
    path("supervision/flags/", api.ClockFlags.as_view(), name="cases-api-clock-flags"),
    path("figures/", api.Figures.as_view(), name="cases-api-figures"),
    path("clock-figures/", api.ClockFigures.as_view(), name="cases-api-clock-figures"),
    path("lookup/", api.Lookup.as_view(), name="cases-api-lookup"),
    path("import/", api.Import.as_view(), name="cases-api-import"),
    path("cases/<str:number>/", api.CaseDetail.as_view(), name="cases-api-detail"),
    path("joint/", api.JointList.as_view(), name="cases-api-joint-list"),
    path("joint/accept/", api.JointAccept.as_view(), name="cases-api-joint-accept"),
    path("joint/figures/", api.JointFigures.as_view(), name="cases-api-joint-figures"),
    path("joint/<str:number>/", api.JointDetail.as_view(), name="cases-api-joint-detail"),
    path("joint/<str:number>/extend/", api.JointExtend.as_view(), name="cases-api-joint-extend"),
    path(
        "joint/<str:number>/withdraw/", api.JointWithdraw.as_view(), name="cases-api-joint-withdraw"
    ),
    path(
        "joint/<str:number>/steps/<str:case_number>/decide/",
        api.JointDecideStep.as_view(),
        name="cases-api-joint-decide",
    ),
    *[
        path(f"cases/<str:number>/{name}/", view.as_view(), name=f"cases-api-{name}")
        for name, view in api.ACTION_VIEWS.items()
    ],
]
