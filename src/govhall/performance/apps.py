from django.utils.translation import gettext_lazy as _

from govhall.core import app_config


class PerformanceConfig(app_config.GovhallAppConfig):
    name = "govhall.performance"
    verbose_name = _("效能评价")
    settings_model = "BulletinSettings"
