"""Hypothesis state machine: the ticket life and the numbering against a plain Python model."""

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from govhall.core.errors import Conflict, InvalidTransition
from govhall.queueing import selectors, services
from govhall.queueing.models import QueueSettings, Ticket, TicketEvent
from tests.factories import CenterFactory, DepartmentFactory
from tests.queueing.factories import QueueCategoryFactory, at, open_hall, staffed_window

START = dt.date(2026, 11, 23)  # a Monday
_region = itertools.count(500000)


class QueueMachine(RuleBasedStateMachine):
    @initialize(policy=st.sampled_from(list(QueueSettings.ClosingPolicy)))
    def setup(self, policy):
        self.center = CenterFactory(region_code=f"{next(_region)}")
        self.policy = policy
        open_hall(self.center, recall_limit=1, recall_cooldown_seconds=0, closing_policy=policy)
        department = DepartmentFactory(center=self.center)
        self.a = QueueCategoryFactory(center=self.center, prefix="A")
        self.b = QueueCategoryFactory(center=self.center, prefix="B")
        self.desks = [
            staffed_window(self.center, department, number="1", categories=[self.a, self.b]),
            staffed_window(self.center, department, number="2", categories=[self.b]),
        ]
        self.day = START
        self.clock = at(9, day=START)
        self.expected: dict[int, str] = {}  # ticket id → state
        self.rows: dict[int, dict] = {}  # ticket id → ordering facts
        self.next_seq: dict[tuple[str, dt.date], int] = {}
        self.current: dict[int, int | None] = {0: None, 1: None}

    # --- helpers ---
    def waiting_for(self, desk: int) -> list[int]:
        prefixes = {"A", "B"} if desk == 0 else {"B"}
        ids = [
            pk
            for pk, state in self.expected.items()
            if state == "waiting"
            and self.rows[pk]["prefix"] in prefixes
            and (
                self.rows[pk]["issue_date"] == self.day
                or (
                    self.policy == "carry_over"
                    and self.rows[pk]["issue_date"] >= selectors.previous_workday(self.day)
                )
            )
        ]
        return sorted(
            ids, key=lambda pk: (not self.rows[pk]["priority"], self.rows[pk]["queue_at"], pk)
        )

    def tick(self, seconds: int) -> None:
        self.clock += dt.timedelta(seconds=seconds)

    # --- rules ---
    @rule(
        batch=st.lists(st.tuples(st.sampled_from("AB"), st.booleans()), min_size=1, max_size=4),
        seconds=st.integers(0, 120),
    )
    def issue(self, batch, seconds):
        self.tick(seconds)
        for prefix, priority in batch:
            category = self.a if prefix == "A" else self.b
            ticket = services.issue_ticket(
                category=category,
                channel=Ticket.Channel.KIOSK,
                priority_reason=Ticket.Priority.PREGNANT if priority else "",
                at=self.clock,
            )
            seq = self.next_seq.get((prefix, self.day), 1)
            self.next_seq[(prefix, self.day)] = seq + 1
            assert ticket.number == f"{prefix}{seq:03d}"
            self.expected[ticket.pk] = "waiting"
            self.rows[ticket.pk] = {
                "prefix": prefix,
                "priority": priority,
                "queue_at": ticket.queue_at,
                "issue_date": self.day,
            }

    @rule(desk=st.sampled_from([0, 1]), seconds=st.integers(0, 300))
    def call(self, desk, seconds):
        self.tick(seconds)
        window, staff = self.desks[desk]
        if self.current[desk] is not None:
            with pytest.raises(Conflict):
                services.call_next(window=window, staff=staff, at=self.clock)
            return
        candidates = self.waiting_for(desk)
        ticket = services.call_next(window=window, staff=staff, at=self.clock)
        if not candidates:
            assert ticket is None
            return
        assert ticket.pk == candidates[0]
        self.expected[ticket.pk] = "called"
        self.current[desk] = ticket.pk

    def act(self, desk, fn, new_state, allowed):
        window, staff = self.desks[desk]
        pk = self.current[desk]
        ticket = Ticket.objects.get(pk=pk)
        if self.expected[pk] not in allowed:
            with pytest.raises(InvalidTransition):
                fn(ticket=ticket, window=window, staff=staff, at=self.clock)
            return None
        result = fn(ticket=ticket, window=window, staff=staff, at=self.clock)
        self.expected[pk] = new_state
        if new_state not in ("called", "serving"):
            self.current[desk] = None
        return result

    @precondition(lambda self: any(v is not None for v in self.current.values()))
    @rule(desk=st.sampled_from([0, 1]), seconds=st.integers(1, 900))
    def start_or_finish(self, desk, seconds):
        if self.current[desk] is None:
            return
        self.tick(seconds)
        if self.expected[self.current[desk]] == "called":
            self.act(desk, services.start_ticket, "serving", {"called"})
        else:
            self.act(desk, services.finish_ticket, "done", {"called", "serving"})

    @precondition(lambda self: any(v is not None for v in self.current.values()))
    @rule(desk=st.sampled_from([0, 1]))
    def recall_then_no_show(self, desk):
        pk = self.current[desk]
        if pk is None:
            return
        window, staff = self.desks[desk]
        ticket = Ticket.objects.get(pk=pk)
        if self.expected[pk] != "called":
            with pytest.raises(InvalidTransition):
                services.recall_ticket(ticket=ticket, window=window, staff=staff, at=self.clock)
            return
        if ticket.recall_count == 0:
            with pytest.raises(InvalidTransition):
                services.mark_no_show(ticket=ticket, window=window, staff=staff, at=self.clock)
            services.recall_ticket(ticket=ticket, window=window, staff=staff, at=self.clock)
        self.act(desk, services.mark_no_show, "no_show", {"called"})

    @precondition(lambda self: any(v is not None for v in self.current.values()))
    @rule(desk=st.sampled_from([0, 1]))
    def transfer_to_b(self, desk):
        pk = self.current[desk]
        if pk is None:
            return
        window, staff = self.desks[desk]
        successor = services.transfer_ticket(
            ticket=Ticket.objects.get(pk=pk),
            window=window,
            staff=staff,
            to_category=self.b,
            at=self.clock,
        )
        self.expected[pk] = "transferred"
        self.current[desk] = None
        assert successor.number == Ticket.objects.get(pk=pk).number
        self.expected[successor.pk] = "waiting"
        self.rows[successor.pk] = {**self.rows[pk], "prefix": "B"}

    @precondition(lambda self: "waiting" in self.expected.values())
    @rule(data=st.data())
    def cancel(self, data):
        pk = data.draw(st.sampled_from([k for k, v in self.expected.items() if v == "waiting"]))
        services.cancel_ticket(ticket=Ticket.objects.get(pk=pk), at=self.clock)
        self.expected[pk] = "cancelled"

    @precondition(lambda self: all(v is None for v in self.current.values()))
    @rule()
    def next_day(self):
        services.close_queue_day(center=self.center, day=self.day, at=at(17, 30, day=self.day))
        for pk, state in self.expected.items():
            if state == "waiting" and (
                self.policy == "expire" or self.rows[pk]["issue_date"] < self.day
            ):
                self.expected[pk] = "expired"
        self.day += dt.timedelta(days=1)
        self.clock = at(9, day=self.day)

    # --- invariants ---
    @invariant()
    def database_matches_model(self):
        if not hasattr(self, "center"):
            return
        actual = dict(Ticket.objects.filter(center=self.center).values_list("id", "state"))
        assert actual == self.expected

    @invariant()
    def numbers_are_unique_and_never_reused(self):
        if not hasattr(self, "center"):
            return
        originals = Ticket.objects.filter(center=self.center, transferred_from__isnull=True)
        keys = list(originals.values_list("issue_date", "number"))
        assert len(keys) == len(set(keys))

    @invariant()
    def one_call_event_per_called_ticket_and_one_ticket_per_window(self):
        if not hasattr(self, "center"):
            return
        for window, _staff in self.desks:
            assert (
                Ticket.objects.filter(window=window, state__in=["called", "serving"]).count() <= 1
            )
        calls = TicketEvent.objects.filter(center=self.center, kind="called")
        assert calls.count() == len(set(calls.values_list("ticket_id", flat=True)))


@pytest.mark.django_db
def test_ticket_life_and_numbering():
    QueueMachine.TestCase.settings = settings(
        max_examples=12,
        stateful_step_count=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    QueueMachine.TestCase().runTest()
