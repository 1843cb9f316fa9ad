"""并联审批 / 一件事 (行政许可法 arts. 26, 38, 42 para. 2, 45): the services and the figures.

Dates worked by hand on the 2026 calendar of chinese-calendar: March has no holiday (03-02 is a
Monday); 清明 rests Sat 04-04 to Mon 04-06; 劳动节 rests Fri 05-01 to Tue 05-05 with Sat 05-09 a
make-up working day. Working days after Mon 03-02: March 03..31 gives 21 (03-31 is the 21st);
April 01..03 → 24, 07..10 → 28, 13..17 → 33, 20..24 → 38, 27..30 → 42; May 06, 07, 08 → 45.
So 45 working days from 03-02 end on Fri 2026-05-08; then Sat 05-09 → 46, 05-11..15 → 51,
05-18..22 → 56, 05-25..28 → 60: 45 + 15 end on Thu 2026-05-28.
"""

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govhall.cases import demo, joint, joint_selectors, services
from govhall.cases.errors import CaseError
from govhall.cases.models import Case, CaseEvent, JointCase, JointEvent, JointPackage
from govhall.core.errors import PermissionDenied
from govhall.core.models import OutboxEvent
from govhall.core.roles import Role
from govhall.core.workdays import load_calendar
from govhall.org.scoping import scope_for
from tests.cases.factories import accept_joint, at, joint_package, refusal
from tests.factories import DepartmentFactory, MaterialFactory, ServiceItemFactory

pytestmark = pytest.mark.django_db

D = dt.date
MARCH_2 = D(2026, 3, 2)


@pytest.fixture
def lead(center):
    return DepartmentFactory(center=center, name="市场监管局")


@pytest.fixture
def fire(center):
    return DepartmentFactory(center=center, name="消防救援大队")


@pytest.fixture
def package(center, lead, fire):
    licence = ServiceItemFactory(center=center, department=lead, promised_limit_days=5)
    food = ServiceItemFactory(center=center, department=lead, promised_limit_days=10)
    check = ServiceItemFactory(center=center, department=fire, promised_limit_days=10)
    for item in (licence, food, check):
        MaterialFactory(item=item)
    return joint_package(center, [licence, food, check], lead=lead)


def steps_of(whole: JointCase) -> list[Case]:
    return list(Case.objects.filter(joint_step__joint=whole).order_by("joint_step__id"))


def decide_all(whole: JointCase, day: D, *, deny: int | None = None) -> None:
    for n, case in enumerate(steps_of(whole)):
        joint.decide_step(
            actor=None,
            joint=whole,
            case=case,
            approved=n != deny,
            reason="" if n != deny else "场所不符合消防安全要求",
            at=at(day),
        )


# --- acceptance and the clocks -----------------------------------------------------------------


def test_one_application_makes_a_step_per_item_each_with_its_own_limit(package):
    # Accepted Mon 03-02: the steps of 5 and 10 days are due Mon 03-09 and Mon 03-16; the
    # whole, 45 working days, Fri 05-08 (the module's docstring).
    whole = accept_joint(package, day=MARCH_2)
    steps = steps_of(whole)
    assert [s.due_date for s in steps] == [D(2026, 3, 9), D(2026, 3, 16), D(2026, 3, 16)]
    assert {s.state for s in steps} == {Case.State.ACCEPTED}
    assert whole.number.startswith("LB")
    clock = joint_selectors.clock_of(whole, today=MARCH_2)
    assert (clock.due, clock.provisional, clock.light) == (D(2026, 5, 8), False, "green")
    event = JointEvent.objects.get(joint=whole)
    assert event.details["due_date"] == "2026-05-08"
    assert event.details["steps"] == [s.number for s in steps]


def test_step_events_go_through_the_outbox_of_the_provincial_exchange(package):
    whole = accept_joint(package, day=MARCH_2)
    decide_all(whole, D(2026, 3, 6))
    for case in steps_of(whole):
        kinds = set(
            OutboxEvent.objects.filter(stream=f"case:{case.number}").values_list("kind", flat=True)
        )
        assert kinds == {"case.accepted", "case.completed"}
        assert CaseEvent.objects.get(case=case, type="accepted").details["joint"] == whole.number


def test_the_head_extends_the_whole_once_by_at_most_15_days(package, make_user, lead):
    # 45 + 15 working days from Mon 03-02 end on Thu 05-28 (the module's docstring).
    head = make_user(Role.UNIT_LEAD, department=lead)
    whole = accept_joint(package, day=MARCH_2)
    with refusal(CaseError.EXTENSION_DAYS_INVALID):
        joint.extend_joint_case(actor=head, joint=whole, days=16, reason="需组织联合踏勘")
    with refusal(CaseError.REASON_REQUIRED):
        joint.extend_joint_case(actor=head, joint=whole, days=15, reason="  ")
    whole = joint.extend_joint_case(
        actor=head, joint=whole, days=15, reason="需组织联合踏勘", at=at(D(2026, 4, 20))
    )
    assert joint_selectors.clock_of(whole).due == D(2026, 5, 28)
    assert (whole.extension_days, whole.extension_approved_by) == (15, head)
    event = whole.events.get(type=JointEvent.Type.EXTENDED)
    assert (event.details["due_before"], event.details["due_date"]) == ("2026-05-08", "2026-05-28")
    with refusal(CaseError.ALREADY_EXTENDED):
        joint.extend_joint_case(actor=head, joint=whole, days=1, reason="再次延长")


def test_no_extension_after_the_due_date(package):
    # Due Fri 05-08; asked on Mon 05-11.
    whole = accept_joint(package, day=MARCH_2)
    with refusal(CaseError.PAST_DUE):
        joint.extend_joint_case(
            actor=None, joint=whole, days=5, reason="迟到", at=at(D(2026, 5, 11))
        )
    whole.refresh_from_db()
    assert whole.extension_days == 0


def test_a_step_correction_stops_the_whole_clock(package):
    # The fire step asks for a correction on Wed 03-04, answered Fri 03-06: Thu 03-05 and
    # Fri 03-06 do not count (art. 45 / DOMAIN "Working days"). 45 working days then need
    # two more: 05-08 was the 45th, Sat 05-09 (make-up) the 46th, Mon 05-11 the 47th → 05-11.
    whole = accept_joint(package, day=MARCH_2)
    step = steps_of(whole)[2]
    services.request_correction(actor=None, case=step, reason="平面图不清晰", at=at(D(2026, 3, 4)))
    assert joint_selectors.clock_of(whole, today=D(2026, 3, 5)).light == "paused"
    services.resubmit_case(actor=None, case=step, at=at(D(2026, 3, 6)))
    assert joint_selectors.clock_of(whole).due == D(2026, 5, 11)


# --- the whole's outcome -----------------------------------------------------------------------


def test_the_whole_is_complete_when_every_step_is_decided(package):
    whole = accept_joint(package, day=MARCH_2)
    first, *rest = steps_of(whole)
    joint.decide_step(actor=None, joint=whole, case=first, approved=True, at=at(D(2026, 3, 5)))
    whole.refresh_from_db()
    assert whole.state == JointCase.State.RUNNING
    # The last step decided on Fri 03-13 on its own case page (services.complete_case): the
    # hook completes the whole. Mon 03-02 → Fri 03-13: 03-03..06 and 03-09..13 = 9 days.
    services.complete_case(actor=None, case=rest[0], approved=True, at=at(D(2026, 3, 10)))
    services.complete_case(actor=None, case=rest[1], approved=True, at=at(D(2026, 3, 13)))
    whole.refresh_from_db()
    assert (whole.state, whole.result) == (JointCase.State.COMPLETED, JointCase.Result.APPROVED)
    assert whole.completed_at == at(D(2026, 3, 13))
    clock = joint_selectors.clock_of(whole)
    assert (clock.elapsed_workdays, clock.late, clock.light) == (9, False, "")


def test_the_whole_is_denied_when_any_step_is_denied_with_the_reason(package, fire):
    whole = accept_joint(package, day=MARCH_2)
    decide_all(whole, D(2026, 3, 6), deny=2)
    whole.refresh_from_db()
    assert (whole.state, whole.result) == (JointCase.State.COMPLETED, JointCase.Result.DENIED)
    assert whole.reason == f"{fire.name}:场所不符合消防安全要求"
    event = whole.events.get(type=JointEvent.Type.COMPLETED)
    assert event.details["denied_by"] == [steps_of(whole)[2].number]


def test_late_whole_counts_its_working_days(package):
    # Every step decided Mon 05-11: 45 working days to Fri 05-08, Sat 05-09 (make-up) the
    # 46th, Mon 05-11 the 47th; due 05-08, so late.
    whole = accept_joint(package, day=MARCH_2)
    decide_all(whole, D(2026, 5, 11))
    whole.refresh_from_db()
    clock = joint_selectors.clock_of(whole)
    assert (clock.due, clock.elapsed_workdays, clock.late) == (D(2026, 5, 8), 47, True)


def test_withdrawing_the_whole_withdraws_the_undecided_steps(package, make_user, lead):
    whole = accept_joint(package, day=MARCH_2)
    first = steps_of(whole)[0]
    joint.decide_step(actor=None, joint=whole, case=first, approved=True, at=at(D(2026, 3, 3)))
    clerk = make_user(Role.WINDOW_STAFF, department=lead)
    whole = joint.withdraw_joint_case(
        actor=clerk, joint=whole, reason="申请人撤回", at=at(D(2026, 3, 4))
    )
    assert whole.state == JointCase.State.WITHDRAWN
    states = [s.state for s in steps_of(whole)]
    assert states == [Case.State.COMPLETED, Case.State.WITHDRAWN, Case.State.WITHDRAWN]
    with refusal(CaseError.JOINT_NOT_RUNNING):
        joint.withdraw_joint_case(actor=clerk, joint=whole)


def test_acceptance_needs_every_required_material_and_changes_nothing(package):
    items = list(package.items.order_by("pk"))
    with refusal(CaseError.MATERIALS_INCOMPLETE) as exc:
        accept_joint(package, materials_received={items[0].pk: []})
    assert exc.value.detail["item"] == items[0].pk
    with refusal(CaseError.ITEM_NOT_IN_PACKAGE):
        accept_joint(package, materials_received={-1: ["x"]})
    assert not JointCase.objects.exists()
    assert not Case.objects.exists()


def test_acceptance_normalises_the_applicant_as_a_single_case_does(package):
    fullwidth = " １３７００００１２３４ "
    whole = accept_joint(package, phone=fullwidth, id_number=" 11010519491231002x ")
    assert {(c.phone, c.id_number) for c in steps_of(whole)} == {
        ("13700001234", "11010519491231002X")
    }


# --- permissions -------------------------------------------------------------------------------


def test_a_department_sees_and_decides_its_own_step_only(package, make_user, lead, fire, center):
    whole = accept_joint(package, day=MARCH_2)
    licence, food, check = steps_of(whole)
    fire_approver = make_user(Role.APPROVER, department=fire)
    with pytest.raises(PermissionDenied):
        joint.decide_step(actor=fire_approver, joint=whole, case=licence, approved=True)
    licence.refresh_from_db()
    assert licence.state == Case.State.ACCEPTED
    joint.decide_step(actor=fire_approver, joint=whole, case=check, approved=True)
    fire_scope = scope_for(fire_approver)
    assert list(joint_selectors.visible_steps(fire_scope, whole)) == [check]
    lead_scope = scope_for(make_user(Role.APPROVER, department=lead))
    assert list(joint_selectors.visible_steps(lead_scope, whole)) == [licence, food, check]
    outsider = scope_for(make_user(Role.APPROVER, department=DepartmentFactory(center=center)))
    assert not joint_selectors.visible_joint_cases(outsider).exists()
    assert list(joint_selectors.visible_joint_cases(fire_scope)) == [whole]


def test_only_the_lead_or_the_centre_accepts_extends_and_withdraws(package, make_user, fire):
    clerk = make_user(Role.WINDOW_STAFF, department=fire)
    with refusal(CaseError.LEAD_WINDOW_ONLY):
        accept_joint(package, actor=clerk)
    whole = accept_joint(package, day=MARCH_2)
    head = make_user(Role.UNIT_LEAD, department=fire)
    with refusal(CaseError.NOT_LEAD):
        joint.extend_joint_case(actor=head, joint=whole, days=5, reason="需踏勘")
    with refusal(CaseError.NOT_LEAD):
        joint.withdraw_joint_case(actor=head, joint=whole)
    whole.refresh_from_db()
    assert (whole.extension_days, whole.state) == (0, JointCase.State.RUNNING)
    admin = make_user(Role.CENTER_ADMIN)
    joint.extend_joint_case(actor=admin, joint=whole, days=5, reason="需踏勘", at=at(MARCH_2))


def test_a_case_outside_the_joint_case_is_not_its_step(package):
    first = accept_joint(package, day=MARCH_2)
    other = accept_joint(package, day=MARCH_2)
    with refusal(CaseError.NOT_A_STEP):
        joint.decide_step(actor=None, joint=first, case=steps_of(other)[0], approved=True)


# --- figures -----------------------------------------------------------------------------------


def test_figures_per_department_and_for_the_whole(package, lead, fire):
    # Three joint cases accepted Mon 03-02 (due 05-08; steps of 5 days due 03-09, of 10 days
    # 03-16):
    # A: every step decided Fri 03-06 → completed on time in 4 working days;
    # B: every step decided Mon 03-16, the 5-day licence step late (due 03-09), the whole on
    #    time in 10 working days (03-03..06, 03-09..13, 03-16);
    # C: still running at the end of March, its steps all past due (03-09 / 03-16).
    # March: lead received 6 steps (2 per case), done 4 (A's two on time, B's food on time, B's
    # licence late) → on_time 3, overdue 1 late + 2 open (C) = 3; fire received 3, done 2 on
    # time, overdue 1 (C). Whole: accepted 3, completed 2, overdue 0 (C due 05-08),
    # avg (4 + 10) / 2 = 7.
    a, b, _c = (accept_joint(package, day=MARCH_2) for _ in range(3))
    decide_all(a, D(2026, 3, 6))
    decide_all(b, D(2026, 3, 16))
    figures = joint_selectors.joint_figures(
        center_id=package.center_id, start=D(2026, 3, 1), end=D(2026, 3, 31)
    )
    assert figures.by_department[lead.pk] == {"received": 6, "done": 4, "on_time": 3, "overdue": 3}
    assert figures.by_department[fire.pk] == {"received": 3, "done": 2, "on_time": 2, "overdue": 1}
    expected = {"accepted": 3, "completed": 2, "denied": 0, "overdue": 0, "avg_workdays": 7.0}
    assert figures.total == expected
    assert figures.by_package[package.pk] == expected
    # May: C, still running on 05-31, is past the whole's due date 05-08.
    may = joint_selectors.joint_figures(
        center_id=package.center_id, start=D(2026, 5, 1), end=D(2026, 5, 31)
    )
    assert may.total == {
        "accepted": 0,
        "completed": 0,
        "denied": 0,
        "overdue": 1,
        "avg_workdays": None,
    }


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    offset=st.integers(min_value=0, max_value=250),
    extension=st.integers(min_value=0, max_value=15),
)
def test_the_whole_is_due_45_plus_extension_working_days_after_acceptance(
    package, offset, extension
):
    day = D(2026, 1, 5) + dt.timedelta(days=offset)
    whole = accept_joint(package, day=day)
    if extension:
        whole = joint.extend_joint_case(
            actor=None, joint=whole, days=extension, reason="联合踏勘", at=at(day)
        )
    expected = load_calendar().add_workdays(day, JointCase.LIMIT_DAYS + extension).date
    assert joint_selectors.clock_of(whole, today=day).due == expected


def test_the_demo_makes_packages_and_joint_cases(center, lead, fire, monkeypatch):
    monkeypatch.setattr(demo, "CASES", 5)
    monkeypatch.setattr(demo, "JOINT_CASES", 6)
    for name, department in (("出生登记", lead), ("城乡居民基本医疗保险参保登记", fire)):
        MaterialFactory(item=ServiceItemFactory(center=center, department=department, name=name))
    demo.load_demo(center, password="x")
    package = JointPackage.objects.get(center=center)
    assert (package.name, package.lead_department) == ("新生儿出生一件事", lead)
    assert package.cases.count() == 6
    today = timezone.localdate()
    figures = joint_selectors.joint_figures(
        center_id=center.pk, start=today - dt.timedelta(days=200), end=today
    )
    assert figures.total["accepted"] == 6
    assert set(figures.by_department) == {lead.pk, fire.pk}
    assert sum(row["received"] for row in figures.by_department.values()) == 12


def test_steps_withdrawn_on_their_own_case_pages_end_the_whole_at_once(package):
    """The hook follows a withdrawal too: once no step is left running the whole ends then,
    not at some later decision. Decided on 03-03, the others withdrawn on 03-04."""
    whole = accept_joint(package, day=MARCH_2)
    first, *others = steps_of(whole)
    joint.decide_step(actor=None, joint=whole, case=first, approved=True, at=at(D(2026, 3, 3)))
    for case in others:
        services.withdraw_case(actor=None, case=case, reason="申请人撤回", at=at(D(2026, 3, 4)))
    whole.refresh_from_db()
    assert whole.state == JointCase.State.COMPLETED
    assert whole.result == JointCase.Result.APPROVED


def test_every_step_withdrawn_on_its_case_page_withdraws_the_whole(package):
    whole = accept_joint(package, day=MARCH_2)
    for case in steps_of(whole):
        services.withdraw_case(actor=None, case=case, reason="申请人撤回", at=at(D(2026, 3, 4)))
    whole.refresh_from_db()
    assert whole.state == JointCase.State.WITHDRAWN
