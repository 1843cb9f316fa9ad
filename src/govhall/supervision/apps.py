from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "govhall.supervision"
    label = "supervision"
    verbose_name = _("排查整改")

    def ready(self) -> None:
        from govhall.core import settings_rows, uploads
        from govhall.supervision import selectors
        from govhall.supervision.models import (
            CampaignDocument,
            ProblemEvidence,
            SupervisionSettings,
        )

        uploads.register(CampaignDocument, selectors.may_download_document)
        uploads.register(ProblemEvidence, selectors.may_download_evidence)
        settings_rows.register(SupervisionSettings)
