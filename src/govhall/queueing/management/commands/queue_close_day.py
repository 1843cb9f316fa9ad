"""`govhall queue_close_day`: apply each centre's closing policy to the day's queue."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core.models import Center
from govhall.queueing import services


class Command(BaseCommand):
    help = _("闭厅处理:按各中心设置作废或保留未叫号的票,标记爽约预约,关闭窗口登录与暂停。")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", help=_("日期 YYYY-MM-DD,默认今天"))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = dt.date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError as exc:
            raise CommandError(_("日期格式应为 YYYY-MM-DD。")) from exc
        day = day or timezone.localdate()
        for center in Center.objects.filter(is_active=True):
            result = services.close_queue_day(center=center, day=day)
            summary = ", ".join(f"{key}={value}" for key, value in result.items())
            self.stdout.write(f"{center.name} {day}: {summary}")
