from django.urls import path

from govhall.exchange import views

app_name = "exchange"

urlpatterns = [
    path("exchange/", views.status, name="status"),
    path("exchange/redrive/", views.redrive, name="redrive"),
    path("exchange/province/", views.province, name="province"),
]
