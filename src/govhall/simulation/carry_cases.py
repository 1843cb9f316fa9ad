"""The cases a centre still has open when a simulated month begins, carried on through it.

`write_cases` writes a month's cases as they stand at the month's end: some are still open
(submitted online on the last evening, accepted and not yet decided, awaiting a correction,
decided and not yet delivered). A real back office goes on with them the next month, so when
month M is simulated the cases of the centre accepted (or submitted) before M and still open
are progressed as `write_cases` would have: a submission is accepted in M's first working days,
a correction comes back within a few working days, a running case is decided after the working
days `write_cases` draws (most within the limit, the scale's overdue share late, never before
the days the clock has already run), then delivered. A case whose decision falls after M's end
stays open for the next month. Each case draws from its own generator (seed, and its number's
day and sequence), so the
same seed carries the same cases the same way. Rows go in as `write_cases` writes them (the
deadline code, the events and their acknowledged outbox rows); on an empty database nothing is
read but one query.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db.models import Max

from govhall.cases import deadlines
from govhall.cases.models import Case, CaseEvent, ClockStop
from govhall.cases.selectors import case_settings
from govhall.core import bulk
from govhall.core.models import OutboxEvent
from govhall.core.workdays import Calendar
from govhall.simulation import rows
from govhall.simulation.profiles import Scale
from govhall.simulation.world import World
from govhall.simulation.write_cases import _office_time, _outbox, _Timeline

State = Case.State
Event = CaseEvent.Type

CARRIED_STATES = (
    State.SUBMITTED,
    State.ACCEPTED,
    State.IN_REVIEW,
    State.CORRECTION,
    State.COMPLETED,
)
CASE_FIELDS = [
    "state",
    "mode",
    "accepted_at",
    "accepted_by",
    "supplied_at",
    "due_date",
    "due_provisional",
    "yellow_from",
    "result",
    "reason",
    "decided_by",
    "completed_at",
    "completed_late",
    "elapsed_workdays",
    "commitment_status",
    "commitment_check_by",
    "delivered_at",
    "delivery_method",
    "tracking_number",
    "closed_at",
    "updated_at",
]


@dataclass
class CarriedMonth:
    cases: int = 0  # open cases found at the month's start
    events: int = 0
    completed: list[Case] = field(default_factory=list)  # decided during the month


def carry_open_cases(
    world: World,
    *,
    start: dt.datetime,
    horizon: dt.datetime,
    workdays: list[dt.date],
    scale: Scale,
    cal: Calendar,
    seed: int,
) -> CarriedMonth:
    """Progress the centre's cases open at `start` (their last event before it) up to `horizon`."""
    month = CarriedMonth()
    open_cases = list(
        Case.objects.filter(center=world.center, state__in=CARRIED_STATES)
        .annotate(last_at=Max("events__at"))
        .filter(last_at__lt=start)
        .select_related("item")
        .order_by("number")
    )
    if not open_cases or not workdays:
        return month
    month.cases = len(open_cases)
    settings = case_settings(center_id=world.center.pk)
    region = world.center.region_code  # a number's day and sequence: the same for any centre
    stops_of: dict[int, list[ClockStop]] = {}
    for stop in ClockStop.objects.filter(case__in=[c.pk for c in open_cases]).order_by(
        "started_on", "pk"
    ):
        stops_of.setdefault(stop.case_id, []).append(stop)
    changed: list[Case] = []
    ended: list[ClockStop] = []
    events: list[CaseEvent] = []
    departments = {d.pk: d for d in world.departments}
    for case in open_cases:
        case.center = world.center
        if case.department_id in departments:
            case.department = departments[case.department_id]
        carrier = _Carrier(
            case,
            stops_of.get(case.pk, []),
            world=world,
            start=start,
            horizon=horizon,
            workdays=workdays,
            scale=scale,
            cal=cal,
            settings=settings,
            rng=random.Random(f"{seed}-carry-{case.number.removeprefix(region)}"),
        )
        carrier.run()
        if not carrier.line.events:
            continue
        case.state = carrier.line.state
        case.updated_at = carrier.line.events[-1].at
        changed.append(case)
        ended += carrier.ended
        for e in carrier.line.events:
            e.case = case
            events.append(e)
        if carrier.completed:
            month.completed.append(case)
    bulk.update(Case, changed, CASE_FIELDS)
    bulk.update(ClockStop, ended, ["ended_on", "ended_at"])
    bulk.insert(CaseEvent, events)
    bulk.insert(OutboxEvent, (_outbox(e) for e in events), keep_timestamps=True)
    month.events = len(events)
    return month


class _Carrier:
    """One open case, carried from `start` to `horizon`."""

    def __init__(
        self,
        case: Case,
        stops: list[ClockStop],
        *,
        world: World,
        start: dt.datetime,
        horizon: dt.datetime,
        workdays: list[dt.date],
        scale: Scale,
        cal: Calendar,
        settings,
        rng: random.Random,
    ) -> None:
        self.case, self.stops = case, stops
        self.start, self.horizon, self.workdays = start, horizon, workdays
        self.scale, self.cal, self.settings, self.rng = scale, cal, settings, rng
        self.line = _Timeline(case)
        self.line.state = case.state
        self.last = case.last_at
        self.ended: list[ClockStop] = []
        self.completed = False
        office = world.back_office.get(case.department_id) or []
        approver = rng.choice(office) if office else None
        self.decider = approver.user_id if approver else case.accepted_by_id

    # -- time
    def _soon(self, at: dt.datetime) -> dt.datetime:
        """`at`, or 20 minutes after the case's last step if that is later."""
        return max(at, self.last + dt.timedelta(minutes=20))

    def _office(self, day: dt.date) -> dt.datetime:
        return self._soon(_office_time(self.cal, max(day, self.workdays[0]), self.rng))

    def _early_workday(self, span: int) -> dt.date:
        """One of the month's first `span` working days."""
        return self.workdays[self.rng.randrange(min(span, len(self.workdays)))]

    def _add(self, kind: str, at: dt.datetime, to: str, actor_id: int | None, **details) -> bool:
        if at > self.horizon:
            return False
        self.line.add(kind, at, to, actor_id, **details)
        self.last = at
        return True

    def _stop_spans(self) -> list[deadlines.Stop]:
        return [(s.started_on, s.ended_on) for s in self.stops]

    def _refresh_deadline(self, accepted_on: dt.date) -> None:
        case = self.case
        deadline = deadlines.compute_due(
            self.cal, accepted_on, case.limit_days + case.extension_days, self._stop_spans()
        )
        case.due_date, case.due_provisional = deadline.due, deadline.provisional
        case.yellow_from = deadlines.yellow_from(
            self.cal,
            deadline.due,
            deadlines.yellow_threshold(
                case.limit_days + case.extension_days,
                on_last_day=self.settings.yellow_on_last_day,
                percent=self.settings.yellow_percent,
            ),
        )

    # -- the plan
    def _used(self, accepted_on: dt.date) -> int:
        """Working days of running clock the decision takes, as `write_cases` draws them, but
        never fewer than the clock has already run by the month's start (plus the day)."""
        rng, limit = self.rng, self.case.limit_days + self.case.extension_days
        used = max(1, round(limit * rng.uniform(0.25, 0.95)))
        late = rng.random() < self.scale.overdue_share
        if late:
            used = limit + rng.randint(1, 3)
        spent = deadlines.elapsed_workdays(
            self.cal, accepted_on, self.workdays[0] - dt.timedelta(days=1), self._stop_spans()
        )
        if used > spent:
            return used
        if not late and spent < limit:  # within the limit, as planned: on a day still left
            return rng.randint(spent + 1, limit)
        return spent + rng.randint(1, 2)

    def run(self) -> None:
        case, rng = self.case, self.rng
        actor = case.accepted_by_id or self.decider
        if case.state == State.SUBMITTED:
            accepted_at = self._soon(
                max(
                    _office_time(self.cal, self._early_workday(2), rng),
                    case.submitted_at + dt.timedelta(minutes=20),
                )
            )
            if accepted_at > self.horizon:
                return
            case.mode = Case.Mode.NORMAL
            case.accepted_at, case.accepted_by_id = accepted_at, self.decider
            actor = self.decider
            self._add(Event.ACCEPTED, accepted_at, State.ACCEPTED, actor, mode=case.mode)
            self._refresh_deadline(accepted_at.astimezone(rows.LOCAL).date())
        if case.state == State.COMPLETED:
            self._deliver(actor)
            return
        accepted_on = case.accepted_at.astimezone(rows.LOCAL).date()
        if self.line.state == State.CORRECTION and not self._resubmit(accepted_on):
            return
        if case.mode == Case.Mode.MISSING and case.supplied_at is None:
            supplied = self._office(self._early_workday(2))
            if not self._add(Event.MATERIALS_SUPPLIED, supplied, self.line.state, actor):
                return
            case.supplied_at = supplied
        if case.item.immediate:
            done_at = self._soon(self._office(self.workdays[0]))
        else:
            if self.line.state == State.ACCEPTED:
                review_at = self._office(accepted_on + dt.timedelta(days=1))
                if not self._add(Event.REVIEW_STARTED, review_at, State.IN_REVIEW, self.decider):
                    return
            used = self._used(accepted_on)
            decided_on = deadlines.compute_due(self.cal, accepted_on, used, self._stop_spans()).due
            if decided_on is None:
                return
            done_at = self._office(decided_on)
        if done_at > self.horizon:
            return
        if rng.random() < 0.003:  # withdrawn before the decision
            case.state = State.WITHDRAWN
            case.closed_at = done_at
            self._add(Event.WITHDRAWN, done_at, State.WITHDRAWN, None)
            return
        self._complete(done_at, accepted_on)
        self._deliver(actor)

    def _resubmit(self, accepted_on: dt.date) -> bool:
        stop = next((s for s in self.stops if s.ended_on is None), None)
        if stop is None:
            return False
        back_day = self.cal.add_workdays(stop.started_on, self.rng.randint(1, 4)).date
        back_day = max(back_day, self._early_workday(3))
        back = self._office(back_day)
        if not self._add(Event.RESUBMITTED, back, stop.resume_state or State.IN_REVIEW, None):
            return False
        stop.ended_on = max(back.astimezone(rows.LOCAL).date(), stop.started_on)
        stop.ended_at = back
        self.ended.append(stop)
        self._refresh_deadline(accepted_on)
        return True

    def _complete(self, done_at: dt.datetime, accepted_on: dt.date) -> None:
        case, rng = self.case, self.rng
        approved = rng.random() >= 0.01
        case.result = Case.Result.APPROVED if approved else Case.Result.DENIED
        case.reason = "" if approved else "不符合法定条件"
        case.decided_by_id = self.decider
        case.completed_at = done_at
        done_on = done_at.astimezone(rows.LOCAL).date()
        case.elapsed_workdays = deadlines.elapsed_workdays(
            self.cal, accepted_on, done_on, self._stop_spans()
        )
        case.completed_late = case.due_date is not None and done_on > case.due_date
        if case.commitment_status == Case.Commitment.PENDING:
            if approved:
                case.commitment_check_by = self.cal.add_workdays(
                    done_on, self.settings.commitment_check_days
                ).date
            else:
                case.commitment_status = Case.Commitment.NONE
        case.state = State.COMPLETED
        self._add(
            Event.COMPLETED,
            done_at,
            State.COMPLETED,
            self.decider,
            result=case.result,
            reason=case.reason,
            late=case.completed_late,
        )
        self.completed = True

    def _deliver(self, actor: int | None) -> None:
        case, rng = self.case, self.rng
        minutes = rng.randint(1, 30) if case.item.immediate else rng.randint(60, 2 * 24 * 60)
        delivered = case.completed_at + dt.timedelta(minutes=minutes)
        if delivered < self.start:  # left lying over the month's end: handed over early on
            delivered = self._office(self._early_workday(2))
        delivered = self._soon(delivered)
        mail = rng.random() < 0.15
        if not self._add(
            Event.DELIVERED,
            delivered,
            State.DELIVERED,
            actor,
            method=Case.Delivery.MAIL if mail else Case.Delivery.WINDOW,
            tracking_number=f"1{rng.randrange(10**12):012d}" if mail else "",
        ):
            return
        case.state = State.DELIVERED
        case.delivered_at = delivered
        case.delivery_method = Case.Delivery.MAIL if mail else Case.Delivery.WINDOW
        case.tracking_number = self.line.events[-1].details["tracking_number"]
