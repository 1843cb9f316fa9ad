from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "govhall.cases"
    label = "cases"
    verbose_name = _("办件管理")
