from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "govhall.cases"
    label = "cases"
    verbose_name = _("办件管理")

    def ready(self) -> None:
        from govhall.cases import joint, notifications
        from govhall.cases.hooks import register_case_closed, register_case_completed
        from govhall.cases.models import CaseSettings
        from govhall.core import settings_rows
        from govhall.core.hooks import calendar_changed
        from govhall.notify.producers import register_producer

        settings_rows.register(CaseSettings)

        # A newly imported year moves provisional and running deadlines.
        calendar_changed.register(_recompute_after_calendar_change)
        # "Ready for collection" by SMS: the notification worker asks at each pass.
        register_producer(notifications.completed_cases_to_collect)
        # 并联审批: the whole ends when its last step is decided or withdrawn.
        register_case_completed(joint.refresh_joint)
        register_case_closed(joint.refresh_joint)


def _recompute_after_calendar_change(**kwargs: object) -> None:
    from govhall.cases.services import recompute_deadlines

    recompute_deadlines()
