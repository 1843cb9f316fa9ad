"""`govhall calendar import FILE` and `govhall calendar status`."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from govhall.core.errors import ValidationFailed
from govhall.core.selectors import calendar_status
from govhall.core.services import import_calendar


class Command(BaseCommand):
    help = _("工作日历:导入国务院办公厅节假日安排(CSV),查看各年份数据状态。")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help=_("导入 CSV 文件(date,kind,name)"))
        imp.add_argument("file", type=Path)
        sub.add_parser("status", help=_("列出已有数据的年份及来源"))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self._import(options["file"])
        else:
            self._status()

    def _import(self, path: Path) -> None:
        try:
            if path.stat().st_size > settings.IMPORT_MAX_BYTES:
                raise CommandError(_("文件过大:%(path)s") % {"path": path})
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            message = _("无法读取文件 %(path)s(须为 UTF-8 编码的 CSV)。") % {"path": path}
            raise CommandError(message) from exc
        try:
            years = import_calendar(text=text, file_name=path.name)
        except ValidationFailed as exc:
            for problem in exc.detail or []:
                self.stderr.write(
                    _("第%(line)s行:%(message)s")
                    % {"line": problem["line"], "message": problem["message"]}
                )
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(_("已导入年份:%(years)s") % {"years": ", ".join(map(str, years))})
        )

    def _status(self) -> None:
        self.stdout.write(_("年份  来源  官方  节假日(工作日)  调休上班"))
        for y in calendar_status():
            official = _("是") if y.official else _("否")
            self.stdout.write(
                f"{y.year}  {y.source}  {official}  {y.holidays}  {y.makeup_workdays}"
            )
        self.stdout.write(_("未列出的年份按周末规则计算,结果标记为“暂定”,导入该年数据后重新计算。"))
