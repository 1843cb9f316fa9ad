from govhall.core.routing import page_routes
from govhall.exchange import views

app_name = "exchange"

urlpatterns = page_routes(views)
