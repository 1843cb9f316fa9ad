"""Demo part of the queue: a category per department of the demo centre, and a morning's tickets.

Idempotent: categories are matched by prefix, and the past tickets are only made when the demo
centre has none yet. The demo hall issues tickets at any hour so it can be tried at night.
"""

import datetime as dt
import random

from govhall.core.models import Center
from govhall.org.models import Department, StaffProfile, Window
from govhall.queueing import selectors, services
from govhall.queueing.models import QueueCategory, Ticket

PREFIXES = "ABCDEFGHJKLMNPQRSTUVWXYZ"
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


def _past_tickets(center: Center, categories: list[QueueCategory]) -> None:
    """This morning's service in the demo hall, so the board and the monitor are not empty."""
    if Ticket.objects.filter(center=center).exists():
        return
    rng = random.Random(2026)
    end = selectors.now() - dt.timedelta(minutes=5)
    clock = end - dt.timedelta(hours=4, minutes=30)
    desks = []
    for category in categories:
        for window in category.windows.all():
            staff = StaffProfile.objects.filter(windows=window, active=True).first()
            if staff is not None:
                desks.append((category, window, staff))
    for category, window, staff in desks[:6]:
        if clock >= end - dt.timedelta(minutes=45):
            break
        for _n in range(2):
            clock += dt.timedelta(minutes=rng.randint(1, 4))
            services.issue_ticket(category=category, channel=Ticket.Channel.KIOSK, at=clock)
            clock += dt.timedelta(seconds=rng.randint(60, 420))
            ticket = services.call_next(window=window, staff=staff, at=clock)
            if ticket is None:
                continue
            clock += dt.timedelta(seconds=rng.randint(90, 600))
            services.finish_ticket(ticket=ticket, window=window, staff=staff, at=clock)
        services.close_window_session(window=window, staff=staff, at=clock)


def load_demo(center: Center, *, password: str) -> list[tuple[str, str]]:
    settings = selectors.queue_settings(center.pk)
    if settings.enforce_opening_hours:
        settings.enforce_opening_hours = False
        settings.save(update_fields=["enforce_opening_hours"])
    categories = _categories(center)
    _past_tickets(center, categories)
    return []
