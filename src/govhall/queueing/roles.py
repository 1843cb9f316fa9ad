"""What each role may do in the hall's queue (synced into the role groups after migrate)."""

from govhall.core.roles import Role

_READ = [
    "queueing.view_queuecategory",
    "queueing.view_ticket",
    "queueing.view_ticketevent",
    "queueing.view_appointment",
    "queueing.view_windowsession",
    "queueing.view_windowpause",
]

ROLE_PERMISSIONS = {
    Role.CENTER_ADMIN: [
        *_READ,
        "queueing.add_queuecategory",
        "queueing.change_queuecategory",
        "queueing.view_queuesettings",
        "queueing.change_queuesettings",
        "queueing.change_appointment",
        "queueing.call_ticket",
        "queueing.issue_ticket_for_citizen",
        "queueing.view_hall_monitor",
        "queueing.view_queue_figures",
    ],
    Role.UNIT_LEAD: [
        *_READ,
        "queueing.call_ticket",
        "queueing.issue_ticket_for_citizen",
        "queueing.view_hall_monitor",
        "queueing.view_queue_figures",
    ],
    Role.WINDOW_STAFF: [
        "queueing.view_ticket",
        "queueing.call_ticket",
        "queueing.issue_ticket_for_citizen",
    ],
    Role.LEADER: [*_READ, "queueing.view_hall_monitor", "queueing.view_queue_figures"],
    Role.INSPECTOR: [*_READ, "queueing.view_hall_monitor", "queueing.view_queue_figures"],
}
