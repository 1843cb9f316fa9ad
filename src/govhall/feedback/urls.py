from govhall.core.routing import page_routes
from govhall.feedback import views

app_name = "feedback"

urlpatterns = page_routes(views)
