"""Real-name bad ratings (国办发〔2019〕51号: every real-name bad rating called back), the three
ways of rectification, and assisted services with households, quantity and money saved, every
count bounded (issue 17: a count of 2,147,483,647 was accepted and fed the ranking)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from govhall.core.errors import ValidationFailed
from govhall.core.roles import Role
from govhall.feedback import links, selectors, services
from govhall.feedback.models import MAX_COUNT, AssistRecord, Invitation, Rectification
from tests.feedback.factories import hotline_rating, served_ticket

pytestmark = pytest.mark.django_db

MAY = {"start": dt.date(2026, 5, 1), "end": dt.date(2026, 5, 31)}
INT_MAX = 2_147_483_647


def at(month: int, day: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, 10))


def walk(rect, actor, *, valid=True, kind="immediate", rectify_by=None, reached=False):
    rect = services.verify_rectification(
        rectification=rect, valid=valid, reason="核实", actor=actor
    )
    rect = services.rectify(
        rectification=rect, measures="措施", kind=kind, rectify_by=rectify_by, actor=actor
    )
    satisfaction = "satisfied" if reached else ""
    return services.record_callback(
        rectification=rect, reached=reached, satisfaction=satisfaction, actor=actor
    )


# --- rectification kinds and callbacks ----------------------------------------------------------


def test_deadline_rectification_needs_its_date(center, department, admin_user):
    rect = hotline_rating(center, department, phone="13800001111", when=at(5, 6), ref="R1")
    rect = services.verify_rectification(
        rectification=rect.rectification, valid=True, reason="属实", actor=admin_user
    )
    for kind, by in (("deadline", None), ("deadline", dt.date(2020, 1, 1)), ("later", None)):
        with pytest.raises(ValidationFailed):
            services.rectify(
                rectification=rect, measures="建台账", kind=kind, rectify_by=by, actor=admin_user
            )
    by = timezone.localdate() + dt.timedelta(days=30)
    rect = services.rectify(
        rectification=rect, measures="建台账", kind="deadline", rectify_by=by, actor=admin_user
    )
    assert (rect.kind, rect.rectify_by) == ("deadline", by)
    event = rect.events.get(kind="rectified")
    assert event.details == {"how": "deadline", "rectify_by": by.isoformat()}


def test_a_rating_not_borne_out_is_only_explained(center, department, admin_user):
    rect = hotline_rating(center, department, phone="13800001111", when=at(5, 6), ref="R1")
    rect = services.verify_rectification(
        rectification=rect.rectification, valid=False, reason="不属实", actor=admin_user
    )
    with pytest.raises(ValidationFailed):
        services.rectify(rectification=rect, measures="整改", kind="immediate", actor=admin_user)
    rect.refresh_from_db()
    assert rect.status == Rectification.Status.VERIFIED and rect.kind == ""
    rect = services.rectify(
        rectification=rect, measures="依据规定作出说明", kind="explanation", actor=admin_user
    )
    assert rect.kind == "explanation" and rect.rectify_by is None


def test_a_rating_without_a_phone_cannot_be_reached(center, department, admin_user):
    anonymous = hotline_rating(center, department, phone="", when=at(5, 6), ref="R1")
    with pytest.raises(ValidationFailed):
        walk(anonymous.rectification, admin_user, reached=True)
    rect = Rectification.objects.get(pk=anonymous.rectification.pk)
    assert rect.status == Rectification.Status.RECTIFIED and rect.callback_reached is None
    rect = services.record_callback(rectification=rect, reached=False, actor=admin_user)
    assert rect.callback_reached is False


def test_callback_rate_of_real_name_bad_ratings(
    center, department, other_department, admin_user, make_user
):
    """May: A real-name reached (immediate), B real-name not reached (deadline), C anonymous
    (explanation, not borne out), D real-name taken out by an upheld appeal, E in June.
    Real-name 2 (A, B), reached 1 → 50 %; anonymous 1; by kind 1 / 1 / 1."""
    a = hotline_rating(center, department, phone="13800000001", when=at(5, 6), ref="A")
    b = hotline_rating(center, department, phone="13800000002", when=at(5, 7), ref="B")
    c = hotline_rating(center, other_department, phone="", when=at(5, 8), ref="C")
    d = hotline_rating(center, department, phone="13800000004", when=at(5, 9), ref="D")
    hotline_rating(center, department, phone="13800000005", when=at(6, 1), ref="E")
    walk(a.rectification, admin_user, reached=True)
    later = timezone.localdate() + dt.timedelta(days=10)
    walk(b.rectification, admin_user, kind="deadline", rectify_by=later)
    walk(c.rectification, admin_user, valid=False, kind="explanation")
    lead = make_user(Role.UNIT_LEAD, department=department)
    appeal = services.file_appeal(evaluation=d, reason="恶意差评", actor=lead)
    services.decide_appeal(appeal=appeal, upheld=True, actor=admin_user)
    figures = selectors.callback_figures(center_id=center.pk, **MAY)
    assert figures.total == {
        "realname_bad": 2,
        "realname_reached": 1,
        "realname_callback_rate": 0.5,
        "anonymous_bad": 1,
        "by_kind": {"immediate": 1, "deadline": 1, "explanation": 1},
    }
    assert figures.by["department"][department.pk]["realname_callback_rate"] == 0.5
    assert figures.by["department"][other_department.pk]["realname_callback_rate"] is None
    api = APIClient()
    api.force_authenticate(admin_user)
    body = api.get(
        "/api/feedback/figures/callbacks/", {"start": "2026-05-01", "end": "2026-05-31"}
    ).json()
    assert body == [{"key": None, **figures.total}]


def test_the_rating_page_asks_a_bad_rater_for_a_phone(client, clerk, window):
    invitation = services.invite_for_ticket(
        ticket=served_ticket(staff=clerk, window=window, phone=""), actor=clerk.user
    )
    url = reverse("feedback:rate", args=[links.sign_invitation(invitation.pk)])
    response = client.post(url, {"level": "1"})
    assert response.status_code == 200
    assert "差评请留下手机号,以便" in response.content.decode()
    assert not Invitation.objects.filter(pk=invitation.pk, used_at__isnull=False)
    response = client.post(url, {"level": "1", "rater_phone": "13911112222x"})
    assert "差评请留下手机号,以便" not in response.content.decode()
    assert not Invitation.objects.filter(pk=invitation.pk, used_at__isnull=False)
    client.post(url, {"level": "1", "rater_phone": "13911112222"})
    invitation.refresh_from_db()
    assert invitation.used_at is not None
    assert invitation.evaluation.rater_phone == "13911112222"


# --- assisted services ----------------------------------------------------------------------


def test_free_seals_carry_households_quantity_and_saving(center, department):
    """Seed 004: 免费刻章 673 户 / 3,311 枚 / 节省 52.9 万元, recorded over two days."""
    for day, households, quantity, saving in (
        (dt.date(2026, 5, 6), 400, 2000, Decimal("320000")),
        (dt.date(2026, 5, 7), 273, 1311, Decimal("209000")),
    ):
        services.record_assist(
            center=center,
            kind=AssistRecord.Kind.FREE_SEAL,
            department=department,
            date=day,
            count=households,
            households=households,
            quantity=quantity,
            unit="枚",
            saving=saving,
        )
    totals = selectors.assist_totals(center_id=center.pk, **MAY)
    assert totals["free_seal"] == {
        "count": 673,
        "households": 673,
        "quantity": 3311,
        "saving": Decimal("529000"),
    }
    assert totals["total"]["quantity"] == 3311
    assert totals["home_visit"]["count"] == 0


@pytest.mark.parametrize(
    "field",
    [
        {"count": INT_MAX},
        {"count": 0},
        {"households": INT_MAX},
        {"quantity": -1},
        {"saving": Decimal("-1")},
        {"saving": Decimal("1e10")},
    ],
)
def test_out_of_bound_assist_figures_are_refused(center, department, field):
    with pytest.raises(ValidationFailed):
        services.record_assist(
            center=center,
            kind=AssistRecord.Kind.HOME_VISIT,
            department=department,
            date=dt.date(2026, 5, 6),
            **field,
        )
    assert not AssistRecord.objects.exists()


def test_the_database_refuses_an_unbounded_count(center, department):
    with pytest.raises(IntegrityError), transaction.atomic():
        AssistRecord.objects.create(
            center=center,
            kind=AssistRecord.Kind.HOME_VISIT,
            department=department,
            date=dt.date(2026, 5, 6),
            count=INT_MAX,
        )


def test_api_and_page_refuse_an_unbounded_count(make_user, department, client):
    api = APIClient()
    user = make_user(Role.WINDOW_STAFF, department=department)
    api.force_authenticate(user)
    payload = {"kind": "home_visit", "department": department.pk, "date": "2026-05-06"}
    response = api.post("/api/feedback/assists/", {**payload, "count": INT_MAX}, format="json")
    assert response.status_code == 400 and response.json()["code"]
    client.force_login(user)
    page = client.post(
        reverse("feedback:assists"),
        {**payload, "count": INT_MAX, "households": 0, "quantity": 0, "saving": 0},
    )
    assert page.status_code == 200 and "10000" in page.content.decode()
    assert not AssistRecord.objects.exists()
    response = api.post(
        "/api/feedback/assists/",
        {**payload, "count": 3, "households": 3, "quantity": 9, "unit": "枚", "saving": "150.5"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["saving"] == "150.50"


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    records=st.lists(
        st.tuples(
            st.sampled_from(AssistRecord.Kind.values),
            st.integers(1, MAX_COUNT),
            st.integers(0, MAX_COUNT),
            st.decimals(min_value=0, max_value=10_000_000, places=2),
        ),
        max_size=6,
    )
)
def test_totals_add_up_by_kind(center, department, records):
    AssistRecord.objects.all().delete()
    for kind, count, households, saving in records:
        services.record_assist(
            center=center,
            kind=kind,
            department=department,
            date=dt.date(2026, 5, 6),
            count=count,
            households=households,
            saving=saving,
        )
    totals = selectors.assist_totals(center_id=center.pk, **MAY)
    for kind in AssistRecord.Kind.values:
        mine = [r for r in records if r[0] == kind]
        assert totals[kind]["count"] == sum(r[1] for r in mine)
        assert totals[kind]["households"] == sum(r[2] for r in mine)
        assert totals[kind]["saving"] == sum((r[3] for r in mine), Decimal("0"))
    assert totals["total"]["count"] == sum(r[1] for r in records)


def test_a_known_phone_is_not_asked_again(client, clerk, window):
    """The ticket was taken with a phone: the bad rating is real-name without typing it."""
    invitation = services.invite_for_ticket(
        ticket=served_ticket(staff=clerk, window=window, phone="13800000009"), actor=clerk.user
    )
    url = reverse("feedback:rate", args=[links.sign_invitation(invitation.pk)])
    client.post(url, {"level": "2"})
    invitation.refresh_from_db()
    assert invitation.evaluation.rater_phone == "13800000009"
