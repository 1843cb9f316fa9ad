"""Any order of rectification steps: only the one path verify → rectify → callback → close
goes through; every refused step changes nothing and writes no event."""

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govhall.core.errors import InvalidTransition, ValidationFailed
from govhall.feedback import links, services
from govhall.feedback.models import Rectification
from tests.feedback.factories import served_ticket

pytestmark = pytest.mark.django_db

STEPS = {
    "verify": (
        Rectification.Status.OPEN,
        lambda r, a, **at: services.verify_rectification(
            rectification=r, valid=True, reason="属实", actor=a, **at
        ),
    ),
    "rectify": (
        Rectification.Status.VERIFIED,
        lambda r, a, **at: services.rectify(
            rectification=r, measures="整改", kind="immediate", actor=a, **at
        ),
    ),
    "callback": (
        Rectification.Status.RECTIFIED,
        lambda r, a, **at: services.record_callback(rectification=r, reached=False, actor=a, **at),
    ),
    "close": (
        Rectification.Status.CALLED_BACK,
        lambda r, a, **at: services.close_rectification(rectification=r, actor=a, **at),
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


def _bad_rating_on(clerk, window, day):
    """A bad rating given at 10:00 on `day` for a service that ended a minute before."""
    rated = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    ticket = served_ticket(staff=clerk, window=window, finished_at=rated - dt.timedelta(minutes=1))
    invitation = services.invite_for_ticket(ticket=ticket, actor=clerk.user)
    return services.rate_with_link(
        token=links.sign_invitation(invitation.pk), level=2, comment="态度差", at=rated
    ).rectification


def test_steps_recorded_afterwards_keep_their_times_and_are_judged_by_them(
    clerk, window, admin_user
):
    """Opened when the rating came, each step at its own time, closed on time by its date,
    although written weeks later."""
    rated_on = timezone.localdate() - dt.timedelta(days=7)
    rect = _bad_rating_on(clerk, window, rated_on)
    times = [
        timezone.make_aware(dt.datetime.combine(rated_on + dt.timedelta(days=n), dt.time(11)))
        for n in range(1, 5)
    ]
    for (_required, act), at in zip(STEPS.values(), times, strict=True):
        rect = act(rect, admin_user, at=at)
    assert list(rect.events.order_by("at").values_list("at", flat=True)) == [
        rect.opened_at,
        *times,
    ]
    assert rect.closed_at == times[-1] and not rect.is_overdue()
    assert rect.events.get(kind="closed").details["on_time"] is True


@pytest.mark.parametrize("offset", [dt.timedelta(hours=-1), dt.timedelta(days=30)])
def test_a_step_before_the_last_or_in_the_future_is_refused(clerk, window, admin_user, offset):
    rect = _bad_rating_on(clerk, window, timezone.localdate() - dt.timedelta(days=7))
    with pytest.raises(ValidationFailed) as refused:
        STEPS["verify"][1](rect, admin_user, at=rect.opened_at + offset)
    assert refused.value.code == "step_time_invalid"
    rect.refresh_from_db()
    assert rect.status == Rectification.Status.OPEN and rect.events.count() == 1
