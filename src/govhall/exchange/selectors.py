"""Every read of the exchange: whom the worker pushes for, the reconciliation of a centre's
outbox against the upstream acknowledgements, and the province's ranking of its centres."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone

from govhall.core import settings_rows
from govhall.core.dates import day_span
from govhall.core.models import OutboxEvent
from govhall.core.selectors import late_if_due_before
from govhall.exchange.models import ExchangeSettings, RemoteCase, RemoteCenter, RemoteRating

Status = OutboxEvent.Status


def exchange_settings(*, center_id: int) -> ExchangeSettings:
    """The centre's exchange settings (the defaults, unsaved, if it has no row)."""
    return settings_rows.read(ExchangeSettings, center_id)


def push_targets(
    *, region_codes: list[str] | None = None, url: str | None = None
) -> list[ExchangeSettings]:
    """Settings of the centres that push: a key and secret, and an upstream URL (or `url`)."""
    qs = (
        ExchangeSettings.objects.select_related("center")
        .filter(center__is_active=True)
        .exclude(key_id="")
        .exclude(secret="")
        .order_by("center_id")
    )
    if not url:
        qs = qs.exclude(upstream_url="")
    if region_codes:
        qs = qs.filter(center__region_code__in=region_codes)
    return list(qs)


@dataclass(frozen=True)
class KindCounts:
    kind: str
    local: int
    acked: int
    pending: int
    dead: int

    @property
    def unacked(self) -> int:
        return self.local - self.acked


@dataclass(frozen=True)
class Reconciliation:
    center_id: int
    start: dt.date
    end: dt.date
    kinds: list[KindCounts]
    total: KindCounts
    unacked_total: int
    dead_total: int
    oldest_unacked_at: dt.datetime | None
    lag_seconds: float
    threshold_seconds: int
    alert: bool


def reconciliation(
    *,
    center_id: int,
    start: dt.date,
    end: dt.date,
    threshold_seconds: int,
    now: dt.datetime | None = None,
) -> Reconciliation:
    """Local outbox events of the period by kind against those acknowledged upstream, and the
    lag: the age of the oldest event (of any date) not yet acknowledged."""
    now = now or timezone.now()
    lower, upper = day_span(start, end)
    counts = {
        "local": Count("id"),
        "acked": Count("id", filter=Q(status=Status.SENT)),
        "pending": Count("id", filter=Q(status=Status.PENDING)),
        "dead": Count("id", filter=Q(status=Status.DEAD)),
    }
    period = OutboxEvent.objects.filter(
        center_id=center_id, created_at__gte=lower, created_at__lt=upper
    )
    kinds = [KindCounts(**row) for row in period.values("kind").annotate(**counts).order_by("kind")]
    total = KindCounts(kind="", **period.aggregate(**counts))
    unacked = OutboxEvent.objects.filter(center_id=center_id).exclude(status=Status.SENT)
    overall = unacked.aggregate(
        n=Count("id"), dead=Count("id", filter=Q(status=Status.DEAD)), oldest=Min("created_at")
    )
    oldest = overall["oldest"]
    lag = (now - oldest).total_seconds() if oldest else 0.0
    return Reconciliation(
        center_id=center_id,
        start=start,
        end=end,
        kinds=kinds,
        total=total,
        unacked_total=overall["n"],
        dead_total=overall["dead"],
        oldest_unacked_at=oldest,
        lag_seconds=lag,
        threshold_seconds=threshold_seconds,
        alert=lag > threshold_seconds,
    )


def unacknowledged_events(*, center_id: int) -> QuerySet[OutboxEvent]:
    """Events not yet acknowledged upstream (pending and dead), oldest first."""
    return (
        OutboxEvent.objects.filter(center_id=center_id).exclude(status=Status.SENT).order_by("id")
    )


def dead_letters(*, center_id: int) -> QuerySet[OutboxEvent]:
    return OutboxEvent.objects.filter(center_id=center_id, status=Status.DEAD).order_by("id")


def event_age_seconds(event: OutboxEvent, now: dt.datetime | None = None) -> float:
    return ((now or timezone.now()) - event.created_at).total_seconds()


# --- province ranking ---------------------------------------------------------------------------

RANKING_FIGURES = (
    "cases_accepted",
    "cases_completed",
    "completion_rate",
    "overdue",
    "ratings",
    "good_rate",
    "bad_ratings",
)
# figure → True when more is better
FIGURE_HIGHER_IS_BETTER = {
    "cases_accepted": True,
    "cases_completed": True,
    "completion_rate": True,
    "overdue": False,
    "ratings": True,
    "good_rate": True,
    "bad_ratings": False,
}


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def remote_figures(*, center_id: int, start: dt.date, end: dt.date) -> dict[int, dict]:
    """The figures of each remote centre, from the cases and ratings it pushed.

    Cases accepted / completed in the period; completion rate = completed ÷ accepted of the
    cases accepted in the period; overdue = completed in the period after the due date, plus
    cases still open at the period's end past their due date (refused and withdrawn cases are
    not counted); good rate = levels 3–5 ÷ ratings of the period; bad = levels 1–2. Ratings
    taken out on appeal (``excluded``) count nowhere.
    """
    lower, upper = day_span(start, end)
    closed = Q(state__in=("refused", "withdrawn"))
    completed_in = Q(completed_at__gte=lower, completed_at__lt=upper)
    accepted_in = Q(accepted_at__gte=lower, accepted_at__lt=upper)
    cases = (
        RemoteCase.objects.filter(center_id=center_id)
        .values("remote_id")
        .annotate(
            cases_accepted=Count("id", filter=accepted_in),
            completed_of_accepted=Count(
                "id", filter=accepted_in & Q(completed_at__isnull=False, completed_at__lt=upper)
            ),
            cases_completed=Count("id", filter=completed_in),
            overdue_completed=Count(
                "id", filter=completed_in & Q(completed_at__date__gt=F("due_date"))
            ),
            overdue_open=Count(
                "id",
                filter=Q(accepted_at__lt=upper, due_date__lt=late_if_due_before(end))
                & (Q(completed_at__isnull=True) | Q(completed_at__gte=upper))
                & ~closed,
            ),
        )
    )
    ratings = (
        RemoteRating.objects.filter(
            center_id=center_id, rated_at__gte=lower, rated_at__lt=upper, excluded=False
        )
        .values("remote_id")
        .annotate(
            ratings=Count("id"),
            good=Count("id", filter=Q(level__gte=3)),
            bad_ratings=Count("id", filter=Q(level__lte=2)),
        )
    )
    figures: dict[int, dict] = {
        r.pk: {
            "cases_accepted": 0,
            "cases_completed": 0,
            "completion_rate": None,
            "overdue": 0,
            "ratings": 0,
            "good_rate": None,
            "bad_ratings": 0,
        }
        for r in RemoteCenter.objects.filter(center_id=center_id)
    }
    for row in cases:
        figures[row["remote_id"]].update(
            cases_accepted=row["cases_accepted"],
            cases_completed=row["cases_completed"],
            completion_rate=_rate(row["completed_of_accepted"], row["cases_accepted"]),
            overdue=row["overdue_completed"] + row["overdue_open"],
        )
    for row in ratings:
        figures[row["remote_id"]].update(
            ratings=row["ratings"],
            good_rate=_rate(row["good"], row["ratings"]),
            bad_ratings=row["bad_ratings"],
        )
    return figures


@dataclass(frozen=True)
class RankedCenter:
    rank: int
    remote: RemoteCenter
    figures: dict


def province_ranking(
    *, center_id: int, start: dt.date, end: dt.date, order_by: str = "completion_rate"
) -> list[RankedCenter]:
    """The remote centres ranked on one figure (missing values last; ties share a rank)."""
    if order_by not in FIGURE_HIGHER_IS_BETTER:
        raise ValueError(order_by)
    figures = remote_figures(center_id=center_id, start=start, end=end)
    remotes = {r.pk: r for r in RemoteCenter.objects.filter(pk__in=figures)}
    sign = -1 if FIGURE_HIGHER_IS_BETTER[order_by] else 1

    def key(pk: int) -> tuple:
        value = figures[pk][order_by]
        return (value is None, sign * (value or 0), remotes[pk].region_code)

    ranked: list[RankedCenter] = []
    previous = None
    for position, pk in enumerate(sorted(figures, key=key), start=1):
        value = figures[pk][order_by]
        rank = ranked[-1].rank if ranked and value == previous else position
        ranked.append(RankedCenter(rank=rank, remote=remotes[pk], figures=figures[pk]))
        previous = value
    return ranked
