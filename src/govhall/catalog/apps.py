from django.utils.translation import gettext_lazy as _

from govhall.core import app_config


class CatalogConfig(app_config.GovhallAppConfig):
    name = "govhall.catalog"
    verbose_name = _("事项目录")
    settings_model = "CatalogSettings"
