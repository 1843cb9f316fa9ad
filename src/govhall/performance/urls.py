from govhall.core.routing import page_routes
from govhall.performance import views

app_name = "performance"

urlpatterns = page_routes(views)
