"""Random months made through the services always pass the month's invariants (checks.py), and
their ranking never awards a unit without cases nor more units than the award's count."""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govhall.cases import services as cases
from govhall.feedback import links
from govhall.feedback import services as feedback
from govhall.feedback.models import Invitation
from govhall.performance import services
from tests.cases.factories import accept, at
from tests.factories import DepartmentFactory, ServiceItemFactory, make_id_number

pytestmark = pytest.mark.django_db

case_plans = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=3),  # department
        st.integers(min_value=1, max_value=31),  # day of May accepted
        st.one_of(st.none(), st.integers(min_value=0, max_value=20)),  # days to completion
        st.booleans(),  # online
        st.one_of(st.none(), st.integers(min_value=1, max_value=5)),  # rating
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plans=case_plans, award_count=st.integers(min_value=1, max_value=3))
def test_random_months_pass_the_invariants(center, plans, award_count):
    with transaction.atomic():
        departments = [
            DepartmentFactory(center=center, entered=i != 3) for i in range(4)
        ]  # the fourth is not entered
        items = [
            ServiceItemFactory(center=center, department=d, promised_limit_days=3)
            for d in departments
        ]
        for n, (dept, day, done_after, online, level) in enumerate(plans):
            accepted_on = dt.date(2026, 5, day)
            if online:
                submitted = cases.submit_case(
                    item=items[dept],
                    applicant_type="person",
                    applicant_name="李四",
                    phone="13800004321",
                    id_number=make_id_number(9000 + n),
                    at=at(accepted_on),
                )
                case = cases.accept_submitted_case(actor=None, case=submitted, at=at(accepted_on))
            else:
                case = accept(items[dept], day=accepted_on)
            if done_after is None:
                continue
            done = accepted_on + dt.timedelta(days=done_after)
            cases.complete_case(actor=None, case=case, approved=True, at=at(done))
            if level is not None:
                invitation = Invitation.objects.get(case=case)
                feedback.rate_with_link(
                    token=links.sign_invitation(invitation.pk),
                    level=level,
                    actor=None,
                    at=at(done),
                )
        rubric = services.ensure_default_rubric(center=center)
        rubric.awards.update(count=award_count)
        checks = services.check_period(center=center, code="2026-05")
        assert [c.text for c in checks if not c.ok] == []
        run = services.evaluate_period(center=center, code="2026-05")
        awarded = run.scores.exclude(award="")
        assert awarded.count() <= award_count
        assert all(s.standing == "ranked" for s in awarded)
        assert all(
            run.inputs["departments"][str(s.department_id)]["figures"]["accepted"] for s in awarded
        )
        transaction.set_rollback(True)
