from django.urls import path

from govhall.cases import views

app_name = "cases"

urlpatterns = [
    path("cases/accept/", views.accept, name="accept"),
    path("cases/backoffice/", views.backoffice, name="backoffice"),
    path("cases/supervision/", views.supervision, name="supervision"),
    path("cases/export.xlsx", views.export, name="export"),
    path("cases/import/", views.import_page, name="import"),
    path("cases/lookup/", views.lookup, name="lookup"),
    path("cases/<str:number>/", views.detail, name="detail"),
    path("cases/<str:number>/receipt/", views.receipt, name="receipt"),
    path("cases/<str:number>/<str:action>/", views.act, name="act"),
]
