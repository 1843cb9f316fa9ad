import datetime as dt

import pytest

from govhall.supervision import selectors
from govhall.supervision.demo import SEED_TITLE, load_demo
from govhall.supervision.models import Campaign, CensusReport, Problem, SignOff
from tests.factories import ServiceItemFactory

pytestmark = pytest.mark.django_db


def test_demo_models_seed_002_and_is_idempotent(clock, center, department):
    clock(dt.date(2026, 11, 24))
    ServiceItemFactory(center=center, department=department, consult_phone="")
    logins = load_demo(center, password="pw-demo-123")
    assert ("督查人员", "sv-inspector") in logins
    seed = Campaign.objects.get(title=SEED_TITLE)
    assert [p.ends_on for p in seed.phases.all()] == [
        dt.date(2018, 5, 20),
        dt.date(2018, 6, 20),
        dt.date(2018, 7, 20),
    ]
    progress = selectors.campaign_progress(campaign_id=seed.pk, on=dt.date(2018, 7, 21))
    assert progress.totals["found"] == 5
    assert (progress.totals["fixed_on_time"], progress.totals["fixed_late"]) == (2, 1)
    assert progress.totals["open"] == 2 and progress.totals["signed_off"] == 1
    assert selectors.missing_census_units(campaign_id=seed.pk).count() == 1
    assert [r.unit.name for r in selectors.late_census_reports(campaign_id=seed.pk)] != []
    current = Campaign.objects.exclude(pk=seed.pk).get()
    assert current.problems.filter(found_by="guide_lint").exists()

    counts = (Campaign.objects.count(), Problem.objects.count(), CensusReport.objects.count(),
              SignOff.objects.count())  # fmt: skip
    assert load_demo(center, password="pw-demo-123") == []
    assert counts == (Campaign.objects.count(), Problem.objects.count(),
                      CensusReport.objects.count(), SignOff.objects.count())  # fmt: skip
