"""A day in the hall as a discrete-event simulation (SimPy): people arrive, take a ticket, wait
for a window of their line, are called, served and leave; windows pause now and then.

Pure Python over plain ids (no database): `simulate_day` returns what happened, and the
writers turn it into rows. Times are seconds since local midnight. The waits are what the
queue produced, so the figures computed from them (average wait, share within 10 minutes) and
the predicted waits compared with them are those of a real queue, not drawn at random.
"""

import heapq
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
class Shift:
    """A window's staff member logged in from `start` to `end` (from the day's roster); an
    early end closes the window even with people in line, any other after the line is empty."""

    window_id: int
    start: float
    end: float
    early: bool = False


@dataclass
class LoginRecord:
    window_id: int
    opened: float
    closed: float


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
    logins: list[LoginRecord] = field(default_factory=list)
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


@dataclass
class _Waiter:
    ticket: TicketRecord
    rank: int  # calling order: 0 green channel, 1 checked-in appointment, 2 the rest
    gone: bool = False  # gave up (cancelled) before being called
    called: bool = False


class _Line:
    """One line's state in the hall: who waits, in calling order, and which windows are idle.

    Each window takes the next person itself (a heap pop), and a person who arrives wakes one
    idle window of the line: every step costs the same however many windows the hall has."""

    def __init__(self) -> None:
        self.waiting: list[tuple[int, float, int, _Waiter]] = []
        self.counts = [0, 0, 0]  # people waiting per rank
        self.idle: dict[int, simpy.Event] = {}  # window → the event that wakes it
        self.open = 0  # windows logged in and not paused
        self.recent: deque[float] = deque(maxlen=profiles.PREDICTION_SAMPLE)

    def push(self, waiter: _Waiter, order: int) -> None:
        heapq.heappush(self.waiting, (waiter.rank, waiter.ticket.issued, order, waiter))
        self.counts[waiter.rank] += 1
        if self.idle:
            window = next(iter(self.idle))
            self.idle.pop(window).succeed()

    def pop(self) -> _Waiter | None:
        while self.waiting:
            waiter = heapq.heappop(self.waiting)[3]
            if waiter.gone:
                continue
            self.counts[waiter.rank] -= 1
            waiter.called = True
            return waiter
        return None


class _Hall:
    def __init__(
        self,
        lines: list[Line],
        shifts: dict[int, list[Shift]],
        rng: random.Random,
        predictor: Predictor | None,
    ) -> None:
        self.env = simpy.Environment(initial_time=SESSIONS[0][0] - 15 * 60)
        self.lines = lines
        self.rng = rng
        self.predictor = predictor
        self.result = DayResult()
        self.seq = [0] * len(lines)
        self.state = [_Line() for _ in lines]
        self.logged_in: dict[int, float] = {}
        self.arrived = 0
        for index, line in enumerate(lines):
            for w in line.window_ids:
                if shifts.get(w):
                    self.env.process(self.window_process(index, w, shifts[w], self._pauses()))

    def _pauses(self) -> deque[float]:
        """When a window's staff member means to step out (taken once the counter is free)."""
        count = sum(1 for _ in range(3) if self.rng.random() < profiles.PAUSES_PER_WINDOW_DAY / 3)
        return deque(
            sorted(
                self.rng.uniform(SESSIONS[0][0] + 1800, SESSIONS[-1][1] - 1800)
                for _ in range(count)
            )
        )

    def window_process(
        self, line_index: int, window: int, shifts: list[Shift], pauses: deque[float]
    ):
        """A window is open while its staff member is logged in: it calls the next person of its
        line whenever its counter is free; its staff member logs out after the person at the
        counter, and at the end of a session only once nobody waits for the line."""
        env, line = self.env, self.state[line_index]
        for shift in shifts:
            if env.now < shift.start:
                yield env.timeout(shift.start - env.now)
            while pauses and pauses[0] < env.now:
                pauses.popleft()  # meant for while the window was closed
            self.logged_in[window] = env.now
            line.open += 1
            while not (shift.early and env.now >= shift.end):
                if pauses and pauses[0] <= env.now:
                    pauses.popleft()
                    yield from self.pause(line, window)
                    continue
                waiter = line.pop()
                if waiter is not None:
                    yield from self.serve(line_index, window, waiter.ticket)
                    continue
                if env.now >= shift.end:
                    break
                wake = env.event()
                line.idle[window] = wake
                deadline = min(shift.end, pauses[0]) if pauses else shift.end
                yield wake | env.timeout(deadline - env.now)
                line.idle.pop(window, None)
            line.open -= 1
            self.result.logins.append(LoginRecord(window, self.logged_in.pop(window), env.now))

    def serve(self, line_index: int, window: int, ticket: TicketRecord):
        env, rng = self.env, self.rng
        ticket.called = env.now
        ticket.window_id = window
        if rng.random() < profiles.NO_SHOW_SHARE:
            ticket.recalls = 2
            yield env.timeout(profiles.RECALL_SECONDS)
            ticket.outcome = "no_show"
            ticket.finished = env.now
            return
        if rng.random() < 0.06:
            ticket.recalls = 1
        yield env.timeout(rng.uniform(*profiles.WALK_SECONDS))
        ticket.started = env.now
        mean = self.lines[line_index].handling_mean_s[ticket.item_id]
        sigma = 0.75
        handling = rng.lognormvariate(math.log(mean) - sigma**2 / 2, sigma)
        yield env.timeout(max(30.0, handling))
        ticket.finished = env.now
        ticket.outcome = "done"
        self.state[line_index].recent.appendleft(ticket.finished - ticket.called)

    def pause(self, line: _Line, window: int):
        env, rng = self.env, self.rng
        line.open -= 1
        reason = rng.choices(
            ["break", "meeting", "business", "consult", "equipment"],
            [0.55, 0.12, 0.12, 0.15, 0.06],
        )[0]
        started = env.now
        yield env.timeout(rng.uniform(4, 18) * 60)
        self.result.pauses.append(PauseRecord(window, started, env.now, reason))
        line.open += 1

    # --- people ----------------------------------------------------------------------------

    def arrivals_process(self, walk_ins: float):
        """Non-homogeneous Poisson arrivals by thinning against the peak hourly rate."""
        peak_per_s = walk_ins * PEAK_RATE / MEAN_RATE / OPEN_SECONDS
        env = self.env
        yield env.timeout(SESSIONS[0][0] - env.now)
        while env.now < SESSIONS[-1][1]:
            yield env.timeout(self.rng.expovariate(peak_per_s))
            if self.rng.random() * PEAK_RATE < _rate_at(env.now):
                self.arrive(self._pick_line(), appointment=None)

    def book(self, line: int, slot: float) -> None:
        """A checked-in appointment: the person comes up to 20 minutes before the slot."""
        at = max(0.0, slot - self.rng.uniform(0, 20 * 60) - self.env.now)
        self.env.timeout(at).callbacks.append(lambda _e: self.arrive(line, appointment=slot))

    def _pick_line(self) -> int:
        return self.rng.choices(range(len(self.lines)), [ln.demand for ln in self.lines])[0]

    def arrive(self, line_index: int, appointment: float | None) -> None:
        """A person takes a ticket and joins the line; they give up after their patience."""
        env, rng = self.env, self.rng
        line = self.lines[line_index]
        state = self.state[line_index]
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
        waiter = _Waiter(ticket, rank=0 if reason else (1 if appointment is not None else 2))
        if self.predictor is not None:
            ticket.predicted_wait = self.predictor(
                people_ahead=sum(state.counts[: waiter.rank + 1]),
                handling_seconds=list(state.recent),
                windows_open=state.open,
            )
        patience = profiles.MIN_PATIENCE_S + rng.expovariate(1 / profiles.MEAN_PATIENCE_S)
        self.arrived += 1
        state.push(waiter, self.arrived)
        env.timeout(patience).callbacks.append(lambda _e: self.give_up(state, waiter))

    def give_up(self, state: _Line, waiter: _Waiter) -> None:
        if waiter.called or waiter.gone:
            return
        waiter.gone = True
        state.counts[waiter.rank] -= 1
        waiter.ticket.outcome = "cancelled"
        waiter.ticket.finished = self.env.now


def simulate_day(
    lines: list[Line],
    *,
    arrivals: float,
    shifts: dict[int, list[Shift]],
    rng: random.Random,
    predictor: Predictor | None = None,
) -> DayResult:
    """One working day with `arrivals` expected walk-in and appointment tickets, served at the
    windows their staff opened (`shifts`, from the day's roster)."""
    hall = _Hall(lines, shifts, rng, predictor)
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
        hall.book(line, slot)
    hall.env.run(until=DAY_END)
    for window, opened in hall.logged_in.items():  # still serving the line at closing time
        hall.result.logins.append(LoginRecord(window, opened, DAY_END))
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
