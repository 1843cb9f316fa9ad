from django.urls import path

from govhall.queueing import views

app_name = "queueing"

urlpatterns = [
    path("queue/", views.kiosk, name="kiosk"),
    path("queue/take/", views.phone, name="phone"),
    path("queue/t/<uuid:token>/", views.ticket_status, name="ticket_status"),
    path("queue/t/<uuid:token>/cancel/", views.ticket_cancel, name="ticket_cancel"),
    path("queue/board/", views.board, name="board"),
    path("queue/board/feed/", views.board_feed, name="board_feed"),
    path("queue/terminal/", views.terminal, name="terminal"),
    path("queue/terminal/<int:window_id>/", views.terminal_window, name="terminal_window"),
    path("queue/terminal/<int:window_id>/panel/", views.terminal_panel, name="terminal_panel"),
    path("queue/terminal/<int:window_id>/close/", views.terminal_close, name="terminal_close"),
    path(
        "queue/terminal/<int:window_id>/<slug:action>/",
        views.terminal_action,
        name="terminal_action",
    ),
    path("queue/monitor/", views.monitor, name="monitor"),
    path("queue/figures/", views.figures, name="figures"),
    path("queue/appointments/", views.appointments, name="appointments"),
    path("queue/appointments/cancel/", views.appointment_cancel, name="appointment_cancel"),
]
