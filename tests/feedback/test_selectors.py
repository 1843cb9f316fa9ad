"""Figures of a fixture month (May 2026) against hand-computed values (docs/feedback.md)."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from govhall.cases.models import Case
from govhall.core.roles import Role
from govhall.feedback import links, selectors, services
from govhall.feedback.models import AssistRecord, Rectification
from govhall.org.scoping import scope_for
from tests.factories import StaffProfileFactory, WindowFactory
from tests.feedback.factories import completed_case, hotline_rating, served_ticket

pytestmark = pytest.mark.django_db

MAY = (dt.date(2026, 5, 1), dt.date(2026, 5, 31))


def at(month, day, hour=10):
    return timezone.make_aware(dt.datetime(2026, month, day, hour))


def rate(invitation, level, when, phone=""):
    return services.rate_with_link(
        token=links.sign_invitation(invitation.pk),
        level=level,
        rater_phone=phone,
        actor=None,
        at=when,
    )


def hotline(center, department, level, when, ref):
    return hotline_rating(center, department, level=level, when=when, ref=ref)


def close_borne_out(rect, actor):
    """Take a bad rating's rectification through every step: borne out, fixed at once, the
    person reached and satisfied, closed."""
    for step, kwargs in (
        (services.verify_rectification, {"valid": True, "reason": "属实"}),
        (services.rectify, {"measures": "已整改", "kind": "immediate"}),
        (services.record_callback, {"reached": True, "satisfaction": "satisfied"}),
        (services.close_rectification, {}),
    ):
        step(rectification=rect, actor=actor, **kwargs)


@pytest.fixture
def month(center, department, other_department, admin_user, make_user):
    """The fixture month; every number in the tests below is counted from this by hand."""
    a, b = department, other_department
    wa = WindowFactory(center=center, departments=[a])
    wb = WindowFactory(center=center, departments=[b])
    ca = StaffProfileFactory(center=center, department=a, windows=[wa])
    cb = StaffProfileFactory(center=center, department=b, windows=[wb])

    def ticket(staff, window, when, invite=True):
        t = served_ticket(staff=staff, window=window, finished_at=when)
        return services.invite_for_ticket(ticket=t, actor=staff.user) if invite else t

    ta1, ta2, ta3 = (ticket(ca, wa, at(5, d)) for d in (10, 10, 11))
    ticket(ca, wa, at(5, 12), invite=False)  # served, never invited
    ticket(ca, wa, at(4, 30, 23))  # April: outside
    tb1, _tb2 = (ticket(cb, wb, at(5, d)) for d in (13, 14))
    online = services.invite_for_case(
        case=completed_case(department=a, accepted_by=ca.user, completed_at=at(5, 12)),
        actor=None,
    )
    at_window = services.invite_for_case(
        case=completed_case(
            department=a,
            window=wa,
            accepted_by=ca.user,
            channel=Case.Channel.WINDOW,
            completed_at=at(5, 12),
        ),
        actor=None,
    )
    # A case opened from ta1's ticket is part of that service: its invitation is not counted again.
    services.invite_for_case(
        case=completed_case(
            department=a,
            window=wa,
            accepted_by=ca.user,
            channel=Case.Channel.WINDOW,
            completed_at=at(5, 12),
            ticket=ta1.ticket,
        ),
        actor=None,
    )
    completed_case(department=b, completed_at=at(6, 1, 0))  # June: outside

    rate(ta1, 5, at(5, 10, 11))
    rate(ta2, 4, at(5, 11))
    bad_a = rate(ta3, 1, at(5, 12), phone="13800001111")  # real name: reached on callback
    rate(online, 3, at(5, 13))
    rate(at_window, 4, at(5, 16))
    bad_hotline = hotline(center, a, 2, at(5, 20), "H1")
    hotline(center, a, 5, at(6, 2), "H2")  # June: outside
    rate(tb1, 5, at(5, 14))
    malicious = hotline(center, b, 1, at(5, 15), "H3")
    lead = make_user(Role.UNIT_LEAD, department=b)
    appeal = services.file_appeal(evaluation=malicious, reason="恶意", actor=lead)
    services.decide_appeal(appeal=appeal, upheld=True, actor=admin_user)

    rect = bad_a.rectification
    close_borne_out(rect, admin_user)
    Rectification.objects.filter(pk=rect.pk).update(
        deadline=dt.date(2026, 5, 29), closed_at=at(5, 25)
    )
    services.verify_rectification(
        rectification=bad_hotline.rectification, valid=False, reason="不属实", actor=admin_user
    )
    Rectification.objects.filter(pk=bad_hotline.rectification.pk).update(
        deadline=dt.date(2026, 5, 28)
    )

    def complaint(department, when, verdict=None, deduction=0):
        c = services.create_complaint(
            center=center, channel="phone", content="反映", department=department, received_at=when
        )
        if verdict is not None:
            services.assign_complaint(complaint=c, assignee=admin_user, actor=admin_user)
            services.resolve_complaint(
                complaint=c, valid=verdict, resolution="答复", deduction=deduction, actor=admin_user
            )

    complaint(a, at(5, 3), True, 2)
    complaint(a, at(5, 4), False)
    complaint(a, at(5, 5))
    complaint(a, at(4, 5), True, 9)  # April: outside
    complaint(b, at(5, 6), True, "1.5")
    complaint(None, at(5, 7), True)

    kinds = AssistRecord.Kind
    for department, staff, kind, count in (
        (a, ca, kinds.HOME_VISIT, 30),
        (a, None, kinds.HOME_VISIT, 20),
        (a, None, kinds.AFTER_HOURS, 34),
        (a, None, kinds.COACHING, 60),
        (a, None, kinds.WEEKEND, 100),
        (b, None, kinds.HOME_VISIT, 36),
        (b, None, kinds.COACHING, 57),
        (b, None, kinds.WEEKEND, 54),
    ):
        services.record_assist(
            center=center,
            kind=kind,
            department=department,
            staff=staff,
            date=dt.date(2026, 5, 9),
            count=count,
        )
    services.record_assist(
        center=center, kind=kinds.WEEKEND, department=a, date=dt.date(2026, 6, 6), count=10
    )
    return {"a": a, "b": b, "ca": ca, "cb": cb, "wa": wa}


def test_department_figures_match_the_hand_count(center, month):
    figures = selectors.department_figures(center_id=center.pk, start=MAY[0], end=MAY[1])
    a = figures[month["a"].pk]
    # 4 served tickets + the online case + the window case accepted without a ticket
    assert a["services_completed"] == 6
    assert a["invitations"] == 5
    assert a["invitation_rate"] == pytest.approx(5 / 6)
    assert a["invitations_rated"] == 5
    assert a["participation_rate"] == 1.0
    assert a["ratings"] == 6
    assert a["ratings_by_level"] == {5: 1, 4: 2, 3: 1, 2: 1, 1: 1}
    assert a["good_rate"] == pytest.approx(4 / 6)
    assert a["bad_ratings"] == 2
    assert a["bad_valid"] == 2  # the unit found bad_hotline 不属实, but never appealed it
    assert a["bad_rectified"] == 1
    assert a["rectifications_due"] == 2
    assert a["rectified_on_time"] == 1
    assert a["rectification_on_time_rate"] == 0.5
    assert (a["complaints"], a["complaints_valid"], a["complaint_deductions"]) == (
        3,
        1,
        Decimal("2"),
    )
    assert a["complaints_invalid"] == 1
    assert a["assists_total"] == 244

    b = figures[month["b"].pk]
    assert (b["services_completed"], b["invitations"], b["invitations_rated"]) == (2, 2, 1)
    assert b["participation_rate"] == 0.5
    assert b["ratings"] == 1  # the upheld appeal's rating is out
    assert b["ratings_by_level"] == {5: 1, 4: 0, 3: 0, 2: 0, 1: 0}
    assert b["good_rate"] == 1.0 and b["bad_ratings"] == 0
    assert b["rectifications_due"] == 0 and b["rectification_on_time_rate"] is None
    assert b["complaint_deductions"] == Decimal("1.5")
    assert b["assists_total"] == 147


def test_center_figures_and_the_seed_000_assisted_services(center, month):
    c = selectors.center_figures(center_id=center.pk, start=MAY[0], end=MAY[1])
    assert c["services_completed"] == 8
    assert c["invitations"] == 7
    assert c["invitation_rate"] == pytest.approx(7 / 8)
    assert c["participation_rate"] == pytest.approx(6 / 7)
    assert c["ratings"] == 7
    # 线上 / 线下: the six given through the link on the web, the 12345 hotline's one
    assert (c["ratings_online"], c["ratings_offline"]) == (6, 1)
    assert c["ratings_by_level"] == {5: 2, 4: 2, 3: 1, 2: 1, 1: 1}
    assert c["good_rate"] == pytest.approx(5 / 7)
    # seed 004's "非常满意占到100%": the share of 非常满意 among the ratings
    assert (c["very_satisfied"], c["very_satisfied_rate"]) == (2, pytest.approx(2 / 7))
    assert c["bad_ratings"] == 2
    assert c["complaints"] == 5 and c["complaints_valid"] == 3 and c["complaints_invalid"] == 1
    assert c["complaint_deductions"] == Decimal("3.5")
    # Seed 000: 391 = 86 上门 + 34 延时 + 117 咨询辅导 + 154 双休日.
    assert c["assists_by_type"] == {
        "home_visit": 86,
        "after_hours": 34,
        "coaching": 117,
        "weekend": 154,
        "appointment": 0,
        "free_mail": 0,
        "free_seal": 0,
        "video": 0,
        "other": 0,
    }
    assert c["assists_total"] == 391


def test_staff_and_window_figures(center, month):
    staff = selectors.staff_figures(center_id=center.pk, start=MAY[0], end=MAY[1])
    ca = staff[month["ca"].pk]
    assert ca["services_completed"] == 6  # 4 tickets + the two cases they accepted without one
    assert ca["invitations"] == 5
    assert ca["ratings_by_level"] == {5: 1, 4: 2, 3: 1, 2: 0, 1: 1}
    assert ca["assists_total"] == 30
    assert staff[month["cb"].pk]["ratings"] == 1
    windows = selectors.window_figures(center_id=center.pk, start=MAY[0], end=MAY[1])
    wa = windows[month["wa"].pk]
    assert (wa["services_completed"], wa["invitations"]) == (5, 4)
    assert wa["assists_total"] == 0  # assisted services are not kept per window


def test_disclosure_lists_entered_departments(center, month):
    published = selectors.disclosure(center_id=center.pk, year=2026, month=5)
    by_name = {r["department"].name: r for r in published.rows}
    a = by_name[month["a"].name]
    assert (a["ratings"], a["bad_ratings"], a["bad_rectified"]) == (6, 2, 1)
    total = published.total
    assert total["ratings"] == sum(r["ratings"] for r in published.rows)
    assert total["ratings_by_level"].keys() == a["ratings_by_level"].keys()


def test_figures_cost_a_fixed_number_of_queries(center, month, django_assert_max_num_queries):
    # One per source, the centre's departments and staff, and one small query mapping the users
    # who accepted the cases to their StaffProfile ids (cheaper than joining every case to it).
    with django_assert_max_num_queries(9):
        selectors.department_figures(center_id=center.pk, start=MAY[0], end=MAY[1])


def test_an_empty_period_has_zero_counts_and_undefined_rates(center, department):
    figures = selectors.department_figures(
        center_id=center.pk, start=dt.date(2020, 1, 1), end=dt.date(2020, 1, 31)
    )
    row = figures[department.pk]
    assert row["ratings"] == 0 and row["good_rate"] is None and row["invitation_rate"] is None


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=1000), min_size=5, max_size=5))
def test_derived_rates_add_up(counts):
    row = selectors.empty_figures()
    row["ratings_by_level"] = dict(zip((5, 4, 3, 2, 1), counts, strict=True))
    selectors._derive(row)
    assert row["good_ratings"] + row["bad_ratings"] == row["ratings"] == sum(counts)
    assert row["very_satisfied"] == counts[0] <= row["good_ratings"]
    if row["ratings"]:
        assert 0 <= row["very_satisfied_rate"] <= row["good_rate"] <= 1
    else:
        assert row["good_rate"] is None and row["very_satisfied_rate"] is None


@pytest.fixture
def rated(center, department, admin_user, make_user):
    """Bad ratings of `department` today: `rated.bad(level)` rates one through its link,
    `rated.appeal(evaluation, upheld=…)` has the unit's lead verify it as 不属实 and appeal, and
    the centre decide."""
    window = WindowFactory(center=center, departments=[department])
    clerk = StaffProfileFactory(center=center, department=department, windows=[window])
    lead = make_user(Role.UNIT_LEAD, department=department)

    def bad(level=1):
        invitation = services.invite_for_ticket(
            ticket=served_ticket(staff=clerk, window=window), actor=clerk.user
        )
        return services.rate_with_link(
            token=links.sign_invitation(invitation.pk),
            level=level,
            rater_phone="13800001111",
            actor=None,
        )

    def appeal(evaluation, *, upheld, verify=True):
        if verify:
            services.verify_rectification(
                rectification=evaluation.rectification, valid=False, reason="不属实", actor=lead
            )
        filed = services.file_appeal(evaluation=evaluation, reason="恶意差评", actor=lead)
        services.decide_appeal(appeal=filed, upheld=upheld, actor=admin_user)

    return SimpleNamespace(bad=bad, appeal=appeal)


def test_only_an_upheld_appeal_takes_a_bad_rating_out_of_the_ranking(center, department, rated):
    """国办发〔2019〕51号 / DOMAIN.md: the unit that served verifies its bad rating, but only the
    centre, deciding an appeal, takes it out of the figures; the unit's own "不属实" does not."""
    rated.bad()  # not verified yet when the month is evaluated
    rated.appeal(rated.bad(2), upheld=False)  # the unit says 不属实, the centre disagrees
    rated.appeal(rated.bad(), upheld=True)  # the centre upholds the appeal
    today = timezone.localdate()
    for figures in (
        selectors.center_figures(center_id=center.pk, start=today, end=today),
        selectors.department_figures(center_id=center.pk, start=today, end=today)[department.pk],
    ):
        assert (figures["ratings"], figures["bad_ratings"]) == (2, 2)
        assert figures["bad_valid"] == 2


def test_an_upheld_appeal_takes_a_closed_rectification_out_of_the_on_time_rate(
    center, department, admin_user, rated
):
    evaluation = rated.bad()
    rect = evaluation.rectification
    close_borne_out(rect, admin_user)
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    Rectification.objects.filter(pk=rect.pk).update(deadline=yesterday)  # closed a day late

    def on_time():
        row = selectors.department_figures(center_id=center.pk, start=yesterday, end=today)
        row = row[department.pk]
        return row["rectifications_due"], row["rectified_on_time"]

    def listed_overdue():
        return (
            set(selectors.rectification_list(scope_for(admin_user), overdue=True)),
            Rectification.objects.get(pk=rect.pk).is_overdue(),
        )

    assert on_time() == (1, 0)
    assert listed_overdue() == ({rect}, True)
    rated.appeal(evaluation, upheld=True, verify=False)
    assert on_time() == (0, 0)
    assert listed_overdue() == (set(), False)  # the list and its 超期 badge agree with the figures
    # Taken out of the figures, never undone: the rectification stays as it was closed.
    assert Rectification.objects.get(pk=rect.pk).status == Rectification.Status.CLOSED


def test_while_the_period_runs_a_rectification_not_yet_due_is_not_counted_late(
    center, department, admin_user, rated
):
    """A period that ends next week: a rectification open with days to go is not yet due (it
    would read as late before its time); one due yesterday is; one closed early counts."""
    today = timezone.localdate()
    waiting, late, early = (rated.bad().rectification for _ in range(3))
    close_borne_out(early, admin_user)
    for rect, deadline in ((waiting, 3), (late, -1), (early, 3)):
        Rectification.objects.filter(pk=rect.pk).update(deadline=today + dt.timedelta(deadline))
    row = selectors.department_figures(
        center_id=center.pk, start=today - dt.timedelta(5), end=today + dt.timedelta(5)
    )[department.pk]
    assert (row["rectifications_due"], row["rectified_on_time"]) == (2, 1)
    assert row["rectification_on_time_rate"] == 0.5
