from django.urls import path

from govhall.cases import joint_views, views

app_name = "cases"

urlpatterns = [
    path("cases/accept/", views.accept, name="accept"),
    path("cases/backoffice/", views.backoffice, name="backoffice"),
    path("cases/supervision/", views.supervision, name="supervision"),
    path("cases/export.xlsx", views.export, name="export"),
    path("cases/import/", views.import_page, name="import"),
    path("cases/lookup/", views.lookup, name="lookup"),
    path("cases/joint/", joint_views.joint_list, name="joint_list"),
    path("cases/joint/accept/", joint_views.joint_accept, name="joint_accept"),
    path("cases/joint/<str:number>/", joint_views.joint_detail, name="joint_detail"),
    path("cases/joint/<str:number>/<str:action>/", joint_views.joint_act, name="joint_act"),
    path("cases/<str:number>/", views.detail, name="detail"),
    path("cases/<str:number>/receipt/", views.receipt, name="receipt"),
    path("cases/<str:number>/<str:action>/", views.act, name="act"),
]
