from govhall.cases import joint_views, views
from govhall.core.routing import page_routes

app_name = "cases"

urlpatterns = page_routes(views, joint_views)
