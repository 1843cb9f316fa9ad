"""Factories and helpers for queue tests."""

import datetime as dt

import factory
from django.utils import timezone

from govhall.core.roles import Role
from govhall.queueing.models import QueueCategory
from govhall.queueing.selectors import queue_settings
from tests.factories import (
    CenterFactory,
    StaffProfileFactory,
    UserFactory,
    WindowFactory,
)


class QueueCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QueueCategory
        skip_postgeneration_save = True

    center = factory.SubFactory(CenterFactory)
    prefix = factory.Sequence(lambda n: "ABCDEFGHJKLMNPQRSTUVWXYZ"[n % 24])
    name = factory.Sequence(lambda n: f"综合业务{n}")
    daily_capacity = 300
    number_end = 999

    @factory.post_generation
    def windows(self, create, extracted, **kwargs):
        if create and extracted:
            self.windows.add(*extracted)

    @factory.post_generation
    def departments(self, create, extracted, **kwargs):
        if create and extracted:
            self.departments.add(*extracted)


def open_hall(center, **changes):
    """Queue settings of `center` with opening hours off (tests run at any hour)."""
    settings = queue_settings(center_id=center.pk)
    settings.enforce_opening_hours = False
    for key, value in changes.items():
        setattr(settings, key, value)
    settings.save()
    return settings


def staffed_window(center, department, *, number=None, categories=(), user=None):
    """A window of `department` with one window-staff member assigned to it."""
    kwargs = {"center": center, "departments": [department]}
    if number is not None:
        kwargs["number"] = number
    window = WindowFactory(**kwargs)
    user = user or UserFactory(center=center, roles=[Role.WINDOW_STAFF])
    staff = StaffProfileFactory(center=center, user=user, department=department, windows=[window])
    for category in categories:
        category.windows.add(window)
    return window, staff


def at(hour: int, minute: int = 0, second: int = 0, day: dt.date | None = None) -> dt.datetime:
    day = day or timezone.localdate()
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute, second)))
