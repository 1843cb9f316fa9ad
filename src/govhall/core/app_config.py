"""The AppConfig base of the apps that keep a settings row per centre or files to download.

Each such app once spelled out the same `ready()`: register its settings model with
`core.settings_rows`, and each model with an UploadField with `core.uploads` together with the
selector that says who may download it. Now it declares them and this base registers them:

    class SupervisionConfig(app_config.GovhallAppConfig):
        settings_model = "SupervisionSettings"
        downloads = {"ProblemEvidence": "may_download_evidence"}

An app with more to connect overrides `ready()` and calls `super().ready()`. An apps.py
imports this module, not the class: Django takes an apps.py's AppConfig only when the module
holds just one.
"""

from importlib import import_module
from typing import ClassVar

from django.apps import AppConfig


class GovhallAppConfig(AppConfig):
    # The model (of this app) of which every new centre gets a row with the defaults.
    settings_model = ""
    # Model (of this app) -> the function of the app's `selectors` that says who may download
    # its files.
    downloads: ClassVar[dict[str, str]] = {}

    def ready(self) -> None:
        from govhall.core import settings_rows, uploads

        if self.settings_model:
            settings_rows.register(self.get_model(self.settings_model))
        if self.downloads:
            selectors = import_module(f"{self.name}.selectors")
            for model_name, may_download in self.downloads.items():
                uploads.register(self.get_model(model_name), getattr(selectors, may_download))
