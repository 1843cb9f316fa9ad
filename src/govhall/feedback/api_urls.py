from govhall.core.routing import api_routes
from govhall.feedback import api

urlpatterns = api_routes("feedback-api", api)
