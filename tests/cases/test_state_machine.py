"""The life of a case as a hypothesis rule-based state machine.

Any sequence of actions, on days moving forward through holidays and make-up days, must leave
the case consistent: the state matches its timestamps and open clock stops, every successful
action wrote one event and one outbox row, a refused action changed nothing, and the due date
equals an independent count over `chinese_calendar` that skips the stopped periods.
"""

import datetime as dt

import chinese_calendar
import pytest
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from govhall.cases import services
from govhall.cases.models import Case, CaseEvent, ClockStop
from govhall.core.errors import InvalidTransition
from govhall.core.models import OutboxEvent
from tests.cases.factories import accept, at
from tests.factories import MaterialFactory, ServiceItemFactory

pytestmark = pytest.mark.django_db

START = dt.date(2026, 1, 5)
LAST = dt.date(2026, 12, 31)  # chinese_calendar knows 2026: every due date here is official


def expected_due(accepted_on: dt.date, limit: int, stops: list[tuple[dt.date, dt.date]]):
    """Count the limit day by day, skipping rest days and the stopped periods (s, e]."""
    stopped = {s + dt.timedelta(days=k) for s, e in stops for k in range(1, (e - s).days + 1)}
    if limit == 0:
        due = accepted_on
        for s, e in sorted(stops):
            if s <= due:
                due = max(due, e)
        return due
    day, left = accepted_on, limit
    while left:
        day += dt.timedelta(days=1)
        if chinese_calendar.is_workday(day) and day not in stopped:
            left -= 1
    return day


class CaseLife(RuleBasedStateMachine):
    items: list = []

    @initialize(
        item_index=st.integers(0, 2),
        offset=st.integers(0, 250),
        mode=st.sampled_from(["normal", "missing", "commitment"]),
    )
    def accept_case(self, item_index, offset, mode):
        self.day = START + dt.timedelta(days=offset)
        item = self.items[item_index]
        self.case = accept(
            item,
            day=self.day,
            mode=mode,
            materials_missing=["补充材料"] if mode == "missing" else [],
        )
        self.successes = 1

    def act(self, fn, **kwargs):
        before = Case.objects.get(pk=self.case.pk)
        events = CaseEvent.objects.filter(case=self.case).count()
        try:
            self.case = fn(actor=None, case=self.case.pk, at=at(self.day, 11), **kwargs)
        except InvalidTransition:
            after = Case.objects.get(pk=self.case.pk)
            assert [getattr(after, f.attname) for f in Case._meta.concrete_fields] == [
                getattr(before, f.attname) for f in Case._meta.concrete_fields
            ]
            assert CaseEvent.objects.filter(case=self.case).count() == events
        else:
            self.successes += 1

    @rule(days=st.integers(0, 6))
    def time_passes(self, days):
        self.day = min(LAST, self.day + dt.timedelta(days=days))

    @rule()
    def review(self):
        self.act(services.start_review)

    @rule()
    def correction(self):
        self.act(services.request_correction, reason="补正", repeat_reason="前次补正后仍有缺漏")

    @rule(days=st.integers(1, Case.EXTENSION_DAYS))
    def extend(self, days):
        self.act(services.extend_case, days=days, reason="需现场核查")

    @rule()
    def resubmit(self):
        self.act(services.resubmit_case)

    @rule(kind=st.sampled_from(ClockStop.PROCEDURES), told=st.integers(1, 20))
    def suspend(self, kind, told):
        self.act(services.suspend_case, kind=kind, reason="程序", told_days=told)

    @rule()
    def resume(self):
        self.act(services.resume_case)

    @rule()
    def supply(self):
        self.act(services.supply_materials)

    @rule(approved=st.booleans())
    def complete(self, approved):
        self.act(services.complete_case, approved=approved, reason="" if approved else "不符")

    @rule(mail=st.booleans())
    def deliver(self, mail):
        self.act(
            services.deliver_case,
            method="mail" if mail else "window",
            tracking_number="SF1" if mail else "",
        )

    @rule()
    def withdraw(self):
        self.act(services.withdraw_case, reason="撤回")

    @rule(verified=st.booleans())
    def commitment_check(self, verified):
        if verified:
            self.act(services.verify_commitment)
        else:
            self.act(services.revoke_commitment, reason="承诺不实")

    @invariant()
    def timeline_and_outbox_match_the_actions(self):
        events = CaseEvent.objects.filter(case=self.case).count()
        assert events == self.successes
        assert OutboxEvent.objects.filter(stream=f"case:{self.case.number}").count() == events
        last = CaseEvent.objects.filter(case=self.case).order_by("at", "id").last()
        assert last.to_state == self.case.state

    @invariant()
    def state_matches_timestamps_and_stops(self):
        case = Case.objects.get(pk=self.case.pk)
        open_stops = list(case.clock_stops.filter(ended_on__isnull=True))
        assert case.accepted_at is not None
        if case.state in Case.DONE_STATES:
            assert case.completed_at and case.result and case.elapsed_workdays is not None
        else:
            assert case.completed_at is None and case.result == ""
        assert (case.delivered_at is not None) == (case.state == Case.State.DELIVERED)
        assert (case.closed_at is not None) == (case.state == Case.State.WITHDRAWN)
        kinds = {s.kind for s in open_stops}
        if case.state == Case.State.CORRECTION:
            assert ClockStop.Kind.CORRECTION in kinds
        if case.state == Case.State.SUSPENDED:
            assert kinds & set(ClockStop.PROCEDURES)
        if case.state not in Case.RUNNING_STATES:
            assert not open_stops
        if case.mode == Case.Mode.MISSING and case.state == Case.State.COMPLETED:
            assert case.result != Case.Result.APPROVED or case.supplied_at is not None

    @invariant()
    def due_date_counts_working_days_outside_stops(self):
        case = Case.objects.get(pk=self.case.pk)
        stops = list(case.clock_stops.values_list("started_on", "ended_on"))
        if any(end is None for _s, end in stops):
            return  # the due date depends on when the stop ends
        accepted_on = timezone.localdate(case.accepted_at)
        limit = case.limit_days + case.extension_days
        assert case.due_date == expected_due(accepted_on, limit, stops)
        if case.completed_at is not None:
            late = timezone.localdate(case.completed_at) > case.due_date
            assert case.completed_late == late
            if not late:
                assert case.elapsed_workdays <= limit

    @invariant()
    def extension_once_and_delivery_within_ten_days(self):
        case = Case.objects.get(pk=self.case.pk)
        extended = CaseEvent.objects.filter(case=case, type=CaseEvent.Type.EXTENDED).count()
        assert extended == (1 if case.extended_at else 0)
        assert case.extension_days <= Case.EXTENSION_DAYS
        if case.completed_at is None or case.result == Case.Result.DENIED:
            assert case.delivery_due is None
            return
        decided = timezone.localdate(case.completed_at)
        assert case.delivery_due == expected_due(decided, Case.DELIVERY_DAYS, [])
        delivered = case.delivered_at and timezone.localdate(case.delivered_at)
        assert case.delivered_late == bool(delivered and delivered > case.delivery_due)


def test_case_life_state_machine(center, department):
    items = []
    for limit, immediate in ((5, False), (1, False), (0, True)):
        item = ServiceItemFactory(
            center=center, department=department, promised_limit_days=limit, immediate=immediate
        )
        MaterialFactory(item=item, name="补充材料", required=False)
        items.append(item)
    CaseLife.items = items
    run_state_machine_as_test(
        CaseLife,
        settings=settings(
            max_examples=25,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
