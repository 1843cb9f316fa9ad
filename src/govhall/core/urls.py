from django.contrib.auth import views as auth_views
from django.urls import path

from govhall.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("files/<str:model>/<int:pk>/<str:field>/", views.download, name="file_download"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/second-factor/", views.second_factor, name="second_factor"),
]
