"""A day in the hall as a discrete-event simulation (SimPy): people arrive, take a ticket, wait
for a window of their line, are called, served and leave; windows pause now and then.

Pure Python over plain ids (no database): `simulate_day` returns what happened, and the
writers turn it into rows. Times are seconds since local midnight. The waits are what the
queue produced, so the figures computed from them (average wait, share within 10 minutes) and
the predicted waits compared with them are those of a real queue, not drawn at random.
"""

import math
import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import simpy

from govhall.simulation import profiles

Predictor = Callable[..., int]  # govhall.queueing.selectors.predict_wait


@dataclass
class Line:
    """A queue line (号段) for the simulation: its windows, items and share of the demand."""

    prefix: str
    window_ids: list[int]
    items: list[int]
    item_weights: list[float]
    demand: float  # share of the hall's arrivals
    handling_mean_s: dict[int, float]


@dataclass
class TicketRecord:
    line: int
    seq: int
    item_id: int
    issued: float
    priority_reason: str = ""
    appointment_slot: float | None = None  # start of the booked slot
    called: float | None = None
    started: float | None = None
    finished: float | None = None
    window_id: int | None = None
    outcome: str = "waiting"  # done / no_show / cancelled / expired
    predicted_wait: int | None = None
    recalls: int = 0


@dataclass
class PauseRecord:
    window_id: int
    started: float
    ended: float
    reason: str


@dataclass
class DayResult:
    tickets: list[TicketRecord] = field(default_factory=list)
    pauses: list[PauseRecord] = field(default_factory=list)
    open_windows: dict[int, tuple[float, float]] = field(default_factory=dict)  # id → (in, out)
    missed_appointments: list[tuple[int, int, float]] = field(default_factory=list)


def _hm(h: int, m: int = 0) -> float:
    return h * 3600 + m * 60


SESSIONS = [
    (
        _hm(profiles.MORNING[0].hour, profiles.MORNING[0].minute),
        _hm(profiles.MORNING[1].hour, profiles.MORNING[1].minute),
    ),
    (
        _hm(profiles.AFTERNOON[0].hour, profiles.AFTERNOON[0].minute),
        _hm(profiles.AFTERNOON[1].hour, profiles.AFTERNOON[1].minute),
    ),
]
OPEN_SECONDS = sum(b - a for a, b in SESSIONS)
DAY_END = SESSIONS[-1][1] + 45 * 60  # windows serve whoever is still in line, up to 45 min
SLOT_SECONDS = 30 * 60


def _rate_at(t: float) -> float:
    """Relative arrival rate at second `t` of the day (0 outside opening hours)."""
    if not any(a <= t < b for a, b in SESSIONS):
        return 0.0
    return profiles.HOURLY_ARRIVALS.get(int(t // 3600), 0.0)


def _mean_rate() -> float:
    total = 0.0
    for a, b in SESSIONS:
        t = a
        while t < b:
            step = min(b, (int(t // 3600) + 1) * 3600) - t
            total += _rate_at(t) * step
            t += step
    return total / OPEN_SECONDS


MEAN_RATE = _mean_rate()
PEAK_RATE = max(profiles.HOURLY_ARRIVALS.values())


class _Hall:
    def __init__(
        self,
        lines: list[Line],
        arrivals: float,
        rng: random.Random,
        predictor: Predictor | None,
    ) -> None:
        self.env = simpy.Environment(initial_time=SESSIONS[0][0] - 15 * 60)
        self.lines = lines
        self.rng = rng
        self.predictor = predictor
        self.result = DayResult()
        self.seq = [0] * len(lines)
        self.queues: list[simpy.PriorityResource] = []
        self.free: list[simpy.Store] = []
        self.recent: list[deque[float]] = []
        self.open_count: list[int] = []
        for line in lines:
            expected = arrivals * line.demand
            mean_service = sum(
                w * line.handling_mean_s[i]
                for i, w in zip(line.items, line.item_weights, strict=True)
            ) / sum(line.item_weights)
            busy = expected * mean_service / OPEN_SECONDS
            wanted = math.ceil(busy / profiles.TARGET_UTILISATION) if expected else 0
            opened = line.window_ids[: max(1, min(len(line.window_ids), wanted))]
            store = simpy.Store(self.env)
            store.items.extend(opened)
            self.free.append(store)
            self.queues.append(simpy.PriorityResource(self.env, capacity=len(opened)))
            self.recent.append(deque(maxlen=profiles.PREDICTION_SAMPLE))
            self.open_count.append(len(opened))
            for w in opened:
                self.result.open_windows[w] = (SESSIONS[0][0] - 10 * 60, DAY_END)

    # --- processes -------------------------------------------------------------------------

    def arrivals_process(self, walk_ins: float):
        """Non-homogeneous Poisson arrivals by thinning against the peak hourly rate."""
        peak_per_s = walk_ins * PEAK_RATE / MEAN_RATE / OPEN_SECONDS
        env = self.env
        yield env.timeout(SESSIONS[0][0] - env.now)
        while env.now < SESSIONS[-1][1]:
            yield env.timeout(self.rng.expovariate(peak_per_s))
            if self.rng.random() * PEAK_RATE < _rate_at(env.now):
                env.process(self.person(self._pick_line(), appointment=None))

    def appointments_process(self, line: int, slot: float):
        yield self.env.timeout(max(0.0, slot - self.rng.uniform(0, 20 * 60) - self.env.now))
        self.env.process(self.person(line, appointment=slot))

    def _pick_line(self) -> int:
        return self.rng.choices(range(len(self.lines)), [ln.demand for ln in self.lines])[0]

    def person(self, line_index: int, appointment: float | None):
        env, rng = self.env, self.rng
        line = self.lines[line_index]
        self.seq[line_index] += 1
        item = rng.choices(line.items, line.item_weights)[0]
        reason = ""
        if rng.random() < profiles.PRIORITY_SHARE:
            reason = rng.choice(["elderly", "elderly", "disabled", "pregnant", "serviceman"])
        ticket = TicketRecord(
            line=line_index,
            seq=self.seq[line_index],
            item_id=item,
            issued=env.now,
            priority_reason=reason,
            appointment_slot=appointment,
        )
        self.result.tickets.append(ticket)
        queue = self.queues[line_index]
        # Calling order: green channel, then checked-in appointments, then issue time.
        rank = 0 if reason else (1 if appointment is not None else 2)
        if self.predictor is not None:
            ahead = sum(1 for r in queue.queue if r.priority <= rank)
            ticket.predicted_wait = self.predictor(
                people_ahead=ahead,
                handling_seconds=list(self.recent[line_index]),
                windows_open=self.open_count[line_index],
            )
        patience = profiles.MIN_PATIENCE_S + rng.expovariate(1 / profiles.MEAN_PATIENCE_S)
        with queue.request(priority=rank) as request:
            got = yield request | env.timeout(patience)
            if request not in got:
                ticket.outcome = "cancelled"
                ticket.finished = env.now
                return
            window = yield self.free[line_index].get()
            ticket.called = env.now
            ticket.window_id = window
            if rng.random() < profiles.NO_SHOW_SHARE:
                ticket.recalls = 2
                yield env.timeout(profiles.RECALL_SECONDS)
                ticket.outcome = "no_show"
                ticket.finished = env.now
            else:
                if rng.random() < 0.06:
                    ticket.recalls = 1
                yield env.timeout(rng.uniform(*profiles.WALK_SECONDS))
                ticket.started = env.now
                mean = line.handling_mean_s[item]
                sigma = 0.75
                handling = rng.lognormvariate(math.log(mean) - sigma**2 / 2, sigma)
                yield env.timeout(max(30.0, handling))
                ticket.finished = env.now
                ticket.outcome = "done"
                self.recent[line_index].appendleft(ticket.finished - ticket.called)
            yield self.free[line_index].put(window)

    def pauses_process(self, line_index: int):
        """A window steps out now and then: it takes the next free window before anyone else."""
        env, rng = self.env, self.rng
        n = self.open_count[line_index]
        count = sum(1 for _ in range(n * 3) if rng.random() < profiles.PAUSES_PER_WINDOW_DAY / 3)
        times = sorted(
            rng.uniform(SESSIONS[0][0] + 1800, SESSIONS[-1][1] - 1800) for _ in range(count)
        )
        for at in times:
            if at > env.now:
                yield env.timeout(at - env.now)
            env.process(self.pause(line_index))

    def pause(self, line_index: int):
        env, rng = self.env, self.rng
        with self.queues[line_index].request(priority=-1) as request:
            yield request
            window = yield self.free[line_index].get()
            self.open_count[line_index] -= 1
            reason = rng.choices(
                ["break", "meeting", "business", "consult", "equipment"],
                [0.55, 0.12, 0.12, 0.15, 0.06],
            )[0]
            started = env.now
            yield env.timeout(rng.uniform(4, 18) * 60)
            self.result.pauses.append(PauseRecord(window, started, env.now, reason))
            self.open_count[line_index] += 1
            yield self.free[line_index].put(window)


def simulate_day(
    lines: list[Line],
    *,
    arrivals: float,
    rng: random.Random,
    predictor: Predictor | None = None,
) -> DayResult:
    """One working day with `arrivals` expected walk-in and appointment tickets."""
    hall = _Hall(lines, arrivals, rng, predictor)
    hall.env.process(hall.arrivals_process(arrivals * (1 - profiles.APPOINTMENT_SHARE)))
    # Appointments: booked slots spread over the sessions; a few never come.
    booked = int(rng.gauss(arrivals * profiles.APPOINTMENT_SHARE, 1 + arrivals * 0.004))
    slots = [a + k * SLOT_SECONDS for a, b in SESSIONS for k in range(int((b - a) // SLOT_SECONDS))]
    for _ in range(max(booked, 0)):
        line = hall._pick_line()
        slot = rng.choice(slots)
        if rng.random() < profiles.APPOINTMENT_NO_SHOW:
            item = rng.choices(hall.lines[line].items, hall.lines[line].item_weights)[0]
            hall.result.missed_appointments.append((line, item, slot))
            continue
        hall.env.process(hall.appointments_process(line, slot))
    for i in range(len(lines)):
        hall.env.process(hall.pauses_process(i))
    hall.env.run(until=DAY_END)
    for t in hall.result.tickets:
        if t.outcome != "waiting":
            continue
        if t.called is None:
            t.outcome = "expired"  # still in line when the windows closed
        else:
            t.outcome = "done"  # still at the window at closing: finished at the bell
            t.started = t.started or t.called
        t.finished = DAY_END
    return hall.result
