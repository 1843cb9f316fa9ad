"""Reconciliation of the outbox and the province's figures per remote centre."""

import datetime as dt

import pytest
from django.utils import timezone

from govhall.core.models import OutboxEvent
from govhall.exchange import selectors
from govhall.exchange.models import RemoteCase, RemoteRating
from tests.exchange.factories import RemoteCenterFactory, emit_case, emit_rating

pytestmark = pytest.mark.django_db
Status = OutboxEvent.Status
TZ = timezone.get_fixed_timezone(8 * 60)


def at(day: int, hour: int = 10, month: int = 5) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=TZ)


def test_reconciliation_counts_local_events_against_acknowledged(center, other_center):
    sent, pending, dead = emit_case(center, "C1", ("accepted", "in_review", "completed"))
    rating = emit_rating(center, "R1")
    emit_case(other_center, "X1", ("accepted",))
    OutboxEvent.objects.update(created_at=at(10))
    OutboxEvent.objects.filter(pk__in=[sent.pk, rating.pk]).update(status=Status.SENT)
    OutboxEvent.objects.filter(pk=dead.pk).update(status=Status.DEAD)
    # The pending event is from the day before the period: it still counts in the lag.
    OutboxEvent.objects.filter(pk=pending.pk).update(created_at=at(9, 11))
    may10 = dt.date(2026, 5, 10)
    report = selectors.reconciliation(
        center_id=center.pk, start=may10, end=may10, threshold_seconds=86400, now=at(10, 12)
    )
    by_kind = {k.kind: (k.local, k.acked, k.pending, k.dead, k.unacked) for k in report.kinds}
    assert by_kind == {
        "case.accepted": (1, 1, 0, 0, 0),
        "case.completed": (1, 0, 0, 1, 1),
        "rating.created": (1, 1, 0, 0, 0),
    }
    assert (report.total.local, report.total.acked) == (3, 2)
    assert report.unacked_total == 2 and report.dead_total == 1
    assert report.oldest_unacked_at == at(9, 11)
    assert report.lag_seconds == 25 * 3600
    assert report.alert
    calm = selectors.reconciliation(
        center_id=center.pk, start=may10, end=may10, threshold_seconds=90000, now=at(10, 12)
    )
    assert not calm.alert


def test_a_period_counts_the_local_days_of_asia_shanghai(center):
    first, second = emit_case(center, "C1", ("accepted", "completed"))
    # 2026-05-01 23:30 local is 15:30 UTC on the same day; 2026-05-02 00:30 local is 16:30 UTC
    # of 05-01: only the local day decides.
    OutboxEvent.objects.filter(pk=first.pk).update(created_at=at(1, 23).replace(minute=30))
    OutboxEvent.objects.filter(pk=second.pk).update(created_at=at(2, 0).replace(minute=30))
    may1 = selectors.reconciliation(
        center_id=center.pk,
        start=dt.date(2026, 5, 1),
        end=dt.date(2026, 5, 1),
        threshold_seconds=60,
    )
    assert [(k.kind, k.local) for k in may1.kinds] == [("case.accepted", 1)]


def test_nothing_unacknowledged_means_no_lag_and_no_alert(center):
    (row,) = emit_case(center, "C1", ("accepted",))
    OutboxEvent.objects.filter(pk=row.pk).update(status=Status.SENT)
    report = selectors.reconciliation(
        center_id=center.pk,
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 12, 31),
        threshold_seconds=1,
    )
    assert (report.unacked_total, report.lag_seconds, report.alert) == (0, 0.0, False)


def remote_case(remote, number, *, accepted, due, completed=None, state="accepted"):
    return RemoteCase.objects.create(
        center=remote.center,
        remote=remote,
        case_number=number,
        accepted_at=accepted,
        due_date=due,
        completed_at=completed,
        state=state,
        last_event="case.x",
        last_event_at=accepted,
        last_sequence=1,
    )


def remote_rating(remote, rid, level, *, rated, excluded=False):
    return RemoteRating.objects.create(
        center=remote.center,
        remote=remote,
        rating_id=rid,
        level=level,
        rated_at=rated,
        is_bad=level <= 2,
        excluded=excluded,
        last_event="rating.created",
        last_event_at=rated,
        last_sequence=1,
    )


def test_remote_figures_follow_the_domain_definitions(province):
    a = RemoteCenterFactory(center=province, region_code="411700")
    b = RemoteCenterFactory(center=province, region_code="411800")
    may = (dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    # a: 4 accepted in May; 2 completed (one late); one open past its due date; one refused
    remote_case(
        a, "A1", accepted=at(4), due=dt.date(2026, 5, 8), completed=at(7), state="completed"
    )
    remote_case(
        a, "A2", accepted=at(4), due=dt.date(2026, 5, 8), completed=at(11), state="completed"
    )
    remote_case(a, "A3", accepted=at(20), due=dt.date(2026, 5, 27))
    remote_case(a, "A4", accepted=at(30), due=dt.date(2026, 6, 5))
    remote_case(a, "A5", accepted=at(3), due=dt.date(2026, 5, 4), state="refused")
    # accepted in April, completed in May; and accepted in May, completed in June
    remote_case(
        a,
        "A6",
        accepted=at(28, month=4),
        due=dt.date(2026, 5, 6),
        completed=at(5),
        state="completed",
    )
    remote_case(
        a,
        "A7",
        accepted=at(29),
        due=dt.date(2026, 6, 3),
        completed=at(2, month=6),
        state="completed",
    )
    for n, level in enumerate([5, 4, 3, 2, 1]):
        remote_rating(a, f"AR{n}", level, rated=at(10))
    remote_rating(a, "AR9", 1, rated=at(10), excluded=True)
    remote_rating(a, "AR8", 1, rated=at(10, month=6))
    figures = selectors.remote_figures(center_id=province.pk, start=may[0], end=may[1])
    assert figures[a.pk] == {
        "cases_accepted": 6,  # A1 A2 A3 A4 A5 A7
        "cases_completed": 3,  # A1 A2 A6
        "completion_rate": round(2 / 6, 4),  # A1 A2 completed by 31 May
        "overdue": 2,  # A2 completed late, A3 open past 27 May on 31 May
        "ratings": 5,
        "good_rate": 0.6,
        "bad_ratings": 2,
    }
    assert figures[b.pk] == {
        "cases_accepted": 0,
        "cases_completed": 0,
        "completion_rate": None,
        "overdue": 0,
        "ratings": 0,
        "good_rate": None,
        "bad_ratings": 0,
    }


def test_the_ranking_orders_by_the_chosen_figure_and_shares_ties(province):
    a, b, c = (RemoteCenterFactory(center=province, region_code=f"41{n}000") for n in (1, 2, 3))
    for remote, n in ((a, 1), (b, 3), (c, 3)):
        for i in range(n):
            remote_case(remote, f"{remote.pk}-{i}", accepted=at(4), due=dt.date(2026, 5, 2))
    ranked = selectors.province_ranking(
        center_id=province.pk,
        start=dt.date(2026, 5, 1),
        end=dt.date(2026, 5, 31),
        order_by="cases_accepted",
    )
    assert [(r.rank, r.remote.pk) for r in ranked] == [(1, b.pk), (1, c.pk), (3, a.pk)]
    by_overdue = selectors.province_ranking(
        center_id=province.pk,
        start=dt.date(2026, 5, 1),
        end=dt.date(2026, 5, 31),
        order_by="overdue",
    )
    assert by_overdue[0].remote.pk == a.pk  # fewest overdue first
    by_rate = selectors.province_ranking(
        center_id=province.pk,
        start=dt.date(2026, 5, 1),
        end=dt.date(2026, 5, 31),
        order_by="good_rate",
    )
    assert all(r.figures["good_rate"] is None for r in by_rate)
    with pytest.raises(ValueError):
        selectors.province_ranking(
            center_id=province.pk,
            start=dt.date(2026, 5, 1),
            end=dt.date(2026, 5, 31),
            order_by="nonsense",
        )
