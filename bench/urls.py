"""The product's URLs plus two references the queue benchmark compares with.

- ``/bench/bare/``: the least a Django JSON endpoint costs on the same stack (gunicorn, the same
  middleware, the same settings), without touching the database.
- ``/bench/write/``: the least an endpoint that writes costs: one raw SQL INSERT committed on its
  own (no ORM, no transaction block, no validation), into a table the benchmark creates
  (`WRITE_TABLE_SQL`). Issuing a ticket or calling one does that and more, so its throughput
  is the ceiling of theirs on the machine measured.
"""

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from govhall.urls import urlpatterns as product_urlpatterns

WRITE_TABLE_SQL = (
    "CREATE TABLE IF NOT EXISTS bench_write "
    "(id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())"
)


def bare_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok", "path": request.path})


@csrf_exempt  # a bare POST, like the kiosk API's (DRF views are exempt too)
def one_write(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_write DEFAULT VALUES RETURNING id")
        (row_id,) = cursor.fetchone()
    return JsonResponse({"status": "ok", "id": row_id}, status=201)


urlpatterns = [
    path("bench/bare/", bare_json, name="bench-bare"),
    path("bench/write/", one_write, name="bench-write"),
    *product_urlpatterns,
]
