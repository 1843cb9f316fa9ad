from django.urls import path

from govhall.catalog import api

urlpatterns = [
    path("items/", api.ItemListApi.as_view(), name="catalog-api-items"),
    path("items/<int:pk>/", api.ItemDetailApi.as_view(), name="catalog-api-item"),
    path("departments/", api.DepartmentListApi.as_view(), name="catalog-api-departments"),
    path("themes/", api.ThemeListApi.as_view(), name="catalog-api-themes"),
    path("lint/", api.LintApi.as_view(), name="catalog-api-lint"),
]
