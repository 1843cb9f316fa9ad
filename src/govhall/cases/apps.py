from django.utils.translation import gettext_lazy as _

from govhall.core import app_config


class CasesConfig(app_config.GovhallAppConfig):
    name = "govhall.cases"
    verbose_name = _("办件管理")
    settings_model = "CaseSettings"

    def ready(self) -> None:
        from govhall.cases import joint, notifications
        from govhall.cases.hooks import case_closed, case_completed
        from govhall.core.hooks import calendar_changed
        from govhall.notify.producers import producers

        # A newly imported year moves provisional and running deadlines.
        calendar_changed.register(_recompute_after_calendar_change)
        # "Ready for collection" by SMS: the notification worker asks at each pass.
        producers.register(notifications.completed_cases_to_collect)
        # 并联审批: the whole ends when its last step is decided or withdrawn.
        case_completed.register(joint.refresh_joint)
        case_closed.register(joint.refresh_joint)
        super().ready()


def _recompute_after_calendar_change(**kwargs: object) -> None:
    from govhall.cases.services import recompute_deadlines

    recompute_deadlines()
