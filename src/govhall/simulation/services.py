"""`simulate_month`: a month of a hall, written through the apps' models.

The hall runs day by day as a discrete-event simulation (`hall.simulate_day`); each day's
tickets, window sessions and pauses are written at once, then the month's cases (from the
served tickets and from online applications), and the layers above them. Everything is drawn
from one seeded random generator per purpose, so the same centre, month, scale and seed give
the same rows.
"""

import datetime as dt
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps as django_apps
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.core.dates import month_span
from govhall.core.models import Center
from govhall.core.services import refresh_statistics
from govhall.core.workdays import load_calendar
from govhall.queueing.models import Ticket
from govhall.queueing.selectors import predict_wait
from govhall.simulation import (
    carry_cases,
    hall,
    rows,
    staffing,
    write_attendance,
    write_cases,
    write_feedback,
    write_queue,
)
from govhall.simulation.errors import SimulationError
from govhall.simulation.profiles import SCALES, WEEKDAY_ARRIVALS, Scale
from govhall.simulation.world import load_or_create_world

# The apps whose tables a simulated month fills.
WRITTEN_APPS = ("core", "org", "catalog", "queueing", "cases", "feedback", "attendance")


@dataclass
class Summary:
    center_id: int
    month: str
    scale: str
    seed: int
    workdays: int
    tickets: int = 0
    served: int = 0
    cases: int = 0
    case_events: int = 0
    carried: int = 0  # cases open from earlier months at the month's start
    carried_events: int = 0
    ratings: int = 0
    bad_ratings: int = 0
    complaints: int = 0
    assists: int = 0
    punches: int = 0
    attendance_records: int = 0
    mean_wait_s: float | None = None
    prediction_mae_s: float | None = None
    timings: dict[str, float] = field(default_factory=dict)  # wall seconds per phase
    # this process's CPU seconds per phase: on a machine shared with other work the wall
    # times grow with the load, these do not
    cpu_timings: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def month_days(month: dt.date) -> list[dt.date]:
    first, last = month_span(month.year, month.month)
    return [first + dt.timedelta(days=k) for k in range(last.day)]


def _world_since(month: dt.date) -> dt.datetime:
    """When a world created for `month` has stood since (its history rows): the start of the
    year before, so that the year's reports and 四减's baseline (the close of the year before)
    find the hall in place."""
    return timezone.make_aware(dt.datetime(month.year - 1, 1, 1))


def parse_month(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError as exc:
        raise SimulationError.BAD_MONTH(_("月份格式应为 YYYY-MM。")) from exc


def simulate_month(
    *,
    center: Center,
    month: dt.date,
    scale: Scale | str,
    seed: int,
    progress: Callable[[str], None] | None = None,
) -> Summary:
    """Simulate `month` (any day of it) at `center`; refuses a month that already has tickets."""
    scale = SCALES[scale] if isinstance(scale, str) else scale
    say = progress or (lambda _msg: None)
    days = month_days(month)
    if Ticket.objects.filter(center=center, issue_date__range=(days[0], days[-1])).exists():
        raise SimulationError.MONTH_SIMULATED(
            _("%(center)s %(month)s 已有排队数据,不能重复模拟。")
            % {"center": center.name, "month": f"{month:%Y-%m}"}
        )
    cal = load_calendar()
    workdays = [d for d in days if cal.is_workday(d)]
    summary = Summary(center.pk, f"{month:%Y-%m}", scale.name, seed, len(workdays))
    clock, cpu = time.perf_counter(), time.process_time()

    def lap(name: str) -> None:
        nonlocal clock, cpu
        now, cpu_now = time.perf_counter(), time.process_time()
        summary.timings[name] = round(now - clock, 2)
        summary.cpu_timings[name] = round(cpu_now - cpu, 2)
        clock, cpu = now, cpu_now
        say(f"{name}: {summary.timings[name]} s (CPU {summary.cpu_timings[name]} s)")

    with transaction.atomic():
        world = load_or_create_world(
            center, scale, random.Random(f"{seed}-world"), since=_world_since(month)
        )
        setup = write_queue.ensure_categories(world)
        write_attendance.ensure_setup(world, days[0])
    lap("world")

    queue_month = write_queue.QueueMonth()
    roster: dict[dt.date, list[staffing.StaffDay]] = {}
    for day in workdays:
        roster[day] = staffing.plan_day(world, random.Random(f"{seed}-{day}-roster"))
        rng = random.Random(f"{seed}-{day}")
        arrivals = scale.tickets_per_workday * WEEKDAY_ARRIVALS[day.weekday()]
        result = hall.simulate_day(
            setup.lines,
            arrivals=arrivals,
            shifts=staffing.shifts_by_window(roster[day]),
            rng=rng,
            predictor=predict_wait,
        )
        with transaction.atomic():
            write_queue.write_day(world, setup, day, result, rng, queue_month)
    summary.tickets = queue_month.tickets
    summary.served = len(queue_month.served)
    waits = [actual for _p, actual in queue_month.predictions]
    summary.mean_wait_s = round(statistics.mean(waits), 1) if waits else None
    if queue_month.predictions:
        summary.prediction_mae_s = round(
            statistics.mean(abs(p - a) for p, a in queue_month.predictions), 1
        )
    lap("queue")

    rng = random.Random(f"{seed}-cases")
    apps = write_cases.applications_from_tickets(world, queue_month.served, scale, rng)
    apps += write_cases.online_applications(world, days, len(workdays), scale, rng)
    horizon = rows.at(days[-1], 24 * 3600 - 1)
    with transaction.atomic():
        carried = carry_cases.carry_open_cases(
            world,
            start=rows.at(days[0], 0),
            horizon=horizon,
            workdays=workdays,
            scale=scale,
            cal=cal,
            seed=seed,
        )
    summary.carried, summary.carried_events = carried.cases, carried.events
    with transaction.atomic():
        cases_month = write_cases.write_cases(
            world, apps, horizon=horizon, scale=scale, cal=cal, rng=rng
        )
    summary.cases, summary.case_events = cases_month.cases, cases_month.events
    lap("cases")

    with transaction.atomic():
        fb = write_feedback.write_feedback(
            world,
            queue_month.served,
            cases_month.completed + carried.completed,
            horizon=horizon,
            scale=scale,
            cal=cal,
            rng=random.Random(f"{seed}-feedback"),
        )
    summary.ratings, summary.bad_ratings = fb.ratings, fb.bad
    summary.complaints, summary.assists = fb.complaints, fb.assists
    lap("feedback")

    with transaction.atomic():
        att = write_attendance.write_attendance(
            world, roster, horizon=horizon, cal=cal, rng=random.Random(f"{seed}-attendance")
        )
    summary.punches, summary.attendance_records = att.punches, att.records
    lap("attendance")

    refresh_statistics(
        *(m for label in WRITTEN_APPS for m in django_apps.get_app_config(label).get_models())
    )
    lap("statistics")
    return summary
