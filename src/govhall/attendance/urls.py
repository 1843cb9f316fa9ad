from govhall.attendance import views
from govhall.core.routing import page_routes

app_name = "attendance"

urlpatterns = page_routes(views)
