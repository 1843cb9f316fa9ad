"""What each role may do with cases (who sees which department: `govhall.org.scoping`)."""

from govhall.core.roles import Role

_VIEW = ["cases.view_case", "cases.view_caseevent", "cases.view_clockstop"]
_WINDOW = [
    "cases.accept_case",
    "cases.refuse_case",
    "cases.resubmit_case",
    "cases.supply_materials",
    "cases.deliver_case",
    "cases.withdraw_case",
]
_BACK_OFFICE = [
    "cases.review_case",
    "cases.request_correction",
    "cases.suspend_case",
    "cases.complete_case",
    "cases.check_commitment",
]
_OVERSIGHT = ["cases.view_supervision", "cases.export_cases"]

ROLE_PERMISSIONS = {
    Role.WINDOW_STAFF: [*_VIEW, *_WINDOW],
    Role.APPROVER: [*_VIEW, *_BACK_OFFICE],
    Role.UNIT_LEAD: [*_VIEW, *_WINDOW, *_BACK_OFFICE, *_OVERSIGHT],
    Role.CENTER_ADMIN: [
        *_VIEW,
        *_WINDOW,
        *_BACK_OFFICE,
        *_OVERSIGHT,
        "cases.import_cases",
        "cases.view_casesettings",
        "cases.change_casesettings",
    ],
    Role.INSPECTOR: [*_VIEW, *_OVERSIGHT],
    Role.LEADER: [*_VIEW, *_OVERSIGHT],
}
