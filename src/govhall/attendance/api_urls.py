from govhall.attendance import api
from govhall.core.routing import api_routes

urlpatterns = api_routes("attendance", api)
