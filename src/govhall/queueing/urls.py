from govhall.core.routing import page_routes
from govhall.queueing import views

app_name = "queueing"

urlpatterns = page_routes(
    [
        ("queue/", views.kiosk),
        ("queue/take/", views.phone),
        ("queue/t/<uuid:token>/", views.ticket_status),
        ("queue/t/<uuid:token>/cancel/", views.ticket_cancel),
        ("queue/board/", views.board),
        ("queue/board/feed/", views.board_feed),
        ("queue/terminal/", views.terminal),
        ("queue/terminal/<int:window_id>/", views.terminal_window),
        ("queue/terminal/<int:window_id>/panel/", views.terminal_panel),
        ("queue/terminal/<int:window_id>/close/", views.terminal_close),
        ("queue/terminal/<int:window_id>/<slug:action>/", views.terminal_action),
        ("queue/monitor/", views.monitor),
        ("queue/figures/", views.figures),
        ("queue/appointments/", views.appointments),
        ("queue/appointments/cancel/", views.appointment_cancel),
    ]
)
