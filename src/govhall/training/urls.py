from govhall.core.routing import page_routes
from govhall.training import views

app_name = "training"

urlpatterns = page_routes(
    [
        ("training/", views.year),
        ("training/new/", views.session_create),
        ("training/<int:pk>/", views.session_detail, "session"),
        ("training/<int:pk>/attendance/", views.attendance),
        ("training/<int:pk>/cancel/", views.cancel),
        ("training/rotations/new/", views.rotation_create),
        ("training/rotations/<int:pk>/end/", views.rotation_end),
    ]
)
