"""What each role may do with ratings, rectifications, complaints and assisted services.

Who sees which rows (department or whole centre) is `govhall.org.scoping`; a rater's name and
phone are shown only to those who verify and call back (`feedback.view_rater_identity`).
"""

from govhall.core.roles import Role

_READ = [
    "feedback.view_evaluation",
    "feedback.view_rectification",
    "feedback.view_complaint",
    "feedback.view_assistrecord",
    "feedback.view_appeal",
]

ROLE_PERMISSIONS = {
    Role.CENTER_ADMIN: [
        *_READ,
        "feedback.view_rater_identity",
        "feedback.decide_appeal",
        "feedback.handle_rectification",
        "feedback.add_complaint",
        "feedback.handle_complaint",
        "feedback.add_assistrecord",
        "feedback.change_assistrecord",
        "feedback.import_hotline",
        "feedback.view_feedback_figures",
        "feedback.pair_rating_pad",
        "feedback.view_ratingpad",
        "feedback.change_ratingpad",
        "feedback.view_invitation",
        "feedback.view_feedbacksettings",
        "feedback.change_feedbacksettings",
    ],
    Role.UNIT_LEAD: [
        *_READ,
        "feedback.view_rater_identity",
        "feedback.appeal_evaluation",
        "feedback.handle_rectification",
        "feedback.add_complaint",
        "feedback.handle_complaint",
        "feedback.add_assistrecord",
        "feedback.view_feedback_figures",
        "feedback.pair_rating_pad",
    ],
    Role.WINDOW_STAFF: [
        "feedback.view_evaluation",
        "feedback.view_rectification",
        "feedback.view_assistrecord",
        "feedback.add_assistrecord",
        "feedback.view_complaint",
        "feedback.add_complaint",
        "feedback.pair_rating_pad",
    ],
    Role.APPROVER: ["feedback.view_evaluation", "feedback.view_rectification"],
    Role.INSPECTOR: [*_READ, "feedback.add_complaint", "feedback.view_feedback_figures"],
    Role.LEADER: [*_READ, "feedback.view_feedback_figures"],
}
