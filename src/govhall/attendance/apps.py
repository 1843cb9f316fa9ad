from django.utils.translation import gettext_lazy as _

from govhall.core import app_config


class AttendanceConfig(app_config.GovhallAppConfig):
    name = "govhall.attendance"
    verbose_name = _("考勤与巡查")
    settings_model = "AttendanceSettings"
    downloads = {"Violation": "may_download_violation"}

    def ready(self) -> None:
        from govhall.attendance import services
        from govhall.core import settings_rows
        from govhall.core.hooks import calendar_changed

        settings_rows.register_seed(services.seed_violation_categories)
        # A calendar import that makes a derived day a working day or a rest day derives it
        # again (a holiday added afterwards, a new make-up working day).
        calendar_changed.register(services.rederive_after_calendar_change)
        super().ready()
