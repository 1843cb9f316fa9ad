"""Factories of training rows (sessions are made through the services in most tests)."""

import datetime as dt
from decimal import Decimal

import factory

from govhall.training.models import TrainingSession
from tests.factories import CenterFactory


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    center = factory.SubFactory(CenterFactory)
    title = factory.Sequence(lambda n: f"业务培训第{n + 1}期")
    topic = TrainingSession.Topic.BUSINESS
    held_on = dt.date(2026, 3, 10)
    hours = Decimal("2.0")
