from django.utils.translation import gettext_lazy as _

from govhall.core import app_config


class QueueingConfig(app_config.GovhallAppConfig):
    name = "govhall.queueing"
    verbose_name = _("排队叫号")
    settings_model = "QueueSettings"

    def ready(self) -> None:
        # 到号提醒 and appointment reminders: the notification worker asks at each pass.
        from govhall.notify.producers import register_producer
        from govhall.queueing import notifications

        register_producer(notifications.tickets_nearly_due)
        register_producer(notifications.appointments_soon)
        super().ready()
