"""`govhall security-events-purge`: delete the security audit rows past the kept period
(``GOVHALL_SECURITY_EVENT_RETENTION_DAYS``, at least six months); run it monthly from cron."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from govhall.core.errors import DomainError
from govhall.core.services import purge_security_events


class Command(BaseCommand):
    help = _("删除超过保存期限的安全审计记录(保存期限不少于6个月)。")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            deleted = purge_security_events()
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            _("已删除%(n)s条超过%(days)s天的安全审计记录。")
            % {"n": deleted, "days": settings.GOVHALL_SECURITY_EVENT_RETENTION_DAYS}
        )
