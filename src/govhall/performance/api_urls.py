from govhall.core.routing import api_routes
from govhall.performance import api

urlpatterns = api_routes("performance-api", api)
