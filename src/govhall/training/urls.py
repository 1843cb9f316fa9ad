from govhall.core.routing import page_routes
from govhall.training import views

app_name = "training"

urlpatterns = page_routes(views)
