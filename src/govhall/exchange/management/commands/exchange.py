"""``govhall exchange status|redrive``: reconciliation of the outbox, re-drive of dead letters."""

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govhall.core.dates import month_so_far
from govhall.core.errors import DomainError
from govhall.core.models import Center
from govhall.exchange import selectors, services


class Command(BaseCommand):
    help = "数据归集:status 对账(本地事件与上级确认、积压告警);redrive 重新推送死信"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        status = sub.add_parser("status", help="对账")
        status.add_argument("--center", action="append", dest="centers", metavar="REGION_CODE")
        status.add_argument("--start", type=dt.date.fromisoformat, help="YYYY-MM-DD")
        status.add_argument("--end", type=dt.date.fromisoformat, help="YYYY-MM-DD")
        status.add_argument("--json", action="store_true", help="输出 JSON")
        status.add_argument(
            "--check", action="store_true", help="有积压告警时以退出码 2 结束(供监控使用)"
        )
        redrive = sub.add_parser("redrive", help="重新推送死信")
        redrive.add_argument("--center", required=True, metavar="REGION_CODE")
        which = redrive.add_mutually_exclusive_group(required=True)
        which.add_argument("--ids", type=int, nargs="+")
        which.add_argument("--all", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "status":
            self.status(options)
        else:
            self.redrive(options)

    def _centers(self, region_codes: list[str] | None) -> list[Center]:
        qs = Center.objects.order_by("region_code")
        if region_codes:
            qs = qs.filter(region_code__in=region_codes)
            missing = set(region_codes) - set(qs.values_list("region_code", flat=True))
            if missing:
                raise CommandError(f"unknown centre(s): {', '.join(sorted(missing))}")
        return list(qs)

    def status(self, options: dict[str, Any]) -> None:
        start, end = month_so_far()
        start, end = options["start"] or start, options["end"] or end
        if start > end:
            raise CommandError("--start is after --end")
        reports = []
        for center in self._centers(options["centers"]):
            settings = selectors.exchange_settings(center_id=center.pk)
            reports.append(
                (
                    center,
                    selectors.reconciliation(
                        center_id=center.pk,
                        start=start,
                        end=end,
                        threshold_seconds=settings.lag_alert_seconds,
                    ),
                )
            )
        if options["json"]:
            self.stdout.write(json.dumps([self._as_dict(c, r) for c, r in reports], indent=2))
        else:
            for center, report in reports:
                self._print(center, report)
        if options["check"] and any(r.alert for _c, r in reports):
            raise SystemExit(2)

    @staticmethod
    def _as_dict(center: Center, r: selectors.Reconciliation) -> dict[str, Any]:
        def counts(k: selectors.KindCounts) -> dict[str, Any]:
            return {
                "kind": k.kind,
                "local": k.local,
                "acked": k.acked,
                "pending": k.pending,
                "dead": k.dead,
                "unacked": k.unacked,
            }

        return {
            "center": center.region_code,
            "name": center.name,
            "start": r.start.isoformat(),
            "end": r.end.isoformat(),
            "kinds": [counts(k) for k in r.kinds],
            "total": counts(r.total),
            "unacked_total": r.unacked_total,
            "dead_total": r.dead_total,
            "oldest_unacked_at": r.oldest_unacked_at.isoformat() if r.oldest_unacked_at else None,
            "lag_seconds": round(r.lag_seconds, 1),
            "threshold_seconds": r.threshold_seconds,
            "alert": r.alert,
        }

    def _print(self, center: Center, r: selectors.Reconciliation) -> None:
        w = self.stdout.write
        w(f"{center.region_code} {center.name}  {r.start} .. {r.end}")
        w(f"  {'kind':<24}{'local':>9}{'acked':>9}{'pending':>9}{'dead':>7}{'unacked':>9}")
        for k in [*r.kinds, r.total]:
            w(
                f"  {k.kind or 'TOTAL':<24}{k.local:>9}{k.acked:>9}{k.pending:>9}{k.dead:>7}"
                f"{k.unacked:>9}"
            )
        line = (
            f"  unacknowledged (all dates): {r.unacked_total}, dead: {r.dead_total}, "
            f"lag: {r.lag_seconds:.0f}s (threshold {r.threshold_seconds}s)"
        )
        if r.alert:
            self.stdout.write(self.style.ERROR(line + "  ALERT"))
        else:
            w(line)

    def redrive(self, options: dict[str, Any]) -> None:
        (center,) = self._centers([options["center"]])
        try:
            count = services.redrive_dead_letters(
                actor=None, center_id=center.pk, ids=None if options["all"] else options["ids"]
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"re-driven: {count}")
