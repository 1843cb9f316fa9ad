"""Root URLs: each app brings its pages (``urls.py``) and its API (``api_urls.py``)."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from govhall.core.views import LoginView, SchemaView

API_APPS = [app.rsplit(".", 1)[1] for app in settings.GOVHALL_APPS]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    *[path(f"api/{app}/", include(f"govhall.{app}.api_urls")) for app in API_APPS],
    *[path("", include(f"govhall.{app}.urls")) for app in API_APPS],
]
handler400 = "govhall.core.views.bad_request"
handler404 = "govhall.core.views.not_found"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
