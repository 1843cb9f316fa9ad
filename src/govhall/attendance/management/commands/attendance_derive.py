"""`govhall attendance-derive --date D [--end E] [--center REGION]`: derive attendance records
and absence from post for each day (idempotent; run nightly for yesterday)."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.attendance import services
from govhall.core.management.arguments import iso_date
from govhall.core.models import Center


def _date(value: str) -> dt.date:
    return iso_date(value, _("日期格式应为 YYYY-MM-DD:%(v)s") % {"v": value})


class Command(BaseCommand):
    help = _("计算某日(或某段日期)的考勤结果与空岗记录;可重复执行。")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", help=_("日期 YYYY-MM-DD(默认昨天)"))
        parser.add_argument("--end", help=_("截止日期 YYYY-MM-DD(含),可选"))
        parser.add_argument("--center", help=_("中心行政区划代码(默认全部启用的中心)"))

    def handle(self, *args: Any, **options: Any) -> None:
        start = (
            _date(options["date"])
            if options["date"]
            else timezone.localdate() - dt.timedelta(days=1)
        )
        end = _date(options["end"]) if options["end"] else start
        if end < start:
            raise CommandError(_("截止日期早于开始日期。"))
        centers = Center.objects.filter(is_active=True)
        if options["center"]:
            centers = centers.filter(region_code=options["center"])
            if not centers.exists():
                raise CommandError(_("没有该中心:%(c)s") % {"c": options["center"]})
        for center in centers:
            for result in services.derive_range(center=center, start=start, end=end):
                self.stdout.write(
                    _("%(center)s %(date)s:考勤记录 %(r)s 条,空岗 %(p)s 段")
                    % {
                        "center": center.name,
                        "date": result.date,
                        "r": result.records,
                        "p": result.post_absences,
                    }
                )
