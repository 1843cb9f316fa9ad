from govhall.cases import api
from govhall.core.routing import api_routes

urlpatterns = api_routes(
    "cases-api",
    [
        ("cases/", api.CaseList, "list"),
        ("cases/accept/", api.CaseAccept, "accept"),
        ("cases/submit/", api.CaseSubmit, "submit"),
        ("supervision/", api.Supervision, "supervision"),
        ("supervision/flags/", api.ClockFlags, "clock-flags"),
        ("figures/", api.Figures, "figures"),
        ("clock-figures/", api.ClockFigures, "clock-figures"),
        ("lookup/", api.Lookup, "lookup"),
        ("import/", api.Import, "import"),
        ("cases/<str:number>/", api.CaseDetail, "detail"),
        ("joint/", api.JointList, "joint-list"),
        ("joint/accept/", api.JointAccept, "joint-accept"),
        ("joint/figures/", api.JointFigures, "joint-figures"),
        ("joint/<str:number>/", api.JointDetail, "joint-detail"),
        ("joint/<str:number>/extend/", api.JointExtend, "joint-extend"),
        ("joint/<str:number>/withdraw/", api.JointWithdraw, "joint-withdraw"),
        ("joint/<str:number>/steps/<str:case_number>/decide/", api.JointDecideStep, "joint-decide"),
        *((f"cases/<str:number>/{name}/", view, name) for name, view in api.ACTION_VIEWS.items()),
    ],
)
