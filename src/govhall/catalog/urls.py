from django.urls import path

from govhall.catalog import views

app_name = "catalog"

urlpatterns = [
    path("guide/", views.guide_list, name="guide_list"),
    path("guide/<int:pk>/", views.guide_detail, name="guide_detail"),
    path(
        "guide/<int:pk>/materials/<int:material_pk>/form/",
        views.material_file,
        {"which": "form"},
        name="material_form",
    ),
    path(
        "guide/<int:pk>/materials/<int:material_pk>/sample/",
        views.material_file,
        {"which": "sample"},
        name="material_sample",
    ),
    path("catalog/lint/", views.lint, name="lint"),
    path("catalog/reductions/", views.reductions, name="reductions"),
]
