from django.urls import path

from govhall.training import api

urlpatterns = [path("year/", api.TrainingYearApi.as_view(), name="training-year")]
