"""`govhall evaluate --center ID --period 2026-05 [--check] [--publish [--date 2026-06-01]]`."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from govhall.core.errors import DomainError
from govhall.core.management.arguments import iso_date
from govhall.core.models import Center
from govhall.performance.selectors import run_scores
from govhall.performance.services import check_period, evaluate_period, publish_run


def center_by_id(value: str) -> Center:
    center = Center.objects.filter(pk=value).first() if value.isdigit() else None
    center = center or Center.objects.filter(region_code=value).first()
    if center is None:
        raise CommandError(_("找不到中心“%(value)s”(可用编号或行政区划代码)。") % {"value": value})
    return center


def a_date(value: str) -> dt.date:
    return iso_date(value, _("日期“%(v)s”格式不正确,应为 2026-06-01。") % {"v": value})


class Command(BaseCommand):
    help = _("计算考核期内各窗口单位的服务效能评价得分和排名。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--center", required=True, help=_("中心编号或行政区划代码"))
        parser.add_argument(
            "--period", required=True, help="2026-W18 / 2026-05 / 2026-Q2 / 2026-H1 / 2026"
        )
        parser.add_argument(
            "--check", action="store_true", help=_("只校验本期数据(不保存结果),有问题时返回非零")
        )
        parser.add_argument("--publish", action="store_true", help=_("计算后发布"))
        parser.add_argument("--date", type=a_date, help=_("发布时的成文日期(默认今天)"))

    def handle(self, *args: Any, **options: Any) -> None:
        center = center_by_id(options["center"])
        try:
            if options["check"]:
                self._check(center, options["period"])
                return
            run = evaluate_period(center=center, code=options["period"], concurrent=True)
            if options["publish"]:
                run = publish_run(run=run, actor=None, issued_on=options["date"])
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
            rank = score.rank if score.rank is not None else score.get_standing_display()
            # A unit kept out of the awards or under the volume floor says why.
            passed = [
                f["message"] for f in score.flags if f.get("kind") in ("not_awarded", "low_volume")
            ]
            self.stdout.write(
                f"{rank:>3}  {score.total:>7}  {score.department.name}  {score.award}"
                + "".join(f"({message})" for message in passed)
            )
        for change in run.changes:
            self.stdout.write(_("变化:%(change)s") % {"change": change})

    def _check(self, center: Center, code: str) -> None:
        checks = check_period(center=center, code=code, concurrent=True)
        for check in checks:
            self.stdout.write(("✓ " if check.ok else "✗ ") + check.text)
        failed = sum(1 for c in checks if not c.ok)
        if failed:
            raise CommandError(_("%(n)s项校验未通过。") % {"n": failed})
        self.stdout.write(_("全部%(n)s项校验通过。") % {"n": len(checks)})
