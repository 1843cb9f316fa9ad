from govhall.core.routing import page_routes
from govhall.supervision import views

app_name = "supervision"

urlpatterns = page_routes(views)
