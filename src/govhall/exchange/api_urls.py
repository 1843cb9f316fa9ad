from govhall.core.routing import api_routes
from govhall.exchange import api

urlpatterns = api_routes("exchange-api", api)
