"""Who comes to work on a simulated day, and when (the roster the hall and attendance share).

Every assigned staff member is expected on a working day (the attendance app's rule). Each is
drawn on leave (the whole day), absent (缺勤, rarely), or present for each session with an
arrival and a departure, now and then late or leaving early. A window's staff member opens
their window when they arrive and closes it when they leave; in between they may register a
temporary absence (临时外出登记, not a violation) or step away without one (空岗). The hall
runs on these shifts, so the windows that serve are those the roster staffed, and attendance
derives lateness, early leave and 空岗 from the same moments (the terminal logins).

Times are seconds since local midnight, as in `hall`.
"""

import random
from dataclasses import dataclass, field

from govhall.simulation import profiles
from govhall.simulation.hall import SESSIONS, Shift
from govhall.simulation.world import World


@dataclass
class StaffDay:
    staff_id: int
    window_id: int | None  # the window they open, None for the back office
    leave: bool = False
    absent: bool = False
    attendance: list[tuple[float, float]] = field(default_factory=list)  # per session
    shifts: list[Shift] = field(default_factory=list)  # logged in at the window
    outings: list[tuple[float, float]] = field(default_factory=list)  # registered absences


def _minutes(rng: random.Random, low: float, high: float) -> float:
    return rng.uniform(low, high) * 60


def _session(rng: random.Random, start: float, end: float) -> tuple[float, float]:
    """Arrival and departure for one session: a few minutes early and late, or not."""
    if rng.random() < profiles.LATE_SHARE:
        arrive = start + _minutes(rng, 6, 30)
    else:
        arrive = start - _minutes(rng, 1, 12)
    if rng.random() < profiles.EARLY_LEAVE_SHARE:
        leave = end - _minutes(rng, 6, 30)
    else:
        leave = end + _minutes(rng, 0, 4)
    return arrive, leave


def _away(rng: random.Random, arrive: float, leave: float) -> tuple[float, float] | None:
    """A stretch away from the window inside [arrive, leave], or None when too short for one."""
    length = _minutes(rng, 15, 50)
    if leave - arrive < length + 30 * 60:
        return None
    start = rng.uniform(arrive + 15 * 60, leave - length - 15 * 60)
    return start, start + length


def plan_day(world: World, rng: random.Random) -> list[StaffDay]:
    """The day of every staff member of `world`, drawn from the profile's shares."""
    window_of = {s.pk: w for w, s in world.window_staff.items()}
    days = []
    for person in world.staff:
        day = StaffDay(staff_id=person.pk, window_id=window_of.get(person.pk))
        days.append(day)
        if rng.random() < profiles.LEAVE_SHARE:
            day.leave = True
            continue
        if rng.random() < profiles.ABSENT_SHARE:
            day.absent = True
            continue
        for start, end in SESSIONS:
            arrive, leave = _session(rng, start, end)
            day.attendance.append((arrive, leave))
            if day.window_id is None:
                continue
            early = leave < end
            roll = rng.random()
            gap = None
            if roll < profiles.OUTING_SHARE + profiles.AWAY_SHARE:
                gap = _away(rng, arrive, leave)
            if gap is None:
                day.shifts.append(Shift(day.window_id, arrive, leave, early))
                continue
            if roll < profiles.OUTING_SHARE:
                day.outings.append(gap)
            day.shifts.append(Shift(day.window_id, arrive, gap[0], early=True))
            day.shifts.append(Shift(day.window_id, gap[1], leave, early))
    return days


def shifts_by_window(days: list[StaffDay]) -> dict[int, list[Shift]]:
    out: dict[int, list[Shift]] = {}
    for day in days:
        for shift in day.shifts:
            out.setdefault(shift.window_id, []).append(shift)
    for shifts in out.values():
        shifts.sort(key=lambda s: s.start)
    return out
