from django.utils.translation import gettext_lazy as _

from govhall.core import app_config


class SupervisionConfig(app_config.GovhallAppConfig):
    name = "govhall.supervision"
    verbose_name = _("排查整改")
    settings_model = "SupervisionSettings"
    downloads = {
        "CampaignDocument": "may_download_document",
        "ProblemEvidence": "may_download_evidence",
    }
