from govhall.core.roles import Role

VIEW = [
    "performance.view_rubric",
    "performance.view_rubricdimension",
    "performance.view_rubricrule",
    "performance.view_evaluationperiod",
    "performance.view_evaluationrun",
    "performance.view_departmentscore",
    "performance.view_staffscore",
    "performance.view_bulletinsettings",
]

ROLE_PERMISSIONS = {
    Role.CENTER_ADMIN: [
        *VIEW,
        "performance.add_rubric",
        "performance.change_rubric",
        "performance.add_rubricdimension",
        "performance.change_rubricdimension",
        "performance.delete_rubricdimension",
        "performance.add_rubricrule",
        "performance.change_rubricrule",
        "performance.delete_rubricrule",
        "performance.change_bulletinsettings",
        "performance.compute_evaluation",
        "performance.publish_evaluation",
        "performance.enter_score",
        "performance.view_manualscore",
    ],
    Role.LEADER: [*VIEW, "performance.enter_score"],
    Role.INSPECTOR: [*VIEW, "performance.enter_score"],
    Role.UNIT_LEAD: ["performance.view_evaluationrun", "performance.view_departmentscore"],
}
