from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "govhall.training"
    verbose_name = _("培训与轮岗")
