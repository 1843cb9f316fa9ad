from govhall.catalog import api
from govhall.core.routing import api_routes

urlpatterns = api_routes(
    "catalog-api",
    [
        ("items/", api.ItemListApi, "items"),
        ("items/<int:pk>/", api.ItemDetailApi, "item"),
        ("departments/", api.DepartmentListApi, "departments"),
        ("themes/", api.ThemeListApi, "themes"),
        ("lint/", api.LintApi, "lint"),
    ],
)
