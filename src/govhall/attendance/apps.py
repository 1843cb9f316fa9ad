from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttendanceConfig(AppConfig):
    name = "govhall.attendance"
    label = "attendance"
    verbose_name = _("考勤与巡查")

    def ready(self) -> None:
        from govhall.attendance import selectors, services
        from govhall.attendance.models import AttendanceSettings, Violation
        from govhall.core import settings_rows, uploads

        uploads.register(Violation, selectors.may_download_violation)
        settings_rows.register(AttendanceSettings)
        settings_rows.register_seed(services.seed_violation_categories)
