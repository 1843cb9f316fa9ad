from django.urls import path

from govhall.exchange import api

urlpatterns = [
    path("inbound/", api.ReceivePushView.as_view(), name="exchange-api-inbound"),
    path("status/", api.ReconciliationView.as_view(), name="exchange-api-status"),
    path("pending/", api.UnacknowledgedListView.as_view(), name="exchange-api-pending"),
    path("dead-letters/", api.DeadLetterListView.as_view(), name="exchange-api-dead-letters"),
    path("dead-letters/redrive/", api.RedriveView.as_view(), name="exchange-api-redrive"),
    path("province/ranking/", api.ProvinceRankingView.as_view(), name="exchange-api-ranking"),
]
