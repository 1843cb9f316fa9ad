"""What each role may do in rectification campaigns.

Where: the centre admin manages campaigns and may act on every unit's list; inspectors record
problems for any unit (inspection, public reports, the data) and confirm or reopen fixes; a unit
lead keeps the unit's own list, files its census and signs it off; the unit's other staff
and the leaders read.
Which unit a person may touch is `govhall.org.scoping` (department or whole centre).
"""

from govhall.core.roles import Role

VIEW = [
    "supervision.view_campaign",
    "supervision.view_campaignunit",
    "supervision.view_problemcategory",
    "supervision.view_phase",
    "supervision.view_campaigndocument",
    "supervision.view_problem",
    "supervision.view_problemevidence",
    "supervision.view_problemevent",
    "supervision.view_censusreport",
    "supervision.view_censusentry",
    "supervision.view_signoff",
]

ROLE_PERMISSIONS = {
    Role.CENTER_ADMIN: [
        *VIEW,
        "supervision.manage_campaign",
        "supervision.record_problem",
        "supervision.confirm_problem",
        "supervision.edit_problem_list",
        "supervision.file_census",
        "supervision.add_campaign",
        "supervision.change_campaign",
        "supervision.add_campaignunit",
        "supervision.change_campaignunit",
        "supervision.add_problemcategory",
        "supervision.change_problemcategory",
        "supervision.change_phase",
        "supervision.add_campaigndocument",
        "supervision.change_campaigndocument",
        "supervision.view_supervisionsettings",
        "supervision.change_supervisionsettings",
    ],
    Role.INSPECTOR: [
        *VIEW,
        "supervision.record_problem",
        "supervision.confirm_problem",
    ],
    Role.UNIT_LEAD: [
        *VIEW,
        "supervision.edit_problem_list",
        "supervision.file_census",
        "supervision.sign_off",
    ],
    Role.WINDOW_STAFF: VIEW,
    Role.APPROVER: VIEW,
    Role.LEADER: VIEW,
}
