from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "govhall.notify"
    verbose_name = _("短信通知")
