from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "govhall.supervision"
    label = "supervision"
    verbose_name = _("排查整改")
