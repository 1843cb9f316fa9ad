from govhall.catalog import views
from govhall.core.routing import page_routes

app_name = "catalog"

urlpatterns = page_routes(
    [
        ("guide/", views.guide_list),
        ("guide/<int:pk>/", views.guide_detail),
        ("guide/<int:pk>/materials/<int:material_pk>/form/", views.material_file, "material_form"),
        (
            "guide/<int:pk>/materials/<int:material_pk>/sample/",
            views.material_file,
            "material_sample",
        ),
        ("catalog/lint/", views.lint),
        ("catalog/reductions/", views.reductions),
    ]
)
