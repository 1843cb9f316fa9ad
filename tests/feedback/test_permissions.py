"""Every staff action of the feedback app checks its permission and unit in the service, so the
pages, the API, the admin and any other caller are refused alike; nothing is written."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from govhall.core.errors import PermissionDenied
from govhall.core.roles import Role
from govhall.feedback import links, services
from govhall.feedback.models import (
    Appeal,
    AssistRecord,
    Complaint,
    ComplaintEvent,
    RatingPad,
    Rectification,
    RectificationEvent,
)
from tests.factories import CenterFactory
from tests.feedback.factories import served_ticket

pytestmark = pytest.mark.django_db

REFUSED = "您没有执行此操作的权限。"


@pytest.fixture
def bad_rating(clerk, window):
    invitation = services.invite_for_ticket(
        ticket=served_ticket(staff=clerk, window=window), actor=clerk.user
    )
    return services.rate_with_link(
        token=links.sign_invitation(invitation.pk), level=1, rater_phone="13800001234"
    )


@pytest.fixture
def outsiders(make_user, other_department):
    """No permission (a window clerk; nobody logged in), or the permission over another unit or
    in another centre."""
    return {
        "clerk": make_user(Role.WINDOW_STAFF, department=other_department),
        "anonymous": AnonymousUser(),
        "other_lead": make_user(Role.UNIT_LEAD, department=other_department),
        "other_centre": make_user(Role.CENTER_ADMIN, user_center=CenterFactory()),
    }


def refused(action, *actors):
    for actor in actors:
        with pytest.raises(PermissionDenied) as caught:
            action(actor)
        assert caught.value.status == 403


def test_rectification_steps_are_for_the_unit_and_the_centre(bad_rating, outsiders, make_user):
    rect = bad_rating.rectification
    steps = [
        lambda a: services.verify_rectification(
            rectification=rect, valid=True, reason="属实", actor=a
        ),
        lambda a: services.rectify(rectification=rect, measures="整改", kind="immediate", actor=a),
        lambda a: services.record_callback(rectification=rect, reached=False, actor=a),
        lambda a: services.close_rectification(rectification=rect, actor=a),
    ]
    for step in steps:
        refused(step, *outsiders.values())
    rect.refresh_from_db()
    assert rect.status == Rectification.Status.OPEN
    assert RectificationEvent.objects.count() == 1  # opened


def test_the_units_clerk_is_refused_with_the_one_wording(bad_rating, clerk):
    with pytest.raises(PermissionDenied) as caught:
        services.verify_rectification(
            rectification=bad_rating.rectification, valid=True, reason="属实", actor=clerk.user
        )
    assert (caught.value.code, caught.value.message) == ("permission_denied", REFUSED)
    assert caught.value.detail == {"permission": "feedback.handle_rectification"}


def test_appeals_are_filed_by_the_unit_and_decided_by_the_centre(
    bad_rating, outsiders, make_user, department, admin_user
):
    lead = make_user(Role.UNIT_LEAD, department=department)
    refused(
        lambda a: services.file_appeal(evaluation=bad_rating, reason="恶意", actor=a),
        admin_user,  # the centre decides, it does not appeal
        *outsiders.values(),
    )
    assert not Appeal.objects.exists()
    appeal = services.file_appeal(evaluation=bad_rating, reason="恶意", actor=lead)
    refused(
        lambda a: services.decide_appeal(appeal=appeal, upheld=True, actor=a),
        lead,
        *outsiders.values(),
    )
    appeal.refresh_from_db()
    bad_rating.refresh_from_db()
    assert appeal.status == Appeal.Status.PENDING and not bad_rating.excluded


def test_complaints_are_taken_in_by_the_centres_people(center, outsiders, make_user, department):
    refused(
        lambda a: services.create_complaint(center=center, channel="web", content="x", actor=a),
        outsiders["anonymous"],
        outsiders["other_centre"],
        make_user(Role.APPROVER, department=department),
    )
    assert not Complaint.objects.exists()
    clerk = outsiders["clerk"]  # any unit's clerk takes one in, about any unit
    complaint = services.create_complaint(
        center=center, channel="web", content="x", department=department, actor=clerk
    )
    refused(
        lambda a: services.assign_complaint(complaint=complaint, assignee=clerk, actor=a),
        *outsiders.values(),
    )
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.OPEN
    assert list(ComplaintEvent.objects.values_list("kind", flat=True)) == ["received"]


def test_assists_are_recorded_for_ones_own_unit(center, department, outsiders):
    refused(
        lambda a: services.record_assist(
            center=center,
            kind="home_visit",
            department=department,
            date=dt.date(2026, 5, 6),
            actor=a,
        ),
        *outsiders.values(),
    )
    assert not AssistRecord.objects.exists()


def test_the_hotline_import_is_the_centres(center, outsiders, make_user, department):
    refused(
        lambda a: services.import_hotline(
            center=center, kind="ratings", filename="x.csv", data=b"", dry_run=False, actor=a
        ),
        make_user(Role.UNIT_LEAD, department=department),
        *outsiders.values(),
    )


def test_pads_are_paired_by_the_centres_people(window, outsiders, make_user, department):
    refused(
        lambda a: services.issue_pairing_code(window=window, actor=a),
        make_user(Role.APPROVER, department=department),
        outsiders["anonymous"],
        outsiders["other_centre"],
    )
    assert not RatingPad.objects.exists()


def test_the_system_is_not_asked(center, department):
    """Commands, hooks and the demo act as the system (`actor` None)."""
    complaint = services.create_complaint(
        center=center, channel="web", content="x", department=department, actor=None
    )
    assert complaint.events.get().actor is None
