from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "govhall.feedback"
    label = "feedback"
    verbose_name = _("好差评与投诉")

    def ready(self) -> None:
        # A finished ticket and a completed case each invite a rating, inside the finishing
        # transaction (the hooks are how queueing and cases reach an app above them).
        from govhall.cases.hooks import register_case_completed
        from govhall.feedback import notifications, services
        from govhall.notify.producers import register_producer
        from govhall.queueing.hooks import register_ticket_finished

        register_ticket_finished(services.invite_for_ticket)
        register_case_completed(services.invite_for_case)
        # The invitation by SMS where a phone is known: the notification worker asks.
        register_producer(notifications.open_invitations_by_sms)

        from govhall.core import settings_rows, uploads
        from govhall.feedback import selectors
        from govhall.feedback.models import Appeal, FeedbackSettings, Rectification

        uploads.register(Appeal, selectors.may_download_appeal)
        uploads.register(Rectification, selectors.may_download_rectification)
        settings_rows.register(FeedbackSettings)
