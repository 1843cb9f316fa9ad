"""`govhall report --center ID (--period 2026-05 | --year 2026) --out DIR [--date 2026-06-01]`."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from govhall.core.errors import DomainError
from govhall.core.models import Center
from govhall.performance.documents import bulletin_docx
from govhall.performance.management.commands.evaluate import a_date, center_by_id
from govhall.performance.services import write_report
from govhall.performance.yearly import year_of, yearly_report


class Command(BaseCommand):
    help = _(
        "生成考核期的通报(.docx)和汇总表(.xlsx):已发布的按发布时冻结的内容,"
        "否则为最新草稿(文件标明草稿);没有评价结果时拒绝。"
        "用 --year 生成年度报告(.docx)。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--center", required=True)
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--period", help="2026-W18 / 2026-05 / 2026-Q2 / 2026-H1 / 2026")
        which.add_argument("--year", help=_("年度报告的年份,如 2026"))
        parser.add_argument("--out", required=True, type=Path)
        parser.add_argument(
            "--date", type=a_date, help=_("草稿的成文日期(默认今天;已发布的通报用发布时的日期)")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        center = center_by_id(options["center"])
        try:
            if options["year"] is not None:
                paths = [self._yearly(center, options)]
            else:
                paths = write_report(
                    center=center,
                    code=options["period"],
                    out_dir=options["out"],
                    issued_on=options["date"],
                )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for path in paths:
            self.stdout.write(str(path))

    def _yearly(self, center: Center, options: dict[str, Any]) -> Path:
        year = year_of(options["year"])
        figures, bulletin = yearly_report(center=center, year=year, issued_on=options["date"])
        out_dir: Path = options["out"]
        out_dir.mkdir(parents=True, exist_ok=True)
        partial = "" if figures.complete else f"-to-{figures.end:%m%d}"
        path = out_dir / f"{center.region_code}-{year}{partial}-annual-report.docx"
        path.write_bytes(bulletin_docx(bulletin))
        return path
