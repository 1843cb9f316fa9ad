"""Any order of rectification steps: only the one path verify → rectify → callback → close
goes through; every refused step changes nothing and writes no event."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govhall.core.errors import InvalidTransition
from govhall.feedback import links, services
from govhall.feedback.models import Rectification
from tests.feedback.factories import served_ticket

pytestmark = pytest.mark.django_db

STEPS = {
    "verify": (
        Rectification.Status.OPEN,
        lambda r, a: services.verify_rectification(
            rectification=r, valid=True, reason="属实", actor=a
        ),
    ),
    "rectify": (
        Rectification.Status.VERIFIED,
        lambda r, a: services.rectify(rectification=r, measures="整改", kind="immediate", actor=a),
    ),
    "callback": (
        Rectification.Status.RECTIFIED,
        lambda r, a: services.record_callback(rectification=r, reached=False, actor=a),
    ),
    "close": (
        Rectification.Status.CALLED_BACK,
        lambda r, a: services.close_rectification(rectification=r, actor=a),
    ),
}
NEXT = {
    Rectification.Status.OPEN: Rectification.Status.VERIFIED,
    Rectification.Status.VERIFIED: Rectification.Status.RECTIFIED,
    Rectification.Status.RECTIFIED: Rectification.Status.CALLED_BACK,
    Rectification.Status.CALLED_BACK: Rectification.Status.CLOSED,
}


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(sorted(STEPS)), min_size=1, max_size=8))
def test_only_the_path_goes_through(clerk, window, admin_user, steps):
    invitation = services.invite_for_ticket(
        ticket=served_ticket(staff=clerk, window=window), actor=clerk.user
    )
    rect = services.rate_with_link(
        token=links.sign_invitation(invitation.pk), level=2
    ).rectification
    status = Rectification.Status.OPEN
    events = 1
    for name in steps:
        required, act = STEPS[name]
        if status == required:
            rect = act(rect, admin_user)
            status = NEXT[status]
            events += 1
        else:
            with pytest.raises(InvalidTransition):
                act(rect, admin_user)
        rect.refresh_from_db()
        assert rect.status == status
        assert rect.events.count() == events
