from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "govhall.catalog"
    label = "catalog"
    verbose_name = _("事项目录")

    def ready(self) -> None:
        from govhall.catalog.models import CatalogSettings
        from govhall.core import settings_rows

        settings_rows.register(CatalogSettings)
