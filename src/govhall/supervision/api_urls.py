from govhall.core.routing import api_routes
from govhall.supervision import api

urlpatterns = api_routes("supervision", api)
