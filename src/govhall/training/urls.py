from django.urls import path

from govhall.training import views

app_name = "training"

urlpatterns = [
    path("training/", views.year, name="year"),
    path("training/new/", views.session_create, name="session_create"),
    path("training/<int:pk>/", views.session_detail, name="session"),
    path("training/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("training/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("training/rotations/new/", views.rotation_create, name="rotation_create"),
    path("training/rotations/<int:pk>/end/", views.rotation_end, name="rotation_end"),
]
