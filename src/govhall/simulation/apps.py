from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SimulationConfig(AppConfig):
    name = "govhall.simulation"
    verbose_name = _("模拟数据")
