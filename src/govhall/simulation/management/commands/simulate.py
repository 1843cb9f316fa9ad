"""`govhall simulate --center ID --month 2026-05 --scale city|county --seed N`."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from govhall.core.errors import DomainError
from govhall.core.models import Center
from govhall.simulation.profiles import SCALES
from govhall.simulation.services import parse_month, simulate_month


class Command(BaseCommand):
    help = _(
        "模拟一个月的大厅运行(离散事件仿真):取号叫号、办件、评价、考勤等,"
        "按种子可重现;中心缺少部门和事项时一并生成。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--center", type=int, required=True, help=_("中心 ID"))
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--scale", choices=sorted(SCALES), default="city")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--json", action="store_true", help=_("以 JSON 输出摘要"))

    def handle(self, *args: Any, **options: Any) -> None:
        center = Center.objects.filter(pk=options["center"]).first()
        if center is None:
            raise CommandError(_("中心 %(id)s 不存在。") % {"id": options["center"]})
        quiet = options["json"]
        try:
            summary = simulate_month(
                center=center,
                month=parse_month(options["month"]),
                scale=options["scale"],
                seed=options["seed"],
                progress=None if quiet else lambda msg: self.stdout.write(f"  {msg}"),
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if quiet:
            self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False))
            return
        for key, value in summary.as_dict().items():
            if key not in ("timings", "cpu_timings"):
                self.stdout.write(f"{key}: {value}")
