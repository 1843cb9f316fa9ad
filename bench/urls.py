"""The product's URLs plus ``/bench/bare/``: the reference the queue benchmark compares with.

The bare view is the least a Django JSON endpoint costs on the same stack (gunicorn, the same
middleware, the same settings), without touching the database.
"""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from govhall.urls import urlpatterns as product_urlpatterns


def bare_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok", "path": request.path})


urlpatterns = [path("bench/bare/", bare_json, name="bench-bare"), *product_urlpatterns]
