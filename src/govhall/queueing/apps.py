from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QueueingConfig(AppConfig):
    name = "govhall.queueing"
    label = "queueing"
    verbose_name = _("排队叫号")

    def ready(self) -> None:
        # 到号提醒 and appointment reminders: the notification worker asks at each pass.
        from govhall.core import settings_rows
        from govhall.notify.producers import register_producer
        from govhall.queueing import notifications
        from govhall.queueing.models import QueueSettings

        register_producer(notifications.tickets_nearly_due)
        register_producer(notifications.appointments_soon)
        settings_rows.register(QueueSettings)
