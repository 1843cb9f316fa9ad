import datetime as dt

import pytest

from govhall.cases import services
from govhall.cases.errors import CaseError
from govhall.cases.hooks import case_completed
from govhall.cases.models import Case, CaseEvent, ClockStop
from govhall.cases.selectors import case_settings, light_of
from govhall.core.errors import PermissionDenied
from govhall.core.models import OutboxEvent
from govhall.core.roles import Role
from tests.cases.factories import accept, at, refusal
from tests.factories import (
    MaterialFactory,
    ServiceItemFactory,
    WindowFactory,
    make_id_number,
    make_uscc,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(center, department):
    item = ServiceItemFactory(center=center, department=department, promised_limit_days=5)
    MaterialFactory(item=item, name="申请书")
    MaterialFactory(item=item, name="身份证明", required=False)
    return item


@pytest.mark.parametrize(
    ("accepted", "limit", "due"),
    [
        (dt.date(2026, 9, 30), 5, dt.date(2026, 10, 13)),
        (dt.date(2026, 2, 13), 3, dt.date(2026, 2, 25)),
    ],
)
def test_domain_examples(center, department, accepted, limit, due):
    item = ServiceItemFactory(center=center, department=department, promised_limit_days=limit)
    case = accept(item, day=accepted)
    assert case.due_date == due
    assert not case.due_provisional
    assert case.state == Case.State.ACCEPTED


def test_immediate_item_is_due_the_same_day(center, department):
    item = ServiceItemFactory(center=center, department=department, immediate=True)
    case = accept(item, day=dt.date(2026, 5, 6))
    assert case.limit_days == 0
    assert case.due_date == dt.date(2026, 5, 6)
    assert case.yellow_from == dt.date(2026, 5, 6)


def test_year_without_calendar_data_is_provisional(item):
    case = accept(item, day=dt.date(2031, 3, 3))
    assert case.due_provisional
    assert case.due_date == dt.date(2031, 3, 10)


def test_case_number_is_region_date_sequence(item, center):
    first = accept(item, day=dt.date(2026, 3, 2))
    second = accept(item, day=dt.date(2026, 3, 2))
    next_day = accept(item, day=dt.date(2026, 3, 3))
    assert first.number == f"{center.region_code}20260302000001"
    assert second.number == f"{center.region_code}20260302000002"
    assert next_day.number == f"{center.region_code}20260303000001"


def test_acceptance_writes_event_and_outbox_row(item):
    case = accept(item, day=dt.date(2026, 3, 2))
    event = CaseEvent.objects.get(case=case)
    assert event.type == "accepted"
    outbox = OutboxEvent.objects.get(stream=f"case:{case.number}")
    assert outbox.kind == "case.accepted"
    assert outbox.payload["case_number"] == case.number
    assert outbox.payload["due_date"] == "2026-03-09"
    assert outbox.payload["item_code"] == item.code
    assert outbox.payload["event"] == "accepted"
    assert set(outbox.payload) == {
        "case_number",
        "item_code",
        "item_name",
        "department_code",
        "department_name",
        "region_code",
        "applicant_type",
        "channel",
        "accepted_at",
        "due_date",
        "completed_at",
        "delivered_at",
        "state",
        "result",
        "event",
        "event_at",
    }


def test_full_life_window_delivery(item):
    case = accept(item, day=dt.date(2026, 3, 2), materials_received=["申请书", "身份证明"])
    services.start_review(actor=None, case=case, at=at(dt.date(2026, 3, 3)))
    services.complete_case(actor=None, case=case, approved=True, at=at(dt.date(2026, 3, 4)))
    case = services.deliver_case(
        actor=None, case=case, method="mail", tracking_number="SF123", at=at(dt.date(2026, 3, 5))
    )
    assert case.state == Case.State.DELIVERED
    assert case.result == Case.Result.APPROVED
    assert case.elapsed_workdays == 2
    assert not case.completed_late
    assert list(case.events.values_list("type", flat=True)) == [
        "accepted",
        "review_started",
        "completed",
        "delivered",
    ]
    assert OutboxEvent.objects.filter(stream=f"case:{case.number}").count() == 4


def test_correction_stops_the_clock_and_restarts_next_working_day(item):
    # Accepted Mon 2026-03-02, 5 days → due Mon 03-09. Correction asked Wed 03-04 (2 days used),
    # answered Tue 03-10: clock restarts Wed 03-11, 3 days left → due Fri 03-13.
    case = accept(item, day=dt.date(2026, 3, 2))
    case = services.request_correction(
        actor=None, case=case, reason="申请书缺少签字", at=at(dt.date(2026, 3, 4))
    )
    assert case.state == Case.State.CORRECTION
    assert case.due_date is None
    assert light_of(case, dt.date(2026, 3, 5)) == "paused"
    case = services.resubmit_case(actor=None, case=case, at=at(dt.date(2026, 3, 10)))
    assert case.state == Case.State.ACCEPTED
    assert case.due_date == dt.date(2026, 3, 13)


@pytest.mark.parametrize(
    ("asked_on", "late"), [(dt.date(2026, 1, 5), False), (dt.date(2026, 1, 6), True)]
)
def test_a_same_day_case_is_saved_only_by_a_correction_asked_on_the_day(
    center, department, asked_on, late
):
    """即办件 accepted Mon 01-05: a correction asked that day makes it due the day it is answered;
    one asked on Tuesday finds it overdue since Monday's close, and answering it changes nothing."""
    item = ServiceItemFactory(center=center, department=department, immediate=True)
    case = accept(item, day=dt.date(2026, 1, 5))
    case = services.request_correction(actor=None, case=case, reason="缺签字", at=at(asked_on))
    case = services.resubmit_case(actor=None, case=case, at=at(dt.date(2026, 1, 6), 11))
    assert case.due_date == (dt.date(2026, 1, 5) if late else dt.date(2026, 1, 6))
    case = services.complete_case(
        actor=None, case=case, approved=True, at=at(dt.date(2026, 1, 6), 15)
    )
    assert case.completed_late is late
    assert case.elapsed_workdays == (1 if late else 0)


def test_suspension_needs_told_duration_and_resumes_previous_state(item):
    case = accept(item, day=dt.date(2026, 3, 2))
    services.start_review(actor=None, case=case)
    with refusal(CaseError.SPECIAL_DAYS_REQUIRED):
        services.suspend_case(actor=None, case=case, kind="hearing", reason="听证")
    case = services.suspend_case(
        actor=None,
        case=case,
        kind="hearing",
        reason="听证",
        told_days=10,
        at=at(dt.date(2026, 3, 3)),
    )
    assert case.state == Case.State.SUSPENDED
    case = services.resume_case(actor=None, case=case, at=at(dt.date(2026, 3, 5)))
    assert case.state == Case.State.IN_REVIEW
    assert case.due_date == dt.date(2026, 3, 11)  # 1 day used, restart Fri 03-06, 4 more


def test_overdue_light_and_late_completion(item):
    case = accept(item, day=dt.date(2026, 3, 2))
    assert light_of(case, dt.date(2026, 3, 6)) == "green"
    assert light_of(case, dt.date(2026, 3, 9)) == "yellow"
    assert light_of(case, dt.date(2026, 3, 10)) == "red"
    case = services.complete_case(
        actor=None, case=case, approved=False, reason="不符合条件", at=at(dt.date(2026, 3, 10))
    )
    assert case.completed_late
    assert case.result == Case.Result.DENIED


def test_yellow_setting_by_percentage(center, department):
    settings = case_settings(center_id=center.pk)
    settings.yellow_percent = 50
    settings.save()
    item = ServiceItemFactory(center=center, department=department, promised_limit_days=10)
    case = accept(item, day=dt.date(2026, 3, 2))  # due Mon 03-16; 5 days left from Tue 03-10
    assert case.due_date == dt.date(2026, 3, 16)
    assert case.yellow_from == dt.date(2026, 3, 10)


def test_missing_materials_do_not_stop_the_clock_by_default(item):
    case = accept(item, day=dt.date(2026, 3, 2), mode="missing", materials_missing=["身份证明"])
    assert case.due_date == dt.date(2026, 3, 9)
    assert case.supply_by == dt.date(2026, 3, 9)
    with refusal(CaseError.MATERIALS_OUTSTANDING):
        services.complete_case(actor=None, case=case, approved=True)
    services.supply_materials(actor=None, case=case, at=at(dt.date(2026, 3, 4)))
    case = services.complete_case(actor=None, case=case, approved=True, at=at(dt.date(2026, 3, 5)))
    assert case.state == Case.State.COMPLETED


def test_missing_materials_stop_the_clock_when_the_centre_says_so(item, center):
    settings = case_settings(center_id=center.pk)
    settings.missing_materials_stop_clock = True
    settings.save()
    case = accept(item, day=dt.date(2026, 3, 2), mode="missing", materials_missing=["身份证明"])
    assert case.due_date is None
    case = services.supply_materials(actor=None, case=case, at=at(dt.date(2026, 3, 4)))
    assert case.due_date == dt.date(2026, 3, 11)  # restarts Thu 03-05, 5 days


def test_commitment_later_check_and_revocation(item):
    case = accept(item, day=dt.date(2026, 3, 2), mode="commitment")
    assert case.commitment_status == "pending"
    with refusal(CaseError.WRONG_STATE):
        services.verify_commitment(actor=None, case=case)
    case = services.complete_case(actor=None, case=case, approved=True, at=at(dt.date(2026, 3, 3)))
    assert case.commitment_check_by is not None
    case = services.revoke_commitment(actor=None, case=case, reason="承诺不实")
    assert case.result == Case.Result.REVOKED
    with refusal(CaseError.NO_PENDING_COMMITMENT):
        services.verify_commitment(actor=None, case=case)


def test_online_submission_accept_or_refuse(item):
    case = services.submit_case(
        item=item,
        applicant_type="company",
        applicant_name="某某有限公司",
        uscc=make_uscc(7),
        phone="13900001111",
    )
    assert case.state == Case.State.SUBMITTED
    with refusal(CaseError.REASON_REQUIRED):
        services.refuse_case(actor=None, case=case, reason=" ")
    refused = services.refuse_case(actor=None, case=case, reason="不属于本机关职权范围")
    assert refused.state == Case.State.REFUSED
    with refusal(CaseError.WRONG_STATE):
        services.accept_submitted_case(actor=None, case=case)


def test_invalid_applicant_identifier_is_refused(item):
    with refusal(CaseError.APPLICANT_INVALID) as err:
        services.accept_case(
            actor=None,
            item=item,
            applicant_type="person",
            applicant_name="李四",
            id_number="110101199003074515",
            phone="13800001234",
        )
    assert "id_number" in err.value.detail
    assert not Case.objects.exists()


def test_material_not_on_the_item_list_is_refused(item):
    with refusal(CaseError.MATERIAL_NOT_LISTED):
        accept(item, materials_received=["户口本"])
    assert not Case.objects.exists()


def test_invalid_transition_changes_nothing(item):
    case = accept(item, day=dt.date(2026, 3, 2))
    events = CaseEvent.objects.count()
    with refusal(CaseError.WRONG_STATE):
        services.deliver_case(actor=None, case=case, method="window")
    case.refresh_from_db()
    assert case.state == Case.State.ACCEPTED
    assert CaseEvent.objects.count() == events


def test_withdraw_closes_open_stops(item):
    case = accept(item, day=dt.date(2026, 3, 2))
    services.request_correction(actor=None, case=case, reason="补正", at=at(dt.date(2026, 3, 3)))
    case = services.withdraw_case(
        actor=None, case=case, reason="申请人撤回", at=at(dt.date(2026, 3, 5))
    )
    assert case.state == Case.State.WITHDRAWN
    assert not ClockStop.objects.filter(case=case, ended_on__isnull=True).exists()
    assert case.due_date == dt.date(2026, 3, 11)  # the stop 03-03..03-05 no longer open


def test_completion_hook_runs_inside_the_transaction(item):
    seen = []

    def hook(*, case, actor):
        seen.append(case.number)
        raise RuntimeError("feedback failed")

    case_completed.register(hook)
    try:
        case = accept(item, day=dt.date(2026, 3, 2))
        with pytest.raises(RuntimeError):
            services.complete_case(actor=None, case=case, approved=True)
    finally:
        case_completed.unregister(hook)
    case.refresh_from_db()
    assert seen == [case.number]
    assert case.state == Case.State.ACCEPTED


def test_recompute_deadlines_after_calendar_import(item):
    from govhall.core.models import WorkCalendarDay, WorkCalendarYear

    case = accept(item, day=dt.date(2031, 3, 3))
    assert case.due_provisional and case.due_date == dt.date(2031, 3, 10)
    year = WorkCalendarYear.objects.create(year=2031, source="import")
    WorkCalendarDay.objects.create(year=year, date=dt.date(2031, 3, 5), kind="holiday")
    assert services.recompute_deadlines(center_id=case.center_id) == 1
    case.refresh_from_db()
    assert not case.due_provisional
    assert case.due_date == dt.date(2031, 3, 11)


# --- permissions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("roles", "own_department", "allowed"),
    [
        ((), True, False),
        ((Role.WINDOW_STAFF,), True, False),
        ((Role.INSPECTOR,), False, False),
        ((Role.APPROVER,), False, False),
        ((Role.APPROVER,), True, True),
        ((Role.UNIT_LEAD,), True, True),
        ((Role.CENTER_ADMIN,), False, True),
    ],
)
def test_complete_permission(
    item, make_user, department, other_department, roles, own_department, allowed
):
    user = make_user(*roles, department=department if own_department else other_department)
    case = accept(item, day=dt.date(2026, 3, 2))
    if allowed:
        services.complete_case(actor=user, case=case, approved=True)
        case.refresh_from_db()
        assert case.state == Case.State.COMPLETED
    else:
        with pytest.raises(PermissionDenied):
            services.complete_case(actor=user, case=case, approved=True)
        case.refresh_from_db()
        assert case.state == Case.State.ACCEPTED
        assert case.events.count() == 1


def test_comprehensive_window_accepts_for_the_departments_it_serves(
    item, make_user, other_department, center
):
    window = WindowFactory(center=center, departments=[item.department])
    clerk = make_user(Role.WINDOW_STAFF, department=other_department)
    with refusal(CaseError.WINDOW_NOT_FOR_ITEM):
        accept(item, actor=clerk)
    clerk.staff_profile.windows.add(window)
    case = accept(item, actor=clerk, window=window)
    assert case.accepted_by == clerk
    assert case.window == window


def test_normal_acceptance_needs_every_required_material(center, department):
    item = ServiceItemFactory(center=center, department=department)
    for name in ("申请书", "营业执照", "身份证明"):
        MaterialFactory(item=item, name=name)
    MaterialFactory(item=item, name="委托书", required=False)
    with refusal(CaseError.MATERIALS_INCOMPLETE) as refused:
        accept(item, materials_received=["申请书"])
    assert refused.value.code == "materials_incomplete"
    assert refused.value.detail["materials"] == ["营业执照", "身份证明"]
    assert "补正" in refused.value.message
    assert not Case.objects.exists()
    case = accept(item, materials_received=["申请书", "营业执照", "身份证明"])
    assert case.mode == Case.Mode.NORMAL


def test_missing_acceptance_lists_every_required_material_not_received(center, department):
    item = ServiceItemFactory(center=center, department=department)
    for name in ("申请书", "营业执照", "身份证明"):
        MaterialFactory(item=item, name=name)
    with refusal(CaseError.MATERIALS_INCOMPLETE) as refused:
        accept(item, mode="missing", materials_received=["申请书"], materials_missing=["营业执照"])
    assert refused.value.detail["materials"] == ["身份证明"]
    case = accept(
        item,
        mode="missing",
        materials_received=["申请书", "营业执照"],
        materials_missing=["身份证明"],
        supply_by=dt.date(2026, 12, 31),
    )
    assert case.materials_missing == ["身份证明"]
    assert case.supply_by == dt.date(2026, 12, 31)


def test_commitment_acceptance_takes_the_pledge_for_the_materials(center, department):
    item = ServiceItemFactory(center=center, department=department)
    MaterialFactory(item=item, name="申请书")
    case = accept(item, mode="commitment", materials_received=[])
    assert case.commitment_status == Case.Commitment.PENDING


def test_acceptance_of_an_online_application_checks_the_materials_too(center, department):
    item = ServiceItemFactory(center=center, department=department)
    MaterialFactory(item=item, name="申请书")
    case = services.submit_case(
        item=item, applicant_type="person", applicant_name="张三", phone="13800001234",
        id_number=make_id_number(7),
    )  # fmt: skip
    with refusal(CaseError.MATERIALS_INCOMPLETE):
        services.accept_submitted_case(actor=None, case=case)
    case.refresh_from_db()
    assert case.state == Case.State.SUBMITTED


def test_an_online_application_is_entered_by_an_intake_account(item, make_user, department):
    """The online hall's account holds the accept permission; the service asks it, so the API
    and any other caller are refused alike, and nothing is written."""
    application = {
        "item": item,
        "applicant_type": "person",
        "applicant_name": "赵六",
        "phone": "13900005678",
        "id_number": make_id_number(8),
    }
    for actor in (make_user(Role.LEADER), make_user(Role.APPROVER, department=department)):
        with pytest.raises(PermissionDenied):
            services.submit_case(**application, actor=actor)
    assert not Case.objects.exists()
    clerk = make_user(Role.WINDOW_STAFF, department=department)
    assert services.submit_case(**application, actor=clerk).state == Case.State.SUBMITTED
