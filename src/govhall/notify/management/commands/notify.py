"""``govhall notify``: send the SMS outbox (到号提醒, appointment reminders, rating invitations,
cases ready for collection) through the configured backend."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from govhall.core.shutdown import stop_on_signal
from govhall.notify.backends import get_backend
from govhall.notify.services import DeliveryResult
from govhall.notify.worker import run_worker


class Command(BaseCommand):
    help = (
        "发送短信通知(到号提醒、预约提醒、评价邀请、办结领取;失败重试;"
        "SIGTERM 时处理完当前一批后退出)"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="处理当前到期的通知后退出")
        parser.add_argument("--backend", help="发送通道(file、console、tencent 或类路径)")
        parser.add_argument("--batch-size", type=int, default=50, help="每批条数")
        parser.add_argument(
            "--idle-seconds", type=float, default=5.0, help="两次检查之间的间隔(秒)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = stop_on_signal()

        def report(result: DeliveryResult) -> None:
            self.stdout.write(
                f"sent={result.sent} retrying={result.retrying} failed={result.failed} "
                f"opted_out={result.opted_out}"
            )

        run_worker(
            get_backend(options["backend"]),
            once=options["once"],
            idle_seconds=options["idle_seconds"],
            batch_size=options["batch_size"],
            stop=stop,
            report=report,
        )
