from govhall.cases import api
from govhall.core.routing import api_routes

urlpatterns = api_routes("cases-api", api)
