"""What each role may do with training and rotation.

The centre's office organises training, records who took part and registers rotations; a unit
lead registers the rotations of the unit's own people; everyone reads (a unit's people see
their own unit's rows: `govhall.org.scoping`).
"""

from govhall.core.roles import Role

_VIEW = [
    "training.view_trainingsession",
    "training.view_trainingattendance",
    "training.view_rotation",
]

ROLE_PERMISSIONS = {
    Role.CENTER_ADMIN: [
        *_VIEW,
        "training.manage_training",
        "training.add_trainingsession",
        "training.change_trainingsession",
        "training.add_rotation",
        "training.change_rotation",
    ],
    Role.UNIT_LEAD: [*_VIEW, "training.add_rotation", "training.change_rotation"],
    Role.WINDOW_STAFF: _VIEW,
    Role.APPROVER: _VIEW,
    Role.INSPECTOR: _VIEW,
    Role.LEADER: _VIEW,
}
