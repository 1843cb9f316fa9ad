from govhall.core.routing import page_routes
from govhall.queueing import views

app_name = "queueing"

urlpatterns = page_routes(views)
