from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "govhall.cases"
    label = "cases"
    verbose_name = _("办件管理")

    def ready(self) -> None:
        from govhall.core.hooks import calendar_changed

        # A newly imported year moves provisional and running deadlines.
        calendar_changed.register(_recompute_after_calendar_change)


def _recompute_after_calendar_change(**kwargs: object) -> None:
    from govhall.cases.services import recompute_deadlines

    recompute_deadlines()
