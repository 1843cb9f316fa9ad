"""The window's actions check who works it in the service, whoever calls (terminal page, API,
admin or code); taking a ticket stays public, except one taken for a person at a window."""

import pytest
from django.contrib.auth.models import AnonymousUser

from govhall.core.errors import PermissionDenied
from govhall.core.roles import Role
from govhall.queueing import services
from govhall.queueing.models import Ticket, TicketEvent, WindowPause, WindowSession
from tests.factories import CenterFactory
from tests.queueing.factories import QueueCategoryFactory, open_hall, staffed_window

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall(center, department):
    open_hall(center)
    category = QueueCategoryFactory(center=center, prefix="A")
    window, staff = staffed_window(center, department, number="3", categories=[category])
    return category, window, staff


@pytest.fixture
def outsiders(make_user, department):
    """No call permission (an approver of the unit; nobody logged in), or the permission in
    another centre."""
    return [
        make_user(Role.APPROVER, department=department),
        AnonymousUser(),
        make_user(Role.WINDOW_STAFF, user_center=CenterFactory()),
    ]


def test_window_actions_are_refused_to_those_who_do_not_work_it(hall, outsiders):
    category, window, staff = hall
    services.issue_ticket(category=category, channel=Ticket.Channel.KIOSK)
    actions = [
        lambda a: services.open_window_session(window=window, staff=staff, actor=a),
        lambda a: services.call_next(window=window, staff=staff, actor=a),
        lambda a: services.pause_window(window=window, staff=staff, reason="meeting", actor=a),
        lambda a: services.resume_window(window=window, staff=staff, actor=a),
        lambda a: services.close_window_session(window=window, staff=staff, actor=a),
    ]
    for action in actions:
        for actor in outsiders:
            with pytest.raises(PermissionDenied) as caught:
                action(actor)
            assert caught.value.status == 403
    assert not WindowSession.objects.exists() and not WindowPause.objects.exists()
    assert Ticket.objects.get().state == Ticket.State.WAITING


def test_the_current_tickets_steps_are_refused_too(hall, outsiders):
    category, window, staff = hall
    services.issue_ticket(category=category, channel=Ticket.Channel.KIOSK)
    ticket = services.call_next(window=window, staff=staff, actor=staff.user)
    steps = [
        services.recall_ticket,
        services.start_ticket,
        services.finish_ticket,
        services.mark_no_show,
    ]
    for step in steps:
        for actor in outsiders:
            with pytest.raises(PermissionDenied):
                step(ticket=ticket, window=window, staff=staff, actor=actor)
    for actor in outsiders:
        with pytest.raises(PermissionDenied):
            services.transfer_ticket(
                ticket=ticket, window=window, staff=staff, to_category=category, actor=actor
            )
    ticket.refresh_from_db()
    assert ticket.state == Ticket.State.CALLED
    assert list(TicketEvent.objects.values_list("kind", flat=True).order_by("pk")) == [
        "issued",
        "called",
    ]


def test_a_ticket_for_a_person_at_the_window_needs_the_permission(hall, outsiders):
    category, _window, staff = hall
    for actor in outsiders:
        with pytest.raises(PermissionDenied):
            services.issue_ticket(category=category, channel=Ticket.Channel.STAFF, actor=actor)
    assert not Ticket.objects.exists()
    ticket = services.issue_ticket(
        category=category, channel=Ticket.Channel.STAFF, actor=staff.user
    )
    kiosk = services.issue_ticket(
        category=category, channel=Ticket.Channel.KIOSK, actor=AnonymousUser()
    )
    assert (ticket.number, kiosk.number) == ("A001", "A002")
