"""`govhall report --center ID --period 2026-05 --out DIR`: bulletin (.docx), tables (.xlsx)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from govhall.core.errors import DomainError
from govhall.performance.management.commands.evaluate import center_by_id
from govhall.performance.services import write_report


class Command(BaseCommand):
    help = _("生成考核期的通报(.docx)和汇总表(.xlsx);没有计算结果时先计算。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--center", required=True)
        parser.add_argument("--period", required=True)
        parser.add_argument("--out", required=True, type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        center = center_by_id(options["center"])
        try:
            paths = write_report(center=center, code=options["period"], out_dir=options["out"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for path in paths:
            self.stdout.write(str(path))
