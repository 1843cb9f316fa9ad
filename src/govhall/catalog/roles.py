"""What each role may do with the service catalogue (rows are limited by scoping).

The centre administrator manages the whole catalogue; a unit lead (首席代表) keeps the guides of
their own department; everybody else reads. Nothing is deleted that a report counts, so items
are retired with `is_active` rather than deleted.
"""

from govhall.core.roles import Role

_VIEW = ["catalog.view_theme", "catalog.view_serviceitem", "catalog.view_material"]
_EDIT_GUIDES = [
    "catalog.change_serviceitem",
    "catalog.add_material",
    "catalog.change_material",
    "catalog.delete_material",
]

ROLE_PERMISSIONS = {
    Role.CENTER_ADMIN: [
        *_VIEW,
        *_EDIT_GUIDES,
        "catalog.add_serviceitem",
        "catalog.add_theme",
        "catalog.change_theme",
        "catalog.delete_theme",
        "catalog.view_catalogsettings",
        "catalog.change_catalogsettings",
        "catalog.view_guide_lint",
    ],
    Role.UNIT_LEAD: [*_VIEW, *_EDIT_GUIDES, "catalog.add_serviceitem", "catalog.view_guide_lint"],
    Role.WINDOW_STAFF: _VIEW,
    Role.APPROVER: _VIEW,
    Role.INSPECTOR: [*_VIEW, "catalog.view_guide_lint"],
    Role.LEADER: [*_VIEW, "catalog.view_guide_lint"],
}
