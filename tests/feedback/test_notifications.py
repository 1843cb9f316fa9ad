"""The rating invitation by SMS, where the citizen left a phone."""

import pytest

from govhall.core.crypto import keyed_hash
from govhall.feedback import notifications
from govhall.feedback.links import rating_url, unsign_invitation
from govhall.feedback.models import Invitation
from govhall.notify.models import Notification
from govhall.queueing import selectors, services
from tests.queueing.factories import QueueCategoryFactory, open_hall, staffed_window

pytestmark = pytest.mark.django_db


def test_a_finished_ticket_with_a_phone_gets_its_rating_link_once(center, department):
    open_hall(center)
    category = QueueCategoryFactory(center=center, prefix="A")
    window, staff = staffed_window(center, department, categories=[category])
    services.issue_ticket(category=category, channel="kiosk", phone="13800000001")
    services.issue_ticket(category=category, channel="kiosk")
    for _ in range(2):
        ticket = services.call_next(window=window, staff=staff)
        services.finish_ticket(ticket=ticket, window=window, staff=staff)
    assert Invitation.objects.count() == 2
    now = selectors.now()
    assert notifications.open_invitations_by_sms(at=now) == 1  # the anonymous one has no phone
    assert notifications.open_invitations_by_sms(at=now) == 0
    [sms] = Notification.objects.filter(kind="rating_invitation")
    invitation = Invitation.objects.get(ticket__phone_hash=keyed_hash("13800000001"))
    token = sms.params[1].rstrip("/").rsplit("/", 1)[1]
    assert sms.subject_id == invitation.pk == unsign_invitation(token)
    assert sms.text.endswith(sms.params[1]) and sms.params[1].startswith(rating_url(0)[:30])
