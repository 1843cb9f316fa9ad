from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "govhall.core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from govhall.core import audit
        from govhall.core.roles import sync_roles_after_migrate

        audit.connect()
        # Setup, not domain logic: every database (tests included) gets the role groups.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="govhall_sync_roles")
