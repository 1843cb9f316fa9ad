from django.utils.translation import gettext_lazy as _

from govhall.core import app_config


class QueueingConfig(app_config.GovhallAppConfig):
    name = "govhall.queueing"
    verbose_name = _("排队叫号")
    settings_model = "QueueSettings"

    def ready(self) -> None:
        # 到号提醒 and appointment reminders: the notification worker asks at each pass.
        from govhall.notify.producers import producers
        from govhall.queueing import notifications

        producers.register(notifications.tickets_nearly_due)
        producers.register(notifications.appointments_soon)
        super().ready()
