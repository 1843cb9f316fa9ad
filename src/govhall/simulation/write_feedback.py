"""Ratings (好差评), rectifications, complaints and assisted services for a simulated month
(govhall.feedback models, written in bulk).

A served ticket is invited to be rated when its window's staff member presses the pad (each has
their own habit, `profiles.INVITING_HABIT`), an online case completed when its department's
system sends the SMS; the invitation rate (seed 000: 94%) is the outcome of those. A share of
the invited rate the service, mostly 非常满意 / 满意, a few bad, some by real name. A bad rating
opens its rectification, closed within the centre's limit after a callback that reaches only a
real-name rater, and every rating has its event and its (acknowledged) outbox row, as
`feedback.services` writes them.
"""

import datetime as dt
import math
import random
from dataclasses import dataclass

from govhall.cases.models import Case
from govhall.core import bulk
from govhall.core.models import OutboxEvent
from govhall.core.workdays import Calendar
from govhall.feedback.models import (
    AssistRecord,
    Channel,
    Complaint,
    ComplaintEvent,
    Evaluation,
    EvaluationEvent,
    Invitation,
    Rectification,
    RectificationEvent,
)
from govhall.feedback.selectors import feedback_settings
from govhall.feedback.services import new_rectification, rating_outbox
from govhall.simulation import profiles, rows
from govhall.simulation.profiles import Scale
from govhall.simulation.world import World, person_name
from govhall.simulation.write_queue import WrittenTicket

ASSIST_KINDS = {
    "home": AssistRecord.Kind.HOME_VISIT,
    "after_hours": AssistRecord.Kind.AFTER_HOURS,
    "coaching": AssistRecord.Kind.COACHING,
    "weekend": AssistRecord.Kind.WEEKEND,
}
COMPLAINTS = [
    "窗口人员业务不熟,来回跑了两趟",
    "头天排号第二天不能用",
    "办事指南上的材料和窗口要求不一致",
    "咨询电话一直无人接听",
    "等候时间过长,窗口开得太少",
    "工作人员态度生硬",
]


@dataclass
class FeedbackMonth:
    invitations: int = 0
    ratings: int = 0
    bad: int = 0
    complaints: int = 0
    assists: int = 0


def _level(rng: random.Random, scale: Scale) -> int:
    roll = rng.random()
    if roll < scale.bad_rating_share:
        return 2 if rng.random() < 0.7 else 1
    roll = rng.random()
    acc = 0.0
    for level, share in profiles.RATING_LEVELS.items():
        acc += share
        if roll < acc:
            return level
    return 3


def write_feedback(
    world: World,
    served: list[WrittenTicket],
    completed_cases: list[Case],
    *,
    horizon: dt.datetime,
    scale: Scale,
    cal: Calendar,
    rng: random.Random,
) -> FeedbackMonth:
    center = world.center
    conf = feedback_settings(center_id=center.pk)
    valid_for = dt.timedelta(days=conf.invitation_valid_days)
    departments = {d.pk: d for d in world.departments}
    windows = {w.pk: w for w in world.windows}
    month = FeedbackMonth()
    habit = _habits(world, rng)
    linked = {d.pk for d in world.departments if rng.random() < profiles.LINKED_DEPARTMENT_SHARE}
    invitations: list[Invitation] = []
    evaluations: list[Evaluation] = []
    for t in served:
        if rng.random() >= habit[t.staff.pk]:
            continue
        inv = rows.new(
            Invitation,
            center=center,
            source=Invitation.Source.TICKET,
            channel=Channel.PAD,
            ticket_id=t.pk,
            department_id=t.staff.department_id,
            window_id=t.window_id,
            staff=t.staff,
            invited_by_id=t.staff.user_id,
            created_at=t.finished_at,
            expires_at=t.finished_at + valid_for,
        )
        invitations.append(inv)
        if rng.random() < profiles.RATING_RESPONSE:
            rated = t.finished_at + dt.timedelta(seconds=rng.randint(5, 90))
            inv.used_at = rated
            real_name = rng.random() < profiles.REAL_NAME_SHARE
            evaluations.append(
                rows.new(
                    Evaluation,
                    center=center,
                    level=_level(rng, scale),
                    channel=Channel.PAD if rng.random() < 0.85 else Channel.QR,
                    invitation=inv,
                    ticket_id=t.pk,
                    department=departments[t.staff.department_id],
                    window=windows[t.window_id],
                    staff=t.staff,
                    rated_at=rated,
                    rater_name=person_name(rng) if real_name else "",
                    rater_phone=rows.phone(rng) if real_name else "",
                )
            )
            evaluations[-1].ticket_number = t.number
    for case in completed_cases:
        if case.channel == Case.Channel.WINDOW or case.department_id not in linked:
            continue
        inv = rows.new(
            Invitation,
            center=center,
            source=Invitation.Source.CASE,
            channel=Channel.SMS,
            case=case,
            department_id=case.department_id,
            created_at=case.completed_at,
            expires_at=case.completed_at + valid_for,
            rater_phone=case.phone,
        )
        invitations.append(inv)
        rated = case.completed_at + dt.timedelta(minutes=rng.randint(5, 3 * 24 * 60))
        if rng.random() < profiles.RATING_RESPONSE and rated <= horizon:
            inv.used_at = rated
            evaluations.append(
                rows.new(
                    Evaluation,
                    center=center,
                    level=_level(rng, scale),
                    channel=Channel.SMS,
                    invitation=inv,
                    case=case,
                    department=departments[case.department_id],
                    rated_at=rated,
                    rater_name=case.applicant_name,
                    rater_phone=case.phone,
                )
            )
            evaluations[-1].ticket_number = ""
    bulk.insert(Invitation, invitations)
    for e in evaluations:
        e.invitation_id = e.invitation.pk
    bulk.insert(Evaluation, evaluations)
    bulk.insert(
        EvaluationEvent,
        (
            rows.new(
                EvaluationEvent,
                center=center,
                evaluation=e,
                kind=EvaluationEvent.Kind.CREATED,
                at=e.rated_at,
                details={"level": e.level, "channel": e.channel},
            )
            for e in evaluations
        ),
    )
    bulk.insert(OutboxEvent, (_outbox(e) for e in evaluations), keep_timestamps=True)
    month.invitations, month.ratings = len(invitations), len(evaluations)
    bad = [e for e in evaluations if e.is_bad]
    month.bad = len(bad)
    _rectifications(world, bad, conf.rectification_days, horizon, cal, rng)
    month.complaints = _complaints(world, horizon, scale, cal, conf.complaint_days, rng)
    month.assists = _assists(world, horizon, scale, cal, rng)
    return month


def _habits(world: World, rng: random.Random) -> dict[int, float]:
    """Each staff member's chance of inviting a rating after a service."""
    out = {}
    for person in world.staff:
        lax = rng.random() < profiles.LAX_STAFF_SHARE
        out[person.pk] = rng.betavariate(*(profiles.LAX_HABIT if lax else profiles.INVITING_HABIT))
    return out


def _outbox(e: Evaluation) -> OutboxEvent:
    e.ticket = None  # rating_payload reads the ticket's number only
    row = rating_outbox(e, "created")
    row["payload"]["ticket_number"] = e.ticket_number
    return rows.sent_outbox(e.center_id, row, e.rated_at)


def _rectifications(world, bad, days, horizon, cal, rng) -> None:
    lead = {d.pk: d.lead_id for d in world.departments}
    rects, events = [], []
    for e in bad:
        opened_on = e.rated_at.astimezone(rows.LOCAL).date()
        due = cal.add_workdays(opened_on, days)
        r = new_rectification(e, due)
        actor = lead.get(e.department_id)
        steps = [(RectificationEvent.Kind.OPENED, e.rated_at, {"deadline": str(due.date)})]
        verified = e.rated_at + dt.timedelta(hours=rng.randint(2, 30))
        if verified <= horizon:
            r.valid = rng.random() < 0.6
            r.verify_reason = "经核实,情况属实" if r.valid else "经核实,系群众误解政策"
            r.status = Rectification.Status.VERIFIED
            steps.append((RectificationEvent.Kind.VERIFIED, verified, {"valid": r.valid}))
            closed = verified + dt.timedelta(days=rng.randint(1, 12))
            if closed <= horizon:
                r.measures = "已对窗口人员开展业务培训并当面致歉" if r.valid else "已向群众解释说明"
                # Only a real-name rater can be called back; an anonymous one is not reached.
                r.callback_reached = bool(e.rater_phone)
                if r.callback_reached:
                    r.callback_satisfaction = rng.choice(["satisfied", "satisfied", "basically"])
                    r.callback_note = "电话回访,群众表示认可"
                else:
                    r.callback_note = "匿名评价,无法回访"
                r.status = Rectification.Status.CLOSED
                r.closed_at = closed
                steps += [
                    (RectificationEvent.Kind.RECTIFIED, closed - dt.timedelta(hours=3), {}),
                    (
                        RectificationEvent.Kind.CALLED_BACK,
                        closed - dt.timedelta(hours=1),
                        {"reached": r.callback_reached, "satisfaction": r.callback_satisfaction},
                    ),
                    (RectificationEvent.Kind.CLOSED, closed, {}),
                ]
        rects.append(r)
        events.append([(k, at, actor, d) for k, at, d in steps])
    bulk.insert(Rectification, rects)
    bulk.insert(
        RectificationEvent,
        (
            RectificationEvent(
                center_id=r.center_id,
                rectification=r,
                kind=k,
                at=at,
                actor_id=actor if k != RectificationEvent.Kind.OPENED else None,
                details=d,
            )
            for r, steps in zip(rects, events, strict=True)
            for k, at, actor, d in steps
        ),
    )


def _complaints(world, horizon, scale, cal, days, rng) -> int:
    center = world.center
    first = horizon.date().replace(day=1)
    count = max(0, round(rng.gauss(scale.complaints_per_month, scale.complaints_per_month**0.5)))
    staff_at = list(world.window_staff.items())
    complaints, timelines = [], []
    for n in range(count):
        day = first + dt.timedelta(days=rng.randrange(horizon.day))
        received = rows.at(day, rng.randint(9 * 3600, 17 * 3600))
        window_id, staff = rng.choice(staff_at)
        due = cal.add_workdays(day, days)
        c = Complaint(
            center=center,
            number=f"TS{day:%Y%m%d}S{n + 1:05d}",
            channel=rng.choice(Complaint.Channel.values),
            received_at=received,
            complainant_name=person_name(rng),
            complainant_phone=rows.phone(rng),
            content=rng.choice(COMPLAINTS),
            department_id=staff.department_id,
            window_id=window_id,
            staff=staff,
            deadline=due.date,
            deadline_provisional=due.provisional,
        )
        steps = [(ComplaintEvent.Kind.RECEIVED, received, None, {"channel": c.channel})]
        resolved = received + dt.timedelta(days=rng.randint(1, 6))
        if resolved <= horizon:
            c.valid = rng.random() < 0.4
            c.deduction = rng.choice([1, 2]) if c.valid else 0
            c.resolution = "已责成窗口单位整改并答复反映人" if c.valid else "经核实不属实,已解释"
            c.status = Complaint.Status.CLOSED
            c.resolved_at = resolved
            c.closed_at = resolved + dt.timedelta(days=1)
            c.callback_reached = True
            c.satisfaction = "satisfied"
            c.assignee_id = world.departments[0].lead_id
            steps += [
                (ComplaintEvent.Kind.ASSIGNED, received + dt.timedelta(hours=1), c.assignee_id, {}),
                (ComplaintEvent.Kind.RESOLVED, resolved, c.assignee_id, {"valid": c.valid}),
                (
                    ComplaintEvent.Kind.CALLED_BACK,
                    c.closed_at - dt.timedelta(hours=2),
                    c.assignee_id,
                    {},
                ),
                (ComplaintEvent.Kind.CLOSED, c.closed_at, c.assignee_id, {}),
            ]
            if c.closed_at > horizon:
                c.status, c.closed_at = Complaint.Status.RESOLVED, None
                steps = steps[:3]
        complaints.append(c)
        timelines.append(steps)
    bulk.insert(Complaint, complaints)
    bulk.insert(
        ComplaintEvent,
        (
            ComplaintEvent(center=center, complaint=c, kind=k, at=at, actor_id=actor, details=d)
            for c, steps in zip(complaints, timelines, strict=True)
            for k, at, actor, d in steps
        ),
    )
    return len(complaints)


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth's product of uniforms; the means here are small)."""
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _assists(world, horizon, scale, cal, rng) -> int:
    """Assisted services: each of the busiest `scale.assisting_units` units gives each kind at
    its rate per working day (weekend services per rest day), on the day they happen."""
    center = world.center
    first = horizon.date().replace(day=1)
    days = [first + dt.timedelta(days=k) for k in range(horizon.day)]
    units = world.departments[: min(scale.assisting_units, len(world.departments))]
    staff_of = {}
    for s in world.staff:
        staff_of.setdefault(s.department_id, s)
    records = []
    for day in days:
        for key, rate in scale.assist_rates.items():
            if (key == "weekend") == cal.is_workday(day):
                continue
            for dept in units:
                staff = staff_of.get(dept.pk)
                records.extend(
                    AssistRecord(
                        center=center,
                        kind=ASSIST_KINDS[key],
                        department=dept,
                        staff=staff,
                        date=day,
                        beneficiary=person_name(rng),
                        count=1,
                        recorded_by_id=staff.user_id if staff else None,
                        created_at=rows.at(day, 17 * 3600 + 40 * 60),
                    )
                    for _k in range(_poisson(rng, rate))
                )
    bulk.insert(AssistRecord, records, keep_timestamps=True)
    return len(records)
