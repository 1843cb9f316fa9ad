from govhall.core.routing import api_routes
from govhall.training import api

urlpatterns = api_routes("training", api)
