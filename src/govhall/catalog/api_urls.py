from govhall.catalog import api
from govhall.core.routing import api_routes

urlpatterns = api_routes("catalog-api", api)
