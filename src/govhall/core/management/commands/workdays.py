"""`govhall workdays add DATE N` (due date, ISO, alone on the last line) and `between A B`."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from govhall.core.management.arguments import iso_date
from govhall.core.workdays import load_calendar


def _date(value: str) -> dt.date:
    return iso_date(value, _("日期“%(value)s”不是YYYY-MM-DD格式。") % {"value": value})


class Command(BaseCommand):
    help = _("工作日计算:DATE 之后第 N 个工作日(不含当天),或两日期间的工作日数。")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help=_("办结期限:受理日 DATE 加 N 个工作日"))
        add.add_argument("date")
        add.add_argument("n", type=int)
        between = sub.add_parser("between", help=_("A 之后至 B(含)之间的工作日数"))
        between.add_argument("start")
        between.add_argument("end")

    def handle(self, *args: Any, **options: Any) -> None:
        calendar = load_calendar()
        if options["action"] == "between":
            start, end = _date(options["start"]), _date(options["end"])
            if calendar.is_provisional_range(min(start, end), max(start, end)):
                self.stderr.write(_("警告:所涉年份缺少官方日历数据,结果为暂定。"))
            self.stdout.write(str(calendar.workdays_between(start, end)))
            return
        if options["n"] < 0:
            raise CommandError(_("工作日数不能为负数。"))
        result = calendar.add_workdays(_date(options["date"]), options["n"])
        if result.provisional:
            self.stderr.write(
                _(
                    "警告:所涉年份缺少官方日历数据,仅按周末规则计算,结果为暂定;导入该年日历后请重新计算。"
                )
            )
        self.stdout.write(result.date.isoformat())
