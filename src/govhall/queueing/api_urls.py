from django.urls import path

from govhall.queueing import api

urlpatterns = [
    path("categories/", api.CategoryListApi.as_view(), name="queueing-api-categories"),
    path("tickets/", api.IssueTicketApi.as_view(), name="queueing-api-issue"),
    path("tickets/<uuid:token>/", api.TicketStatusApi.as_view(), name="queueing-api-ticket"),
    path("tickets/<uuid:token>/cancel/", api.CancelTicketApi.as_view(), name="queueing-api-cancel"),
    path("board/", api.BoardApi.as_view(), name="queueing-api-board"),
    path("appointments/slots/", api.SlotListApi.as_view(), name="queueing-api-slots"),
    path("appointments/", api.BookAppointmentApi.as_view(), name="queueing-api-book"),
    path(
        "appointments/<str:code>/change/",
        api.ChangeAppointmentApi.as_view(),
        name="queueing-api-appointment-change",
    ),
    path(
        "appointments/<str:code>/cancel/",
        api.CancelAppointmentApi.as_view(),
        name="queueing-api-appointment-cancel",
    ),
    path(
        "appointments/<str:code>/check-in/",
        api.CheckInApi.as_view(),
        name="queueing-api-appointment-check-in",
    ),
    path("windows/<int:window_id>/", api.WindowStateApi.as_view(), name="queueing-api-window"),
    path(
        "windows/<int:window_id>/call-next/",
        api.CallNextApi.as_view(),
        name="queueing-api-call-next",
    ),
    path("windows/<int:window_id>/recall/", api.RecallApi.as_view(), name="queueing-api-recall"),
    path("windows/<int:window_id>/start/", api.StartApi.as_view(), name="queueing-api-start"),
    path("windows/<int:window_id>/finish/", api.FinishApi.as_view(), name="queueing-api-finish"),
    path("windows/<int:window_id>/no-show/", api.NoShowApi.as_view(), name="queueing-api-no-show"),
    path(
        "windows/<int:window_id>/transfer/",
        api.TransferApi.as_view(),
        name="queueing-api-transfer",
    ),
    path("windows/<int:window_id>/pause/", api.PauseApi.as_view(), name="queueing-api-pause"),
    path("windows/<int:window_id>/resume/", api.ResumeApi.as_view(), name="queueing-api-resume"),
    path(
        "windows/<int:window_id>/session/open/",
        api.OpenSessionApi.as_view(),
        name="queueing-api-session-open",
    ),
    path(
        "windows/<int:window_id>/session/close/",
        api.CloseSessionApi.as_view(),
        name="queueing-api-session-close",
    ),
    path("monitor/", api.MonitorApi.as_view(), name="queueing-api-monitor"),
    path("figures/", api.FiguresApi.as_view(), name="queueing-api-figures"),
]
