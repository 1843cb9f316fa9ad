"""Demo part of the evaluation: the shipped rubric, the bulletin text and last month published."""

import datetime as dt

from django.utils import timezone

from govhall.core.models import Center
from govhall.performance import selectors, services


def load_demo(center: Center, *, password: str) -> list[tuple[str, str]]:
    services.ensure_default_rubric(center=center)
    services.ensure_bulletin_settings(center=center)
    first = timezone.localdate().replace(day=1)
    last_month = (first - dt.timedelta(days=1)).strftime("%Y-%m")
    if not selectors.period_runs(center_id=center.pk, code=last_month, published_only=True):
        services.publish_run(
            run=services.evaluate_period(center=center, code=last_month), actor=None
        )
    return []
