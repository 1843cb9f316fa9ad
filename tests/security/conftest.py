"""The world the route walks run in: one of each object the routes name, and a person of each
kind to visit them as."""

import datetime as dt
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.utils import timezone

from govhall.attendance import selectors as attendance_selectors
from govhall.attendance import services as attendance
from govhall.attendance.models import LeaveRequest
from govhall.core.dates import local_moment
from govhall.core.refs import CASE_RATING_SALT, sign_ref
from govhall.core.roles import Role
from govhall.feedback import services as feedback
from govhall.feedback.links import sign_invitation
from govhall.feedback.models import Complaint, Invitation
from govhall.performance import services as performance
from govhall.queueing import services as queueing
from govhall.queueing.models import QueueSettings
from govhall.supervision import services as supervision
from govhall.supervision.models import Phase, ProblemCategory
from tests.cases.factories import accept, accept_joint, joint_package
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
    and show a real record: a served ticket with its rating invitation, a case and a joint
    case, a bad rating with its rectification, a complaint, a leave request and a violation, a
    training session, a campaign with a problem, the month's evaluation run. A
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
        second = ServiceItemFactory(center=center, department=DepartmentFactory(center=center))
        joint = accept_joint(joint_package(center, [item, second]))
        leave = attendance.request_leave(
            actor=clerk.user,
            kind=LeaveRequest.Kind.ANNUAL,
            start=local_moment(today + dt.timedelta(days=7), dt.time(9)),
            end=local_moment(today + dt.timedelta(days=7), dt.time(12)),
            reason="年休假",
        )
        violation = attendance.record_violation(
            actor=admin,
            staff=clerk,
            category=attendance_selectors.categories_for(center.pk).first(),
            occurred_at=timezone.now() - dt.timedelta(hours=1),
            window=window,
        )
        code = today.strftime("%Y-%m")
        run = performance.evaluate_period(center=center, code=code)
        yield World(
            arguments={
                "guide/": {"pk": item.pk},
                "cases/": {"number": case.number, "action": "accept"},
                "cases/joint/": {"number": joint.number, "action": "extend"},
                "attendance/leaves/": {"pk": leave.pk},
                "attendance/violations/": {"pk": violation.pk},
                "queue/terminal/": {"window_id": window.pk},
                "queue/t/": {"token": ticket.token},
                "feedback/t/": {"token": ticket.token},
                "feedback/c/": {"ref": sign_ref(case.pk, salt=CASE_RATING_SALT)},
                "feedback/rate/": {
                    "token": sign_invitation(Invitation.objects.get(ticket=ticket).pk)
                },
                "feedback/ratings/": {"pk": rating.pk},
                "feedback/rectifications/": {"pk": rating.rectification.pk},
                "feedback/complaints/": {"pk": complaint.pk},
                "training/": {"pk": TrainingSessionFactory(center=center).pk},
                "supervision/": {"pk": campaign.pk},
                "supervision/problems/": {"pk": problem.pk},
                "performance/runs/": {"pk": run.pk},
                "performance/departments/": {"pk": department.pk},
                "performance/periods/": {
                    "code": code,
                    "dimension_id": run.rubric.dimensions.order_by("id").first().pk,
                },
                "api/catalog/": {"pk": item.pk},
                "api/cases/": {"number": case.number, "pk": case.pk},
                "api/cases/joint/": {"number": joint.number},
                "api/attendance/leaves/": {"pk": leave.pk},
                "api/attendance/violations/": {"pk": violation.pk},
                "api/feedback/complaints/": {"pk": complaint.pk},
                "api/feedback/evaluations/": {"pk": rating.pk},
                "api/feedback/rectifications/": {"pk": rating.rectification.pk},
                "api/performance/runs/": {"pk": run.pk},
                "api/performance/years/": {"year": today.year},
                "api/queueing/tickets/": {"token": ticket.token},
                "api/queueing/windows/": {"window_id": window.pk},
                "api/supervision/campaigns/": {"pk": campaign.pk},
                "api/supervision/problems/": {"pk": problem.pk},
            },
            admin=admin,
            clerk=clerk.user,
        )
        transaction.set_rollback(True)
