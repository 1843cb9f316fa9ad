"""The world the route walks run in: one of each object the routes name, and a person of each
kind to visit them as."""

import datetime as dt
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.utils import timezone

from govhall.core.roles import Role
from govhall.feedback import services as feedback
from govhall.feedback.models import Complaint
from govhall.performance import services as performance
from govhall.queueing import services as queueing
from govhall.queueing.models import QueueSettings
from govhall.supervision import services as supervision
from govhall.supervision.models import Phase, ProblemCategory
from tests.cases.factories import accept
from tests.factories import (
    CenterFactory,
    DepartmentFactory,
    ServiceItemFactory,
    UserFactory,
    ensure_working_calendar,
)
from tests.feedback.factories import hotline_rating
from tests.queueing.factories import QueueCategoryFactory, staffed_window
from tests.security.urlwalk import World
from tests.training.factories import TrainingSessionFactory


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """One of each object the routes with arguments name, so their views get past the lookup
    and show a real record: a served ticket, a case, a bad rating with its rectification, a
    complaint, a training session, a campaign with a problem, the month's evaluation run. A
    centre administrator and a window clerk visit them. Built once for the module, inside a
    transaction rolled back at its end; each test's own transaction is a savepoint within it,
    so what a request writes is gone before the next test."""
    with django_db_blocker.unblock(), transaction.atomic():
        ensure_working_calendar()
        center = CenterFactory()
        department = DepartmentFactory(center=center)
        item = ServiceItemFactory(center=center, department=department)
        category = QueueCategoryFactory(center=center)
        window, clerk = staffed_window(center, department, categories=[category])
        admin = UserFactory(center=center, roles=[Role.CENTER_ADMIN], is_staff=True)
        QueueSettings.objects.filter(center=center).update(enforce_opening_hours=False)
        ticket = queueing.issue_ticket(category=category, channel="kiosk", phone="13800000001")
        ticket = queueing.call_next(window=window, staff=clerk)
        ticket = queueing.finish_ticket(ticket=ticket, window=window, staff=clerk)
        case = accept(item)
        today = timezone.localdate()
        rating = hotline_rating(center, department, when=timezone.now(), ref="W-1")
        complaint = feedback.create_complaint(
            center=center,
            actor=admin,
            channel=Complaint.Channel.WINDOW,
            content="材料要求不清楚",
            complainant_phone="13900000003",
            department=department,
        )
        campaign = supervision.create_campaign(
            actor=admin,
            center_id=center.pk,
            title="窗口服务突出问题排查整改",
            phase_ends={
                kind: today + dt.timedelta(days=30 * n) for n, kind in enumerate(Phase.Kind.values)
            },
            department_ids=[department.pk],
        )
        problem = supervision.create_problem(
            actor=admin,
            unit=campaign.units.get(),
            category=ProblemCategory.objects.filter(center=center).first(),
            description="办事指南兜底条款",
            found_by="inspection",
        )
        run = performance.evaluate_period(center=center, code=today.strftime("%Y-%m"))
        yield World(
            arguments={
                "guide/": {"pk": item.pk},
                "cases/": {"number": case.number, "action": "accept"},
                "queue/terminal/": {"window_id": window.pk},
                "queue/t/": {"token": ticket.token},
                "feedback/t/": {"token": ticket.token},
                "feedback/ratings/": {"pk": rating.pk},
                "feedback/rectifications/": {"pk": rating.rectification.pk},
                "feedback/complaints/": {"pk": complaint.pk},
                "training/": {"pk": TrainingSessionFactory(center=center).pk},
                "supervision/": {"pk": campaign.pk},
                "supervision/problems/": {"pk": problem.pk},
                "performance/runs/": {"pk": run.pk},
                "performance/departments/": {"pk": department.pk},
                "api/catalog/": {"pk": item.pk},
                "api/cases/": {"number": case.number, "pk": case.pk},
            },
            admin=admin,
            clerk=clerk.user,
        )
        transaction.set_rollback(True)
