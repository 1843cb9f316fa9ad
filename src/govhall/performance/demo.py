"""Demo part of the evaluation: the shipped rubric, the bulletin text and last month published,
with the leader's and the inspector's marks on the entered dimensions."""

import random
from decimal import Decimal

from govhall.core.dates import previous_month
from govhall.core.models import Center
from govhall.core.roles import Role
from govhall.org.selectors import first_user_in_role
from govhall.performance import selectors, services


def _marks(center: Center, code: str) -> None:
    """Each evaluator's marks (80–98) for every evaluated unit on each entered dimension, as the
    panel and the peers would give them before the month is published."""
    evaluators = [first_user_in_role(center, role) for role in (Role.LEADER, Role.INSPECTOR)]
    departments = list(selectors.evaluated_departments(center_id=center.pk))
    for dimension in selectors.manual_dimensions(center_id=center.pk):
        for evaluator in filter(None, evaluators):
            rng = random.Random(f"{code}-{dimension.code}-{evaluator.username}")
            services.enter_manual_scores(
                center=center,
                code=code,
                dimension=dimension,
                marks={d.pk: Decimal(rng.randint(80, 98)) for d in departments},
                evaluator=evaluator,
            )


def load_demo(center: Center, *, password: str) -> list[tuple[str, str]]:
    services.ensure_default_rubric(center=center)
    last_month = previous_month()[0].strftime("%Y-%m")
    if not selectors.period_runs(center_id=center.pk, code=last_month, published_only=True):
        _marks(center, last_month)
        services.publish_run(
            run=services.evaluate_period(center=center, code=last_month), actor=None
        )
    return []
