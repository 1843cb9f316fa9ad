"""`govhall lint-guides [--center ID|REGION_CODE]`: one line per finding, exit 1 on any error."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils.translation import gettext as _

from govhall.catalog.lint import ERROR
from govhall.catalog.selectors import lint_items
from govhall.core.models import Center


class Command(BaseCommand):
    help = _(
        "检查办事指南:兜底条款、缺空白表格或示范文本、承诺时限超过法定时限、"
        "缺收费标准/设定依据/电话、同名事项描述不一致。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--center",
            help=_("中心的编号或行政区划代码;不填则检查所有启用的中心。"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        centers = Center.objects.filter(is_active=True).order_by("region_code")
        if options["center"]:
            wanted = options["center"].strip()
            lookup = Q(region_code=wanted) | (Q(pk=int(wanted)) if wanted.isdigit() else Q())
            centers = Center.objects.filter(lookup).order_by("region_code")
            if not centers.exists():
                raise CommandError(_("没有找到中心“%(center)s”。") % {"center": wanted})
        errors = warnings = 0
        for center in centers:
            for f in lint_items(center_id=center.pk):
                self.stdout.write(
                    "\t".join(
                        [
                            f.severity.upper(),
                            center.region_code,
                            f.rule,
                            f.item_code,
                            f.department,
                            f.item_name,
                            f.message,
                        ]
                    )
                )
                if f.severity == ERROR:
                    errors += 1
                else:
                    warnings += 1
        summary = _("共 %(errors)d 个错误,%(warnings)d 个警告。") % {
            "errors": errors,
            "warnings": warnings,
        }
        if errors:
            raise CommandError(summary, returncode=1)
        self.stderr.write(summary)
