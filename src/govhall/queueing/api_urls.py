from govhall.core.routing import api_routes
from govhall.queueing import api

urlpatterns = api_routes("queueing-api", api)
