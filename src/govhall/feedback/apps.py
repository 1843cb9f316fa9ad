from django.utils.translation import gettext_lazy as _

from govhall.core import app_config


class FeedbackConfig(app_config.GovhallAppConfig):
    name = "govhall.feedback"
    verbose_name = _("好差评与投诉")
    settings_model = "FeedbackSettings"
    downloads = {"Appeal": "may_download_appeal", "Rectification": "may_download_rectification"}

    def ready(self) -> None:
        # A finished ticket and a completed case each invite a rating, inside the finishing
        # transaction (the hooks are how queueing and cases reach an app above them).
        from govhall.cases.hooks import case_completed
        from govhall.core.hooks import calendar_changed
        from govhall.feedback import notifications, services
        from govhall.notify.producers import producers
        from govhall.queueing.hooks import ticket_finished

        ticket_finished.register(services.invite_for_ticket)
        case_completed.register(services.invite_for_case)
        # The invitation by SMS where a phone is known: the notification worker asks.
        producers.register(notifications.open_invitations_by_sms)
        # A newly imported year moves the rectification and complaint deadlines counted
        # without it, a corrected one the running deadlines over the days it changed.
        calendar_changed.register(services.recompute_deadlines)
        super().ready()
