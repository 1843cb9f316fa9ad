"""What each role may do in attendance (groups are synced after every migrate).

Who sees which rows is `scope_for` plus `selectors.visible_to`: the centre's roles see the
centre, a unit lead their department, everyone else their own records.
"""

from govhall.core.roles import Role

_MODELS = (
    "timetable",
    "session",
    "dutyassignment",
    "punch",
    "punchimport",
    "leaverequest",
    "temporaryabsence",
    "attendancerecord",
    "postabsence",
    "violationcategory",
    "inspection",
    "violation",
    "staffassignment",
    "attendancesettings",
)
_VIEW_ALL = [f"attendance.view_{m}" for m in _MODELS]
_OWN = [
    "attendance.view_punch",
    "attendance.view_leaverequest",
    "attendance.view_temporaryabsence",
    "attendance.view_attendancerecord",
    "attendance.view_violation",
    "attendance.view_dutyassignment",
]

ROLE_PERMISSIONS = {
    Role.CENTER_ADMIN: [
        *_VIEW_ALL,
        *[f"attendance.{verb}_{m}" for m in _MODELS for verb in ("add", "change")],
        "attendance.enter_punch",
        "attendance.import_punches",
        "attendance.derive_attendance",
        "attendance.view_attendance_table",
        "attendance.approve_leave_center",
        "attendance.register_absence_for_others",
        "attendance.record_inspection",
        "attendance.decide_appeal",
        "attendance.change_staff_assignment",
    ],
    Role.UNIT_LEAD: [
        *_OWN,
        "attendance.view_postabsence",
        "attendance.view_staffassignment",
        "attendance.add_dutyassignment",
        "attendance.change_dutyassignment",
        "attendance.approve_leave_unit",
        "attendance.register_absence_for_others",
        "attendance.appeal_violation",
        "attendance.view_attendance_table",
    ],
    Role.WINDOW_STAFF: _OWN,
    Role.APPROVER: _OWN,
    Role.INSPECTOR: [
        *_VIEW_ALL,
        "attendance.add_inspection",
        "attendance.change_inspection",
        "attendance.add_violation",
        "attendance.record_inspection",
        "attendance.view_attendance_table",
    ],
    Role.LEADER: [*_VIEW_ALL, "attendance.view_attendance_table"],
}
