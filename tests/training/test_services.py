import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from govhall.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from govhall.core.roles import Role
from govhall.training import services
from govhall.training.models import Rotation, TrainingAttendance, TrainingSession
from tests.factories import CenterFactory, DepartmentFactory, StaffProfileFactory, WindowFactory

pytestmark = pytest.mark.django_db

HELD = dt.date(2026, 3, 10)


def _session(actor, center, **kwargs):
    values = {
        "title": "受理平台操作培训",
        "topic": TrainingSession.Topic.PLATFORM,
        "held_on": HELD,
        "hours": Decimal("3.0"),
    }
    return services.create_session(actor=actor, center_id=center.pk, **(values | kwargs))


def test_a_session_for_some_units_trains_only_their_people(office, center, staff_of):
    tax, police = DepartmentFactory(center=center), DepartmentFactory(center=center)
    tax_staff, police_staff = staff_of(tax, 3), staff_of(police, 2)
    session = _session(office, center, department_ids=[tax.pk])

    services.record_attendance(
        actor=office,
        session_id=session.pk,
        present_staff_ids=[tax_staff[0].pk, tax_staff[1].pk],
        today=HELD,
    )

    session.refresh_from_db()
    assert session.state == TrainingSession.State.HELD
    rows = {a.staff_id: a.present for a in session.attendances.all()}
    assert rows == {tax_staff[0].pk: True, tax_staff[1].pk: True, tax_staff[2].pk: False}
    assert not TrainingAttendance.objects.filter(staff__in=police_staff).exists()


def test_someone_outside_the_audience_is_refused_and_nothing_is_recorded(office, center, staff_of):
    tax, police = DepartmentFactory(center=center), DepartmentFactory(center=center)
    (clerk,), (officer,) = staff_of(tax), staff_of(police)
    session = _session(office, center, department_ids=[tax.pk])

    with pytest.raises(ValidationFailed) as refused:
        services.record_attendance(
            actor=office,
            session_id=session.pk,
            present_staff_ids=[clerk.pk, officer.pk],
            today=HELD,
        )

    assert refused.value.detail == {"present_staff_ids": [officer.pk]}
    session.refresh_from_db()
    assert session.state == TrainingSession.State.PLANNED
    assert not TrainingAttendance.objects.exists()


def test_a_correction_flips_the_flag_instead_of_deleting(office, center, staff_of):
    first, second = staff_of(DepartmentFactory(center=center), 2)
    session = _session(office, center)
    services.record_attendance(
        actor=office, session_id=session.pk, present_staff_ids=[first.pk], today=HELD
    )

    services.record_attendance(
        actor=office, session_id=session.pk, present_staff_ids=[second.pk], today=HELD
    )

    rows = dict(session.attendances.values_list("staff_id", "present"))
    assert rows == {first.pk: False, second.pk: True}
    assert TrainingAttendance.history.filter(staff=first, present=True).exists()


def test_attendance_keeps_the_unit_the_person_had_on_the_day(office, center, staff_of):
    tax, police = DepartmentFactory(center=center), DepartmentFactory(center=center)
    (clerk,) = staff_of(tax)
    session = _session(office, center)
    services.record_attendance(
        actor=office, session_id=session.pk, present_staff_ids=[clerk.pk], today=HELD
    )
    clerk.department = police
    clerk.save()

    services.record_attendance(
        actor=office, session_id=session.pk, present_staff_ids=[clerk.pk], today=HELD
    )

    assert session.attendances.get().department_id == tax.pk


def test_a_session_not_yet_held_takes_no_attendance(office, center, staff_of):
    (clerk,) = staff_of(DepartmentFactory(center=center))
    session = _session(office, center, held_on=dt.date(2026, 3, 11))

    with pytest.raises(ValidationFailed):
        services.record_attendance(
            actor=office, session_id=session.pk, present_staff_ids=[clerk.pk], today=HELD
        )
    assert not TrainingAttendance.objects.exists()


def test_a_cancelled_session_takes_no_attendance_and_a_held_one_cannot_be_cancelled(
    office, center, staff_of
):
    (clerk,) = staff_of(DepartmentFactory(center=center))
    cancelled, held = _session(office, center), _session(office, center)
    services.cancel_session(actor=office, session_id=cancelled.pk, reason="讲师临时有事")
    services.record_attendance(
        actor=office, session_id=held.pk, present_staff_ids=[clerk.pk], today=HELD
    )

    with pytest.raises(InvalidTransition):
        services.record_attendance(
            actor=office, session_id=cancelled.pk, present_staff_ids=[clerk.pk], today=HELD
        )
    with pytest.raises(InvalidTransition):
        services.cancel_session(actor=office, session_id=held.pk, reason="误登记")
    with pytest.raises(ValidationFailed):
        services.cancel_session(actor=office, session_id=cancelled.pk, reason="  ")
    assert TrainingSession.objects.get(pk=held.pk).state == TrainingSession.State.HELD


@pytest.mark.parametrize("hours", [Decimal(0), Decimal("24.5")])
def test_hours_out_of_range_are_refused(office, center, hours):
    with pytest.raises(ValidationFailed):
        _session(office, center, hours=hours)
    assert not TrainingSession.objects.exists()


def test_departments_of_another_centre_are_refused(office, center):
    elsewhere = DepartmentFactory(center=CenterFactory())
    with pytest.raises(ValidationFailed):
        _session(office, center, department_ids=[elsewhere.pk])
    assert not TrainingSession.objects.exists()


@pytest.mark.parametrize("role", [None, Role.UNIT_LEAD, Role.WINDOW_STAFF, Role.LEADER])
def test_only_the_office_organises_training(make_user, center, department, role):
    actor = make_user(role, department=department) if role else AnonymousUser()

    with pytest.raises(PermissionDenied):
        _session(actor, center)
    assert not TrainingSession.objects.exists()


def test_the_office_of_another_centre_cannot_touch_a_session(office, center, make_user):
    session = _session(office, center)
    stranger = make_user(Role.CENTER_ADMIN, user_center=CenterFactory())

    with pytest.raises(NotFound):
        services.cancel_session(actor=stranger, session_id=session.pk, reason="x")
    assert TrainingSession.objects.get(pk=session.pk).state == TrainingSession.State.PLANNED


def test_a_unit_lead_registers_rotations_of_the_own_unit_only(make_user, center, staff_of):
    tax, police = DepartmentFactory(center=center), DepartmentFactory(center=center)
    lead = make_user(Role.UNIT_LEAD, department=tax)
    (clerk,), (officer,) = staff_of(tax), staff_of(police)
    window = WindowFactory(center=center)

    rotation = services.record_rotation(
        actor=lead,
        center_id=center.pk,
        staff_id=clerk.pk,
        kind=Rotation.Kind.ROTATION,
        to_window_id=window.pk,
        started_on=dt.date(2026, 4, 1),
    )
    with pytest.raises(PermissionDenied):
        services.record_rotation(
            actor=lead,
            center_id=center.pk,
            staff_id=officer.pk,
            kind=Rotation.Kind.EXCHANGE,
            to_post="后台审批岗",
            started_on=dt.date(2026, 4, 1),
        )

    assert rotation.department_id == tax.pk
    assert list(Rotation.objects.all()) == [rotation]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"to_post": "  "}, "to_post"),
        ({"to_post": "综合受理岗", "ended_on": dt.date(2026, 3, 31)}, "ended_on"),
        ({"to_window_id": 0}, "to_window_id"),
    ],
)
def test_a_rotation_needs_a_destination_and_a_sane_period(office, center, staff_of, kwargs, field):
    (clerk,) = staff_of(DepartmentFactory(center=center))
    with pytest.raises(ValidationFailed) as refused:
        services.record_rotation(
            actor=office,
            center_id=center.pk,
            staff_id=clerk.pk,
            kind=Rotation.Kind.ROTATION,
            started_on=dt.date(2026, 4, 1),
            **kwargs,
        )
    assert field in refused.value.detail
    assert not Rotation.objects.exists()


def test_a_rotation_ends_once_and_not_before_it_began(office, center, staff_of):
    (clerk,) = staff_of(DepartmentFactory(center=center))
    rotation = services.record_rotation(
        actor=office,
        center_id=center.pk,
        staff_id=clerk.pk,
        kind=Rotation.Kind.EXCHANGE,
        to_post="不动产登记后台",
        started_on=dt.date(2026, 4, 1),
    )

    with pytest.raises(ValidationFailed):
        services.end_rotation(actor=office, rotation_id=rotation.pk, ended_on=dt.date(2026, 3, 1))
    services.end_rotation(actor=office, rotation_id=rotation.pk, ended_on=dt.date(2026, 4, 30))
    with pytest.raises(InvalidTransition):
        services.end_rotation(actor=office, rotation_id=rotation.pk, ended_on=dt.date(2026, 5, 1))

    rotation.refresh_from_db()
    assert rotation.ended_on == dt.date(2026, 4, 30)


def test_an_inactive_person_cannot_be_rotated(office, center):
    gone = StaffProfileFactory(center=center, active=False)
    with pytest.raises(ValidationFailed):
        services.record_rotation(
            actor=office,
            center_id=center.pk,
            staff_id=gone.pk,
            kind=Rotation.Kind.ROTATION,
            to_post="综合受理岗",
            started_on=dt.date(2026, 4, 1),
        )
