from django.urls import path

from govhall.cases import api

urlpatterns = [
    path("cases/", api.CaseList.as_view(), name="cases-api-list"),
    path("cases/accept/", api.CaseAccept.as_view(), name="cases-api-accept"),
    path("cases/submit/", api.CaseSubmit.as_view(), name="cases-api-submit"),
    path("supervision/", api.Supervision.as_view(), name="cases-api-supervision"),
    path("figures/", api.Figures.as_view(), name="cases-api-figures"),
    path("lookup/", api.Lookup.as_view(), name="cases-api-lookup"),
    path("import/", api.Import.as_view(), name="cases-api-import"),
    path("cases/<str:number>/", api.CaseDetail.as_view(), name="cases-api-detail"),
    *[
        path(f"cases/<str:number>/{name}/", view.as_view(), name=f"cases-api-{name}")
        for name, view in api.ACTION_VIEWS.items()
    ],
]
