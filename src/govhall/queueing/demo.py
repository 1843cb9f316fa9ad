"""Demo part of the queue: a category per department of the demo centre, the last month's
mornings of service and this morning's.

Idempotent: categories are matched by prefix, and the past tickets are only made when the demo
centre has none yet. The demo hall issues tickets at any hour so it can be tried at night.
"""

import datetime as dt
import random

from django.db.models import Count
from django.utils import timezone

from govhall.core.dates import local_moment
from govhall.core.models import Center
from govhall.core.workdays import load_calendar
from govhall.org.models import Department, StaffProfile, Window
from govhall.queueing import selectors, services
from govhall.queueing.models import QueueCategory, QueueSettings, Ticket

PREFIXES = "ABCDEFGHJKLMNPQRSTUVWXYZ"
# Days of past service, as many as the attendance demo's, and the desks open on each.
DAYS = 30
PAST_DESKS = 12
GENERAL_PREFIX = "Z"


def _categories(center: Center) -> list[QueueCategory]:
    made = []
    general, _created = QueueCategory.objects.get_or_create(
        center=center,
        prefix=GENERAL_PREFIX,
        defaults={"name": "综合受理", "description": "一窗受理各类事项", "sort_order": 0},
    )
    made.append(general)
    departments = list(
        Department.objects.filter(center=center, is_active=True, entered=True).order_by(
            "sort_order", "id"
        )
    )
    letters = [p for p in PREFIXES if p != GENERAL_PREFIX]
    for index, department in enumerate(departments[: len(letters)]):
        category, created = QueueCategory.objects.get_or_create(
            center=center,
            prefix=letters[index],
            defaults={
                "name": department.short_name or department.name,
                "description": department.name,
                "sort_order": index + 1,
            },
        )
        if created:
            category.departments.add(department)
            category.items.add(*department.items.filter(is_active=True))
            category.windows.add(*Window.objects.filter(center=center, departments=department))
            general.departments.add(department)
        made.append(category)
    # The single-letter prefixes run out before a large hall's departments: the rest are taken
    # at the comprehensive windows (一窗受理).
    general.departments.add(*departments[len(letters) :])
    if not general.windows.exists():
        general.windows.add(*Window.objects.filter(center=center, kind=Window.Kind.COMPREHENSIVE))
    return made


def _desks(categories: list[QueueCategory]) -> list[tuple[QueueCategory, Window, StaffProfile]]:
    """Each category's windows with a member of its units posted at them (anyone posted at the
    general category's comprehensive windows), the windows serving fewest units first: a unit's
    people serve its line at its own windows, not at the green channel or the complaints desk."""
    desks = []
    for category in categories:
        units = set(category.departments.values_list("pk", flat=True))
        windows = category.windows.annotate(units=Count("departments")).order_by("units", "number")
        for window in windows:
            posted = StaffProfile.objects.filter(windows=window, active=True).order_by("pk")
            if category.prefix != GENERAL_PREFIX:
                posted = posted.filter(department_id__in=units)
            staff = posted.first()
            if staff is not None:
                desks.append((category, window, staff))
    return desks


def _serve(
    desk: tuple[QueueCategory, Window, StaffProfile],
    rng: random.Random,
    clock: dt.datetime,
    tickets: int,
) -> dt.datetime:
    """`tickets` people taken at the desk from `clock` on, the window signed off after the last;
    the time it ended."""
    category, window, staff = desk
    for _n in range(tickets):
        clock += dt.timedelta(minutes=rng.randint(1, 4))
        services.issue_ticket(category=category, channel=Ticket.Channel.KIOSK, at=clock)
        clock += dt.timedelta(seconds=rng.randint(60, 480))
        ticket = services.call_next(window=window, staff=staff, at=clock)
        if ticket is None:
            continue
        clock += dt.timedelta(seconds=rng.randint(90, 660))
        services.finish_ticket(ticket=ticket, window=window, staff=staff, at=clock)
    services.close_window_session(window=window, staff=staff, at=clock)
    return clock


def _past_days(
    desks: list[tuple[QueueCategory, Window, StaffProfile]],
    rng: random.Random,
    settings: QueueSettings,
) -> None:
    """A morning of service on each working day of the last month at one desk in each of the
    first categories, so the queue's figures, the dashboard's trend and last month's bulletin
    have waits."""
    first: dict[int, tuple[QueueCategory, Window, StaffProfile]] = {}
    for desk in desks:
        first.setdefault(desk[0].pk, desk)
    one_per_category = list(first.values())
    calendar = load_calendar()
    today = timezone.localdate(selectors.now())
    for back in range(DAYS, 0, -1):
        day = today - dt.timedelta(days=back)
        if not calendar.is_workday(day):
            continue
        opening = local_moment(day, settings.morning_start)
        for desk in one_per_category[:PAST_DESKS]:
            _serve(desk, rng, opening + dt.timedelta(minutes=rng.randint(0, 20)), rng.randint(1, 4))


def _today(
    desks: list[tuple[QueueCategory, Window, StaffProfile]],
    rng: random.Random,
    settings: QueueSettings,
) -> None:
    """Today's service so far, within today's opening hours: none when the demo is loaded before
    opening, at night or on a day off, when a real hall's board is empty too."""
    end = selectors.now() - dt.timedelta(minutes=5)
    today = timezone.localdate(end)
    if not load_calendar().is_workday(today):
        return
    end = min(end, local_moment(today, settings.afternoon_end))
    clock = max(
        local_moment(today, settings.morning_start), end - dt.timedelta(hours=4, minutes=30)
    )
    for desk in desks[:6]:
        if clock >= end - dt.timedelta(minutes=45):
            break
        clock = _serve(desk, rng, clock, 2)


def _past_tickets(center: Center, categories: list[QueueCategory], settings: QueueSettings) -> None:
    """The last month's mornings and today's service in the demo hall, so the board, the monitor
    and the figures are not empty."""
    if Ticket.objects.filter(center=center).exists():
        return
    rng = random.Random(2026)
    desks = _desks(categories)
    _past_days(desks, rng, settings)
    _today(desks, rng, settings)


def load_demo(center: Center, *, password: str) -> list[tuple[str, str]]:
    settings = selectors.queue_settings(center_id=center.pk)
    if settings.enforce_opening_hours:
        settings.enforce_opening_hours = False
        settings.save(update_fields=["enforce_opening_hours"])
    categories = _categories(center)
    _past_tickets(center, categories, settings)
    return []
