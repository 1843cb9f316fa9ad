from govhall.core.routing import api_routes
from govhall.exchange import api

urlpatterns = api_routes(
    "exchange-api",
    [
        ("inbound/", api.ReceivePushView, "inbound"),
        ("status/", api.ReconciliationView, "status"),
        ("pending/", api.UnacknowledgedListView, "pending"),
        ("dead-letters/", api.DeadLetterListView, "dead-letters"),
        ("dead-letters/redrive/", api.RedriveView, "redrive"),
        ("province/ranking/", api.ProvinceRankingView, "ranking"),
    ],
)
