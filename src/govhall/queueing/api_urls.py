from govhall.core.routing import api_routes
from govhall.queueing import api

urlpatterns = api_routes(
    "queueing-api",
    [
        ("categories/", api.CategoryListApi, "categories"),
        ("tickets/", api.IssueTicketApi, "issue"),
        ("tickets/<uuid:token>/", api.TicketStatusApi, "ticket"),
        ("tickets/<uuid:token>/cancel/", api.CancelTicketApi, "cancel"),
        ("board/", api.BoardApi, "board"),
        ("appointments/slots/", api.SlotListApi, "slots"),
        ("appointments/", api.BookAppointmentApi, "book"),
        ("appointments/<str:code>/change/", api.ChangeAppointmentApi, "appointment-change"),
        ("appointments/<str:code>/cancel/", api.CancelAppointmentApi, "appointment-cancel"),
        ("appointments/<str:code>/check-in/", api.CheckInApi, "appointment-check-in"),
        ("windows/<int:window_id>/", api.WindowStateApi, "window"),
        ("windows/<int:window_id>/call-next/", api.CallNextApi, "call-next"),
        ("windows/<int:window_id>/recall/", api.RecallApi, "recall"),
        ("windows/<int:window_id>/start/", api.StartApi, "start"),
        ("windows/<int:window_id>/finish/", api.FinishApi, "finish"),
        ("windows/<int:window_id>/no-show/", api.NoShowApi, "no-show"),
        ("windows/<int:window_id>/transfer/", api.TransferApi, "transfer"),
        ("windows/<int:window_id>/pause/", api.PauseApi, "pause"),
        ("windows/<int:window_id>/resume/", api.ResumeApi, "resume"),
        ("windows/<int:window_id>/session/open/", api.OpenSessionApi, "session-open"),
        ("windows/<int:window_id>/session/close/", api.CloseSessionApi, "session-close"),
        ("monitor/", api.MonitorApi, "monitor"),
        ("figures/", api.FiguresApi, "figures"),
    ],
)
