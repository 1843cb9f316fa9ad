from django.utils.translation import gettext_lazy as _

from govhall.core import app_config


class ExchangeConfig(app_config.GovhallAppConfig):
    name = "govhall.exchange"
    verbose_name = _("数据归集")
    settings_model = "ExchangeSettings"
