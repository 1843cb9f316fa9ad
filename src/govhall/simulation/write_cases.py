"""Cases (办件) for a simulated month: from the hall's served tickets and from online
applications, each with its timeline up to the end of the month (govhall.cases models).

Outcomes follow the seeds: nearly every case is completed within its promised limit, a few
are overdue, some need a correction (补正, clock stopped), are accepted with missing materials
(容缺) or by commitment (告知承诺); a few are refused or withdrawn. Deadlines come from the
cases app's own arithmetic (`govhall.cases.deadlines`) over the working-day calendar, and
every event has its outbox row (acknowledged: the month has been pushed upstream).
"""

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field

from govhall.cases import deadlines
from govhall.cases.models import Case, CaseEvent, ClockStop
from govhall.cases.selectors import case_settings
from govhall.cases.services import case_outbox, next_numbers
from govhall.catalog.models import ServiceItem
from govhall.core import bulk
from govhall.core.models import OutboxEvent
from govhall.core.workdays import Calendar
from govhall.org.models import StaffProfile
from govhall.simulation import names, rows
from govhall.simulation.profiles import Scale
from govhall.simulation.world import World, person_name, uscc
from govhall.simulation.write_queue import WrittenTicket

State = Case.State
Event = CaseEvent.Type


@dataclass
class Application:
    """One application about to become a case: where and when it came in."""

    item: ServiceItem
    at: dt.datetime  # accepted at the window, or submitted online
    channel: str
    window_id: int | None = None
    staff: StaffProfile | None = None
    ticket_id: int | None = None  # the served ticket a window case was opened from


@dataclass
class CasesMonth:
    cases: int = 0
    events: int = 0
    completed: list[Case] = field(default_factory=list)


def applications_from_tickets(
    world: World, served: list[WrittenTicket], scale: Scale, rng: random.Random
) -> list[Application]:
    items = {i.pk: i for i in world.items}
    apps = []
    for t in served:
        if rng.random() >= scale.window_case_share:
            continue  # a consultation: served, no case opened
        count = 2 if rng.random() < 0.04 else 1
        for k in range(count):
            apps.append(
                Application(
                    item=items[t.item_id],
                    at=t.finished_at - dt.timedelta(seconds=15 * (count - k)),
                    channel=Case.Channel.WINDOW,
                    window_id=t.window_id,
                    staff=t.staff,
                    ticket_id=t.pk,
                )
            )
    return apps


def online_applications(
    world: World, days: list[dt.date], workdays: int, scale: Scale, rng: random.Random
) -> list[Application]:
    """Online and mobile applications, any day and hour (fewer at night and on rest days)."""
    entered = {d.pk for d in world.departments if d.entered}
    online_items = [i for i in world.items if i.online and i.department_id in entered]
    weights = [
        world.department_weight[i.department_id] * world.item_weight[i.pk] for i in online_items
    ]
    total = int(rng.gauss(scale.online_cases_per_workday * workdays, 1 + workdays))
    hours = [0.2] * 7 + [1, 2, 3, 3, 2, 2, 3, 3, 3, 2, 2, 2, 2, 1.5, 1, 0.6, 0.3]
    apps = []
    for item in rng.choices(online_items, weights, k=max(total, 0)) if online_items else []:
        day = rng.choice(days)
        hour = rng.choices(range(24), hours)[0]
        apps.append(
            Application(
                item=item,
                at=rows.at(day, hour * 3600 + rng.randrange(3600)),
                channel=Case.Channel.ONLINE if rng.random() < 0.7 else Case.Channel.MOBILE,
            )
        )
    return apps


def _office_time(cal: Calendar, day: dt.date, rng: random.Random) -> dt.datetime:
    """A moment of working hours on `day`, or on the next working day if it is a rest day."""
    if not cal.is_workday(day):
        day = cal.next_workday(day)
    return rows.at(day, rng.choice([9, 10, 11, 14, 15, 16]) * 3600 + rng.randrange(3600))


class _Timeline:
    def __init__(self, case: Case) -> None:
        self.case = case
        self.events: list[CaseEvent] = []
        self.state = ""

    def add(self, kind: str, at: dt.datetime, to: str, actor_id: int | None, **details) -> None:
        self.events.append(
            rows.new(
                CaseEvent,
                center_id=self.case.center_id,
                type=kind,
                at=at,
                from_state=self.state,
                to_state=to,
                actor_id=actor_id,
                details=details,
            )
        )
        self.state = to


def write_cases(
    world: World,
    apps: list[Application],
    *,
    horizon: dt.datetime,
    scale: Scale,
    cal: Calendar,
    rng: random.Random,
) -> CasesMonth:
    """Turn applications into cases with their events, as they stand at `horizon`."""
    center = world.center
    settings = case_settings(center_id=center.pk)
    region = center.region_code
    apps.sort(key=lambda a: a.at)
    per_day = Counter(app.at.astimezone(rows.LOCAL).date() for app in apps)
    numbers = {day: iter(next_numbers(center, day, n)) for day, n in sorted(per_day.items())}
    departments = {d.pk: d for d in world.departments}
    cases: list[Case] = []
    timelines: list[_Timeline] = []
    stops: list[ClockStop] = []
    for app in apps:
        item = app.item
        on = app.at.astimezone(rows.LOCAL).date()
        person = rng.random() < 0.78
        office = world.back_office.get(item.department_id) or ([app.staff] if app.staff else [])
        approver = rng.choice(office) if office else None
        case = rows.new(
            Case,
            center=center,
            number=next(numbers[on]),
            item=item,
            department=departments[item.department_id],
            applicant_type=Case.ApplicantType.PERSON if person else Case.ApplicantType.COMPANY,
            applicant_name=person_name(rng) if person else _company(rng),
            id_number=rows.id_number(rng, region) if person else "",
            uscc="" if person else uscc(rng.randrange(10**8), region),
            phone=rows.phone(rng),
            channel=app.channel,
            window_id=app.window_id,
            ticket_id=app.ticket_id,
            limit_days=item.limit_days,
            materials_received=[],
        )
        case.center = center
        line = _Timeline(case)
        accepted_at = app.at
        if app.channel != Case.Channel.WINDOW:
            case.submitted_at = app.at
            line.add(Event.SUBMITTED, app.at, State.SUBMITTED, None)
            accepted_at = _office_time(cal, on + dt.timedelta(days=rng.randint(0, 1)), rng)
            accepted_at = max(accepted_at, app.at + dt.timedelta(minutes=20))
            if accepted_at > horizon:
                _finish(case, line, horizon)
                cases.append(case)
                timelines.append(line)
                continue
        acceptor = app.staff or approver
        actor = acceptor.user_id if acceptor else None
        if rng.random() < 0.008:  # 不予受理
            case.state = State.REFUSED
            case.reason = "申请材料不齐全且无法当场补正"
            case.closed_at = accepted_at
            line.add(Event.REFUSED, accepted_at, State.REFUSED, actor, reason=case.reason)
            _finish(case, line, horizon)
            cases.append(case)
            timelines.append(line)
            continue
        roll = rng.random()
        case.mode = (
            Case.Mode.MISSING
            if roll < 0.03
            else Case.Mode.COMMITMENT
            if roll < 0.05
            else Case.Mode.NORMAL
        )
        case.accepted_at = accepted_at
        case.accepted_by_id = actor
        accepted_on = accepted_at.astimezone(rows.LOCAL).date()
        if case.mode == Case.Mode.MISSING:
            case.materials_missing = ["身份证明复印件"]
            case.supply_by = cal.add_workdays(accepted_on, settings.missing_supply_days).date
        if case.mode == Case.Mode.COMMITMENT:
            case.commitment_status = Case.Commitment.PENDING
        line.add(Event.ACCEPTED, accepted_at, State.ACCEPTED, actor, mode=case.mode)
        if case.mode == Case.Mode.MISSING:  # the secondary material follows within hours
            supplied = accepted_at + dt.timedelta(
                seconds=30 if item.immediate else rng.randint(1800, 4 * 3600)
            )
            if supplied <= horizon:
                case.supplied_at = supplied
                line.add(Event.MATERIALS_SUPPLIED, supplied, line.state, actor)
        case_stops: list[deadlines.Stop] = []
        decider = approver.user_id if approver else actor

        if item.immediate:
            done_at = accepted_at + dt.timedelta(minutes=rng.randint(1, 20))
        else:
            review_at = _office_time(cal, accepted_on + dt.timedelta(days=1), rng)
            if review_at <= horizon:
                line.add(Event.REVIEW_STARTED, review_at, State.IN_REVIEW, decider)
            # The back office decides after `used` working days of running clock; the day that
            # is comes from the deadline code itself, so a case is late exactly when it took more
            # than its limit (the clock stopped while a correction was awaited).
            used = max(1, round(case.limit_days * rng.uniform(0.25, 0.95)))
            if rng.random() < scale.overdue_share:
                used = case.limit_days + rng.randint(1, 3)
            asked = review_at + dt.timedelta(hours=1)
            asked_on = asked.astimezone(rows.LOCAL).date()
            if (
                rng.random() < 0.025
                and asked <= horizon
                and deadlines.elapsed_workdays(cal, accepted_on, asked_on) < used
            ):  # 补正: the clock stops until the applicant answers
                back_day = cal.add_workdays(asked_on, rng.randint(1, 4)).date
                back = _office_time(cal, back_day, rng)
                line.add(
                    Event.CORRECTION_REQUESTED,
                    asked,
                    State.CORRECTION,
                    decider,
                    reason="申请材料需补正",
                )
                stop = ClockStop(
                    center=center,
                    kind=ClockStop.Kind.CORRECTION,
                    reason="申请材料需补正",
                    resume_state=State.IN_REVIEW,
                    started_on=asked_on,
                    started_at=asked,
                )
                if back <= horizon:
                    stop.ended_on, stop.ended_at = back_day, back
                    line.add(Event.RESUBMITTED, back, State.IN_REVIEW, None)
                stops.append(stop)
                stop.case = case
                case_stops.append((stop.started_on, stop.ended_on))
            decided_on = deadlines.compute_due(cal, accepted_on, used, case_stops).due
            # Decided after the last step so far (review may start the same day).
            done_at = (
                max(
                    _office_time(cal, decided_on, rng),
                    line.events[-1].at + dt.timedelta(minutes=20),
                )
                if decided_on is not None
                else horizon + dt.timedelta(days=1)  # still awaiting the correction
            )
        deadline = deadlines.compute_due(cal, accepted_on, case.limit_days, case_stops)
        case.due_date, case.due_provisional = deadline.due, deadline.provisional
        case.yellow_from = deadlines.yellow_from(
            cal,
            deadline.due,
            deadlines.yellow_threshold(
                case.limit_days,
                on_last_day=settings.yellow_on_last_day,
                percent=settings.yellow_percent,
            ),
        )
        if rng.random() < 0.003 and done_at <= horizon:  # withdrawn before the decision
            case.state = State.WITHDRAWN
            case.closed_at = done_at
            line.add(Event.WITHDRAWN, done_at, State.WITHDRAWN, None)
        elif (
            done_at <= horizon
            and line.state != State.CORRECTION
            and (case.mode != Case.Mode.MISSING or case.supplied_at is not None)
        ):
            approved = rng.random() >= 0.01
            case.state = State.COMPLETED
            case.result = Case.Result.APPROVED if approved else Case.Result.DENIED
            case.reason = "" if approved else "不符合法定条件"
            case.decided_by_id = decider
            case.completed_at = done_at
            done_on = done_at.astimezone(rows.LOCAL).date()
            case.elapsed_workdays = deadlines.elapsed_workdays(
                cal, accepted_on, done_on, case_stops
            )
            case.completed_late = deadline.due is not None and done_on > deadline.due
            if case.commitment_status == Case.Commitment.PENDING:
                if approved:
                    case.commitment_check_by = cal.add_workdays(
                        done_on, settings.commitment_check_days
                    ).date
                else:
                    case.commitment_status = Case.Commitment.NONE
            line.add(
                Event.COMPLETED,
                done_at,
                State.COMPLETED,
                decider,
                result=case.result,
                reason=case.reason,
                late=case.completed_late,
            )
            delivered = done_at + dt.timedelta(
                minutes=rng.randint(1, 30) if item.immediate else rng.randint(60, 2 * 24 * 60)
            )
            if delivered <= horizon:
                mail = rng.random() < 0.15
                case.state = State.DELIVERED
                case.delivered_at = delivered
                case.delivery_method = Case.Delivery.MAIL if mail else Case.Delivery.WINDOW
                case.tracking_number = f"1{rng.randrange(10**12):012d}" if mail else ""
                line.add(
                    Event.DELIVERED,
                    delivered,
                    State.DELIVERED,
                    actor,
                    method=case.delivery_method,
                    tracking_number=case.tracking_number,
                )
        _finish(case, line, horizon)
        cases.append(case)
        timelines.append(line)

    for case in cases:
        case.updated_at = case.events_last_at
    bulk.insert(Case, cases, keep_timestamps=True)
    for s in stops:
        s.case_id = s.case.pk
    bulk.insert(ClockStop, stops)
    events = []
    for case, line in zip(cases, timelines, strict=True):
        for e in line.events:
            e.case_id = case.pk
            e.case = case
            events.append(e)
    bulk.insert(CaseEvent, events)
    bulk.insert(OutboxEvent, (_outbox(e) for e in events), keep_timestamps=True)
    month = CasesMonth(cases=len(cases), events=len(events))
    month.completed = [c for c in cases if c.completed_at is not None]
    return month


def _finish(case: Case, line: _Timeline, horizon: dt.datetime) -> None:
    """The case's state is that of its last event; remember when it last changed."""
    case.state = line.state
    case.events_last_at = line.events[-1].at if line.events else horizon


def _outbox(event: CaseEvent) -> OutboxEvent:
    case = event.case
    row = case_outbox(case, event)
    payload = row["payload"]
    payload["state"] = event.to_state  # as it was when the event happened
    for key, value in (("completed_at", case.completed_at), ("delivered_at", case.delivered_at)):
        if value is not None and value > event.at:
            payload[key] = None
    return rows.sent_outbox(case.center_id, row, event.at)


def _company(rng: random.Random) -> str:
    return f"{rng.choice(names.COMPANY_WORDS)}{rng.choice(names.COMPANY_KINDS)}"
