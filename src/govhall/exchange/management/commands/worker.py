"""``govhall worker``: push every centre's outbox to its upstream platform."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from govhall.core.shutdown import stop_on_signals
from govhall.exchange.worker import PassResult, run_worker


class Command(BaseCommand):
    help = "推送 outbox 事件到上级平台(签名、分批、重试;SIGTERM 时处理完当前批次后退出)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="推送当前到期的事件后退出")
        parser.add_argument("--batch-size", type=int, help="每批条数(默认取中心设置)")
        parser.add_argument("--url", help="上级平台地址(覆盖中心设置)")
        parser.add_argument(
            "--center",
            action="append",
            dest="centers",
            metavar="REGION_CODE",
            help="只推送该行政区划代码的中心(可重复)",
        )
        parser.add_argument(
            "--idle-seconds", type=float, default=1.0, help="无事件时的轮询间隔(秒)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = stop_on_signals()

        def report(result: PassResult) -> None:
            if options["verbosity"] >= 1:
                self.stdout.write(
                    f"claimed={result.claimed} acked={result.acked} "
                    f"retry={result.failed} dead={result.dead}"
                )

        total = run_worker(
            once=options["once"],
            url=options["url"],
            batch_size=options["batch_size"],
            region_codes=options["centers"],
            idle_seconds=options["idle_seconds"],
            stop=stop,
            report=report,
        )
        self.stdout.write(
            f"total claimed={total.claimed} acked={total.acked} "
            f"retry={total.failed} dead={total.dead}"
        )
