"""The law's remaining clocks (行政许可法 arts. 32, 42, 44, 45; 一次性告知; 容缺 supply dates).

Every date below is worked by hand on the 2026 calendar of chinese-calendar: March has no
holiday (03-02 is a Monday); 清明 rests Mon 04-06; 劳动节 rests Fri 05-01 and Mon–Tue 05-04/05
with Sat 05-09 a make-up working day.
"""

import datetime as dt
import importlib

import chinese_calendar
import pytest
from django.apps import apps as django_apps
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govhall.cases import selectors, services
from govhall.cases.errors import CaseError
from govhall.cases.models import Case, CaseEvent
from govhall.catalog.models import ServiceItem
from govhall.core.errors import PermissionDenied
from govhall.core.roles import Role
from tests.cases.factories import accept, at, refusal
from tests.factories import CenterFactory, ServiceItemFactory, WindowFactory, make_id_number

pytestmark = pytest.mark.django_db

D = dt.date
MARCH = {"start": D(2026, 3, 1), "end": D(2026, 3, 31)}
MAY = {"start": D(2026, 5, 1), "end": D(2026, 5, 31)}


@pytest.fixture
def item(center, department):
    return ServiceItemFactory(center=center, department=department, promised_limit_days=5)


@pytest.fixture
def head(make_user, department):
    """The office's head in the hall (首席代表): may approve an extension."""
    return make_user(Role.UNIT_LEAD, department=department)


def submit(item, day: D, channel: str = "online", seq: int = 1) -> Case:
    return services.submit_case(
        item=item,
        applicant_type="person",
        applicant_name="李四",
        id_number=make_id_number(900 + seq),
        phone="13900001234",
        channel=channel,
        at=at(day),
    )


def count_workdays(start: D, n: int) -> D:
    """The Nth working day after `start`, counted day by day on chinese_calendar."""
    day = start
    while n:
        day += dt.timedelta(days=1)
        n -= chinese_calendar.is_workday(day)
    return day


# --- art. 42: extension -------------------------------------------------------------------------


def test_extension_by_the_head_moves_the_due_date_and_is_recorded(item, head):
    # Accepted Mon 03-02, 5 days → due Mon 03-09. Extended on Thu 03-05 by 10: 15 days from 03-02
    # = 03-03..06 (4), 03-09..13 (9), 03-16..20 (14), Mon 03-23 (15).
    case = accept(item, day=D(2026, 3, 2))
    assert case.due_date == D(2026, 3, 9)
    case = services.extend_case(
        actor=head, case=case, days=10, reason="需现场核查", at=at(D(2026, 3, 5))
    )
    assert case.due_date == D(2026, 3, 23)
    assert case.extension_days == 10
    assert case.extension_approved_by == head
    event = CaseEvent.objects.get(case=case, type=CaseEvent.Type.EXTENDED)
    assert event.actor == head
    assert event.details == {
        "days": 10,
        "reason": "需现场核查",
        "due_before": "2026-03-09",
        "due_date": "2026-03-23",
    }
    # the applicant is told: the progress page shows the reason and the new date
    [step] = [s for s in selectors.public_steps(case) if s["type"] == "extended"]
    assert "需现场核查" in step["note"] and "2026-03-23" in step["note"]


def test_extension_across_qingming(item):
    # Accepted Tue 03-31, 5 days: 04-01, 02, 03 (3), 04-06 rests, 04-07 (4), 04-08 (5).
    # Extended by 3: 04-09, 04-10, Mon 04-13.
    case = accept(item, day=D(2026, 3, 31))
    assert case.due_date == D(2026, 4, 8)
    case = services.extend_case(
        actor=None, case=case, days=3, reason="专家意见待定", at=at(D(2026, 4, 1))
    )
    assert case.due_date == D(2026, 4, 13)


def test_extension_only_once_within_ten_days_with_reason(item, head):
    case = accept(item, day=D(2026, 3, 2))
    for days, reason, code in (
        (11, "理由", CaseError.EXTENSION_DAYS_INVALID),
        (0, "理由", CaseError.EXTENSION_DAYS_INVALID),
        (5, "  ", CaseError.REASON_REQUIRED),
    ):
        with refusal(code):
            services.extend_case(actor=head, case=case, days=days, reason=reason)
    services.extend_case(actor=head, case=case, days=5, reason="理由", at=at(D(2026, 3, 3)))
    with refusal(CaseError.ALREADY_EXTENDED):
        services.extend_case(actor=head, case=case, days=1, reason="再延", at=at(D(2026, 3, 4)))
    case.refresh_from_db()
    assert case.extension_days == 5
    assert CaseEvent.objects.filter(case=case, type="extended").count() == 1


def test_extension_after_the_deadline_is_refused(item):
    case = accept(item, day=D(2026, 3, 2))  # due 03-09
    with refusal(CaseError.PAST_DUE):
        services.extend_case(actor=None, case=case, days=5, reason="迟", at=at(D(2026, 3, 10)))
    case.refresh_from_db()
    assert case.extended_at is None and case.due_date == D(2026, 3, 9)


@pytest.mark.parametrize("role", [Role.WINDOW_STAFF, Role.APPROVER, Role.INSPECTOR])
def test_only_the_head_approves_an_extension(item, make_user, department, role):
    case = accept(item, day=D(2026, 3, 2))
    with pytest.raises(PermissionDenied):
        services.extend_case(
            actor=make_user(role, department=department), case=case, days=5, reason="理由"
        )
    assert not CaseEvent.objects.filter(case=case, type="extended").exists()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    accepted=st.dates(
        min_value=D(2026, 1, 5), max_value=D(2026, 10, 31)
    ),  # + 30 working days stays in 2026, the oracle's last year
    limit=st.integers(1, 20),
    days=st.integers(1, Case.EXTENSION_DAYS),
)
def test_extension_moves_the_due_date_by_exactly_its_working_days(
    center, department, accepted, limit, days
):
    item = ServiceItemFactory(center=center, department=department, promised_limit_days=limit)
    case = accept(item, day=accepted)
    due = case.due_date
    case = services.extend_case(actor=None, case=case, days=days, reason="理由", at=at(accepted))
    assert case.due_date == count_workdays(due, days) == count_workdays(accepted, limit + days)


# --- art. 32: deemed acceptance -----------------------------------------------------------------


def test_submission_not_answered_in_five_days_counts_from_receipt(item):
    # Received online Mon 03-02; 5 working days to answer → Mon 03-09. Accepted Mon 03-16: the
    # clock runs from 03-02, so 5 days end Mon 03-09 and the case is already red on 03-16.
    case = submit(item, D(2026, 3, 2))
    case = services.accept_submitted_case(actor=None, case=case, at=at(D(2026, 3, 16)))
    assert case.deemed_accepted_on == D(2026, 3, 2)
    assert case.due_date == D(2026, 3, 9)
    assert selectors.light_of(case, D(2026, 3, 16)) == "red"
    event = CaseEvent.objects.get(case=case, type="accepted")
    assert event.details["deemed_accepted_on"] == "2026-03-02"


def test_acceptance_on_the_fifth_day_is_not_deemed(item):
    # Received Mon 03-02, accepted Mon 03-09 (the 5th working day): counted from 03-09 → 03-16.
    case = submit(item, D(2026, 3, 2))
    case = services.accept_submitted_case(actor=None, case=case, at=at(D(2026, 3, 9)))
    assert case.deemed_accepted_on is None
    assert case.due_date == D(2026, 3, 16)


def test_a_notice_in_time_keeps_acceptance_where_it_is(item):
    # Received 03-02, told to correct Fri 03-06 (4th day), accepted Mon 03-16 → due Mon 03-23.
    case = submit(item, D(2026, 3, 2))
    services.notify_correction(actor=None, case=case, reason="申请表缺少签字", at=at(D(2026, 3, 6)))
    case = services.accept_submitted_case(actor=None, case=case, at=at(D(2026, 3, 16)))
    assert case.deemed_accepted_on is None
    assert case.due_date == D(2026, 3, 23)


def test_mailed_submission_around_labour_day(item):
    # Mail received Thu 04-30: 05-01, 04, 05 rest; 05-06 (1), 07 (2), 08 (3), Sat 05-09 (4,
    # make-up), Mon 05-11 (5). Accepted 05-11: not deemed. Accepted Tue 05-12: deemed from 04-30,
    # and 5 days from 04-30 end on 05-11.
    on_time = submit(item, D(2026, 4, 30), channel="mail", seq=1)
    late = submit(item, D(2026, 4, 30), channel="mail", seq=2)
    on_time = services.accept_submitted_case(actor=None, case=on_time, at=at(D(2026, 5, 11)))
    late = services.accept_submitted_case(actor=None, case=late, at=at(D(2026, 5, 12)))
    assert on_time.deemed_accepted_on is None
    assert late.deemed_accepted_on == D(2026, 4, 30)
    assert late.due_date == D(2026, 5, 11)


def test_unanswered_submissions_are_flagged_and_deemed_ones_counted(item, center):
    # On Tue 03-10: received 03-02 had its 5 days end on 03-09 → flagged; received Tue 03-03 has
    # until Tue 03-10 → not yet.
    old = submit(item, D(2026, 3, 2), seq=1)
    fresh = submit(item, D(2026, 3, 3), seq=2)
    flags = selectors.clock_flags(Case.objects.filter(center=center), D(2026, 3, 10))
    assert list(flags["unanswered"]) == [old]
    services.accept_submitted_case(actor=None, case=old, at=at(D(2026, 3, 16)))
    services.accept_submitted_case(actor=None, case=fresh, at=at(D(2026, 3, 4)))
    flags = selectors.clock_flags(Case.objects.filter(center=center), D(2026, 3, 16))
    assert list(flags["unanswered"]) == []
    assert [c.pk for c in flags["deemed"]] == [old.pk]
    figures = selectors.clock_figures(center_id=center.pk, **MARCH)
    assert figures.total["deemed_accepted"] == 1
    assert figures.by["department"][item.department_id]["deemed_accepted"] == 1


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    received=st.dates(min_value=D(2026, 1, 5), max_value=D(2026, 11, 30)),
    gap=st.integers(0, 20),
)
def test_deemed_exactly_when_more_than_five_working_days_passed(item, received, gap):
    accepted = received + dt.timedelta(days=gap)
    case = submit(item, received)
    case = services.accept_submitted_case(actor=None, case=case, at=at(accepted))
    late = accepted > count_workdays(received, Case.NOTICE_DAYS)
    assert (case.deemed_accepted_on == received) is late
    start = received if late else accepted
    assert case.due_date == count_workdays(start, item.limit_days)


# --- 一次性告知 --------------------------------------------------------------------------------


def test_second_correction_needs_a_reason_and_is_counted(item, center):
    case = accept(item, day=D(2026, 3, 2))
    services.request_correction(actor=None, case=case, reason="缺签字", at=at(D(2026, 3, 3)))
    services.resubmit_case(actor=None, case=case, at=at(D(2026, 3, 4)))
    with refusal(CaseError.REPEAT_REASON_REQUIRED) as refused:
        services.request_correction(actor=None, case=case, reason="缺印章", at=at(D(2026, 3, 5)))
    assert "repeat_reason" in refused.value.detail
    case.refresh_from_db()
    assert case.state == Case.State.ACCEPTED and case.correction_notices == 1
    assert CaseEvent.objects.filter(case=case, type="correction_requested").count() == 1
    case = services.request_correction(
        actor=None,
        case=case,
        reason="缺印章",
        repeat_reason="补正的章程为新版本,须重新盖章",
        at=at(D(2026, 3, 5)),
    )
    assert case.correction_notices == 2
    second = CaseEvent.objects.filter(case=case, type="correction_requested").last()
    assert second.details["repeat"] is True
    assert second.details["repeat_reason"] == "补正的章程为新版本,须重新盖章"
    flags = selectors.clock_flags(Case.objects.filter(center=center), D(2026, 3, 6))
    assert list(flags["repeat_corrections"]) == [case]
    assert selectors.clock_figures(center_id=center.pk, **MARCH).total["repeat_corrections"] == 1


def test_notice_before_acceptance_counts_towards_the_one_notice(item):
    case = submit(item, D(2026, 3, 2))
    services.notify_correction(actor=None, case=case, reason="缺签字", at=at(D(2026, 3, 3)))
    with refusal(CaseError.REPEAT_REASON_REQUIRED):
        services.notify_correction(actor=None, case=case, reason="又缺", at=at(D(2026, 3, 4)))
    case = services.accept_submitted_case(actor=None, case=case, at=at(D(2026, 3, 5)))
    with refusal(CaseError.REPEAT_REASON_REQUIRED):
        services.request_correction(actor=None, case=case, reason="再补", at=at(D(2026, 3, 6)))
    assert case.correction_notices == 1


# --- art. 44: delivery ------------------------------------------------------------------------


def test_delivery_within_ten_working_days_of_the_decision(item, center, department):
    # Decided Thu 04-30: 05-01, 04, 05 rest; 05-06 (1), 07, 08, Sat 09 (4), 11, 12, 13, 14, 15
    # (9), Mon 05-18 (10) → delivery due 05-18.
    window = WindowFactory(center=center)
    cases = [accept(item, day=D(2026, 4, 27)) for _n in range(4)]
    for case in cases[:3]:
        services.complete_case(actor=None, case=case, approved=True, at=at(D(2026, 4, 30)))
    denied = services.complete_case(
        actor=None, case=cases[3], approved=False, reason="不符", at=at(D(2026, 4, 30))
    )
    assert denied.delivery_due is None
    on_time = services.deliver_case(
        actor=None, case=cases[0], method="window", window=window, at=at(D(2026, 5, 18))
    )
    late = services.deliver_case(
        actor=None, case=cases[1], method="window", window=window, at=at(D(2026, 5, 19))
    )
    assert on_time.delivery_due == late.delivery_due == D(2026, 5, 18)
    assert not on_time.delivered_late
    assert late.delivered_late and late.delivery_window == window
    assert CaseEvent.objects.get(case=late, type="delivered").details["late"] is True
    # cases[2] is still undelivered on 05-19: flagged and, at May's end, counted as late
    flags = selectors.clock_flags(Case.objects.filter(center=center), D(2026, 5, 19))
    assert list(flags["delivery_overdue"]) == [cases[2]]
    figures = selectors.clock_figures(center_id=center.pk, **MAY)
    assert figures.total["delivered"] == 2
    assert figures.total["delivered_late"] == 2
    assert figures.total["delivery_on_time_rate"] == 0.5
    assert figures.by["department"][department.pk]["delivered_late"] == 2


@pytest.mark.parametrize(
    "kind",
    [k for k in ServiceItem.Kind if k != ServiceItem.Kind.LICENSE],
)
def test_only_a_licence_has_the_delivery_clock(center, department, kind):
    """Art. 44 binds 行政许可: a birth registration (行政确认) approved and not yet handed over is
    not "逾期未送达", nor counted among the deliveries."""
    other = ServiceItemFactory(center=center, department=department, kind=kind)
    case = accept(other, day=D(2026, 4, 27))
    case = services.complete_case(actor=None, case=case, approved=True, at=at(D(2026, 4, 30)))
    assert case.delivery_due is None
    assert not selectors.clock_flags(Case.objects.filter(center=center), D(2026, 6, 1))[
        "delivery_overdue"
    ].exists()
    late = services.deliver_case(
        actor=None,
        case=case,
        method="window",
        window=WindowFactory(center=center),
        at=at(D(2026, 5, 29)),
    )
    assert not late.delivered_late
    figures = selectors.clock_figures(center_id=center.pk, **MAY)
    assert figures.total["delivered"] == 0
    assert figures.total["delivery_on_time_rate"] is None


def test_delivery_window_must_be_the_centres_and_only_for_handing_over(item, center):
    case = accept(item, day=D(2026, 3, 2))
    services.complete_case(actor=None, case=case, approved=True, at=at(D(2026, 3, 3)))
    elsewhere = WindowFactory(center=CenterFactory())
    own = WindowFactory(center=center)
    with refusal(CaseError.PICKUP_WINDOW_INVALID):
        services.deliver_case(actor=None, case=case, method="window", window=elsewhere)
    with refusal(CaseError.PICKUP_WINDOW_INVALID):
        services.deliver_case(
            actor=None, case=case, method="mail", tracking_number="SF1", window=own
        )
    case.refresh_from_db()
    assert case.state == Case.State.COMPLETED


# --- art. 45 and 容缺 ------------------------------------------------------------------------


def test_procedure_past_its_told_duration_is_flagged(item, center):
    # Suspended Wed 03-04, told 3 working days: 03-05, 03-06, Mon 03-09 → told until 03-09.
    case = accept(item, day=D(2026, 3, 2))
    case = services.suspend_case(
        actor=None,
        case=case,
        kind="testing",
        reason="送检",
        told_days=3,
        at=at(D(2026, 3, 4)),
    )
    assert case.clock_stops.get().told_until == D(2026, 3, 9)
    qs = Case.objects.filter(center=center)
    assert not selectors.clock_flags(qs, D(2026, 3, 9))["procedure_overrun"].exists()
    assert list(selectors.clock_flags(qs, D(2026, 3, 10))["procedure_overrun"]) == [case]
    services.resume_case(actor=None, case=case, at=at(D(2026, 3, 11)))
    assert not selectors.clock_flags(qs, D(2026, 3, 12))["procedure_overrun"].exists()


def test_missing_material_past_its_supply_date_is_flagged(center, department):
    item = ServiceItemFactory(center=center, department=department, promised_limit_days=5)
    item.materials.create(name="营业执照副本", required=False)
    case = accept(
        item,
        day=D(2026, 3, 2),
        mode="missing",
        materials_missing=["营业执照副本"],
        supply_by=D(2026, 3, 5),
    )
    qs = Case.objects.filter(center=center)
    assert not selectors.clock_flags(qs, D(2026, 3, 5))["missing_overdue"].exists()
    assert list(selectors.clock_flags(qs, D(2026, 3, 6))["missing_overdue"]) == [case]
    services.supply_materials(actor=None, case=case, at=at(D(2026, 3, 6)))
    assert not selectors.clock_flags(qs, D(2026, 3, 9))["missing_overdue"].exists()


def test_extensions_are_counted_by_department(item, center, department, other_department):
    other = ServiceItemFactory(center=center, department=other_department, promised_limit_days=5)
    case = accept(item, day=D(2026, 3, 2))
    services.extend_case(actor=None, case=case, days=2, reason="理由", at=at(D(2026, 3, 3)))
    accept(other, day=D(2026, 3, 2))
    figures = selectors.clock_figures(center_id=center.pk, start=D(2026, 1, 1), end=D(2026, 12, 31))
    assert figures.total["extended"] == 1
    assert figures.by["department"][department.pk]["extended"] == 1
    assert other_department.pk not in figures.by["department"]


def test_the_migration_takes_the_delivery_clock_off_cases_of_other_items(item, center, department):
    """Cases completed before the rule kept a delivery date whatever their item: the migration
    clears it where the item is not a licence and leaves the licences' alone."""
    migration = importlib.import_module(
        "govhall.cases.migrations.0009_delivery_clock_licences_only"
    )
    other = ServiceItemFactory(
        center=center, department=department, kind=ServiceItem.Kind.CONFIRMATION
    )
    licence, confirmation = (
        services.complete_case(
            actor=None, case=accept(i, day=D(2026, 4, 27)), approved=True, at=at(D(2026, 4, 30))
        )
        for i in (item, other)
    )
    Case.objects.filter(pk=confirmation.pk).update(delivery_due=D(2026, 5, 18), delivered_late=True)
    migration.clear_delivery_clock(django_apps, None)
    confirmation.refresh_from_db()
    licence.refresh_from_db()
    assert (confirmation.delivery_due, confirmation.delivered_late) == (None, False)
    assert licence.delivery_due == D(2026, 5, 18)
