from govhall.cases import joint_views, views
from govhall.core.routing import page_routes

app_name = "cases"

urlpatterns = page_routes(
    [
        ("cases/accept/", views.accept),
        ("cases/backoffice/", views.backoffice),
        ("cases/supervision/", views.supervision),
        ("cases/export.xlsx", views.export),
        ("cases/import/", views.import_page, "import"),
        ("cases/lookup/", views.lookup),
        ("cases/joint/", joint_views.joint_list),
        ("cases/joint/accept/", joint_views.joint_accept),
        ("cases/joint/<str:number>/", joint_views.joint_detail),
        ("cases/joint/<str:number>/<str:action>/", joint_views.joint_act),
        ("cases/<str:number>/", views.detail),
        ("cases/<str:number>/receipt/", views.receipt),
        ("cases/<str:number>/<str:action>/", views.act),
    ]
)
