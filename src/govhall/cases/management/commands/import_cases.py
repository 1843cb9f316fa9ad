"""`govhall import-cases FILE --center ID [--mapping ...] [--dry-run]`: historical cases."""

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from govhall.cases.importing import parse_mapping
from govhall.cases.services import import_cases
from govhall.core.errors import DomainError
from govhall.core.models import Center


class Command(BaseCommand):
    help = _("从 .xlsx 或 .csv 导入历史办件:全部行正确才导入,否则列出每个错误行。")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--center", type=int, required=True, help=_("中心 ID"))
        parser.add_argument(
            "--mapping", default="", help=_("列映射,如 item_code=事项代码,accepted_at=受理日期")
        )
        parser.add_argument("--dry-run", action="store_true", help=_("只检查,不导入"))

    def handle(self, *args: Any, **options: Any) -> None:
        center = Center.objects.filter(pk=options["center"]).first()
        if center is None:
            raise CommandError(_("中心不存在。"))
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(_("文件不存在:%(path)s") % {"path": path})
        try:
            mapping = parse_mapping(options["mapping"])
            started = time.monotonic()
            report = import_cases(
                center=center, source=path, mapping=mapping, dry_run=options["dry_run"]
            )
        except (ValueError, DomainError) as exc:
            raise CommandError(str(exc)) from exc
        seconds = time.monotonic() - started
        for error in report.errors:
            self.stderr.write(_("第 %(row)d 行:%(msg)s") % {"row": error.row, "msg": error.message})
        if not report.ok:
            raise CommandError(
                _("%(n)d 行有错误(共 %(total)d 行),未导入任何数据。")
                % {"n": len(report.errors), "total": report.total}
            )
        if report.dry_run:
            self.stdout.write(_("检查通过:共 %(n)d 行。") % {"n": report.total})
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _("已导入 %(n)d 件,用时 %(s).1f 秒。") % {"n": report.imported, "s": seconds}
                )
            )
