"""What each role may do with cases (who sees which department: `govhall.org.scoping`)."""

from govhall.core.roles import Role

_VIEW = [
    "cases.view_case",
    "cases.view_caseevent",
    "cases.view_clockstop",
    "cases.view_jointpackage",
]
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
# 行政许可法 art. 42: an extension needs the approval of the office's head.
_HEAD = ["cases.extend_case"]

ROLE_PERMISSIONS = {
    Role.WINDOW_STAFF: [*_VIEW, *_WINDOW],
    Role.APPROVER: [*_VIEW, *_BACK_OFFICE],
    Role.UNIT_LEAD: [*_VIEW, *_WINDOW, *_BACK_OFFICE, *_OVERSIGHT, *_HEAD],
    Role.CENTER_ADMIN: [
        *_VIEW,
        *_WINDOW,
        *_BACK_OFFICE,
        *_OVERSIGHT,
        *_HEAD,
        "cases.import_cases",
        # 一件事 packages: the centre decides which items are handled jointly (art. 26)
        "cases.add_jointpackage",
        "cases.change_jointpackage",
        "cases.view_casesettings",
        "cases.change_casesettings",
    ],
    Role.INSPECTOR: [*_VIEW, *_OVERSIGHT],
    Role.LEADER: [*_VIEW, *_OVERSIGHT],
}
