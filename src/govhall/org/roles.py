"""What each role may do with departments, windows and staff (who sees which rows: scoping)."""

from govhall.core.roles import Role

_VIEW = ["org.view_department", "org.view_window", "org.view_staffprofile"]

ROLE_PERMISSIONS = {
    Role.CENTER_ADMIN: [
        *_VIEW,
        "org.add_department",
        "org.change_department",
        "org.add_window",
        "org.change_window",
        "org.add_staffprofile",
        "org.change_staffprofile",
    ],
    Role.UNIT_LEAD: _VIEW,
    Role.WINDOW_STAFF: _VIEW,
    Role.APPROVER: _VIEW,
    Role.INSPECTOR: _VIEW,
    Role.LEADER: _VIEW,
}
