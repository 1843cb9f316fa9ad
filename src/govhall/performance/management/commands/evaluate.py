"""`govhall evaluate --center ID --period 2026-05 [--publish]`: compute a period's ranking."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from govhall.core.errors import DomainError
from govhall.core.models import Center
from govhall.performance.selectors import run_scores
from govhall.performance.services import evaluate_period, publish_run


def center_by_id(value: str) -> Center:
    center = Center.objects.filter(pk=value).first() if value.isdigit() else None
    center = center or Center.objects.filter(region_code=value).first()
    if center is None:
        raise CommandError(_("找不到中心“%(value)s”(可用编号或行政区划代码)。") % {"value": value})
    return center


class Command(BaseCommand):
    help = _("计算考核期内各窗口单位的服务效能评价得分和排名。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--center", required=True, help=_("中心编号或行政区划代码"))
        parser.add_argument("--period", required=True, help="2026-05 / 2026-Q2 / 2026-H1 / 2026")
        parser.add_argument("--publish", action="store_true", help=_("计算后发布"))

    def handle(self, *args: Any, **options: Any) -> None:
        center = center_by_id(options["center"])
        try:
            run = evaluate_period(center=center, code=options["period"])
            if options["publish"]:
                run = publish_run(run=run, actor=None)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            _("%(period)s 第%(version)s版(%(status)s)")
            % {
                "period": run.period.label,
                "version": run.version,
                "status": run.get_status_display(),
            }
        )
        for score in run_scores(run=run):
            self.stdout.write(
                f"{score.rank:>3}  {score.total:>7}  {score.department.name}  {score.award}"
            )
        for change in run.changes:
            self.stdout.write(_("变化:%(change)s") % {"change": change})
