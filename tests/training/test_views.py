"""The training pages and API: what each role sees and may do, through the same services."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from govhall.core.roles import Role
from govhall.training import services
from govhall.training.models import Rotation, TrainingAttendance, TrainingSession
from tests.factories import DepartmentFactory, WindowFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(office, center):
    return services.create_session(
        actor=office,
        center_id=center.pk,
        title="服务礼仪培训",
        topic=TrainingSession.Topic.ETIQUETTE,
        held_on=timezone.localdate(),
        hours=Decimal(2),
    )


def test_pages_render_for_the_office(client, office, session):
    client.force_login(office)
    for name, args in [
        ("year", []),
        ("session_create", []),
        ("session", [session.pk]),
        ("rotation_create", []),
    ]:
        assert client.get(reverse(f"training:{name}", args=args)).status_code == 200, name


@pytest.mark.parametrize("year", ["abc", "1999", "99999999999999999999", "２０２６"])
def test_any_year_parameter_shows_a_year(client, office, year):
    client.force_login(office)
    response = client.get(reverse("training:year"), {"year": year})
    assert response.status_code == 200
    assert f"{timezone.localdate().year}年培训与轮岗" in response.text


def test_anonymous_is_sent_to_login(client, session):
    response = client.get(reverse("training:session", args=[session.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_office_plans_a_session_on_its_page(client, office, center):
    tax = DepartmentFactory(center=center)
    client.force_login(office)
    response = client.post(
        reverse("training:session_create"),
        {
            "title": "受理平台操作培训",
            "topic": "platform",
            "held_on": "2026-04-08",
            "hours": "3",
            "provider": "center",
            "departments": [tax.pk],
        },
    )
    session = TrainingSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("training:session", args=[session.pk])
    assert list(session.departments.all()) == [tax]


def test_a_bad_form_shows_errors_and_records_nothing(client, office):
    client.force_login(office)
    response = client.post(
        reverse("training:session_create"),
        {"title": "", "topic": "magic", "held_on": "2026-02-30", "hours": "99"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"title", "topic", "held_on", "hours"}
    assert not TrainingSession.objects.exists()


def test_attendance_is_recorded_on_the_session_page(client, office, session, staff_of):
    clerk, other = staff_of(DepartmentFactory(center=session.center), 2)
    client.force_login(office)
    response = client.post(
        reverse("training:attendance", args=[session.pk]),
        {"present": [str(clerk.pk), "x", "-1"]},
        follow=True,
    )
    assert "参训情况已保存" in response.text
    assert dict(session.attendances.values_list("staff_id", "present")) == {
        clerk.pk: True,
        other.pk: False,
    }


@pytest.mark.parametrize("role", [Role.WINDOW_STAFF, Role.UNIT_LEAD, Role.LEADER])
def test_other_roles_read_but_do_not_organise(client, make_user, department, session, role):
    user = make_user(role, department=department)
    client.force_login(user)

    assert client.get(reverse("training:year")).status_code == 200
    assert client.get(reverse("training:session", args=[session.pk])).status_code == 200
    assert client.get(reverse("training:session_create")).status_code == 403
    refused = client.post(reverse("training:cancel", args=[session.pk]), {"reason": "x"})
    assert refused.status_code == 403
    attendance = client.post(reverse("training:attendance", args=[session.pk]), {})
    assert attendance.status_code == 403
    session.refresh_from_db()
    assert session.state == TrainingSession.State.PLANNED
    assert not TrainingAttendance.objects.exists()


def test_a_unit_lead_registers_a_rotation_of_the_unit(client, make_user, center, staff_of):
    tax = DepartmentFactory(center=center)
    lead = make_user(Role.UNIT_LEAD, department=tax)
    (clerk,) = staff_of(tax)
    (outsider,) = staff_of(DepartmentFactory(center=center))
    window = WindowFactory(center=center)
    client.force_login(lead)

    page = client.get(reverse("training:rotation_create"))
    assert [s.pk for s in page.context["form"].fields["staff"].queryset] == [
        lead.staff_profile.pk,
        clerk.pk,
    ]
    refused = client.post(
        reverse("training:rotation_create"),
        {"staff": outsider.pk, "kind": "rotation", "to_post": "后台", "started_on": "2026-05-01"},
    )
    done = client.post(
        reverse("training:rotation_create"),
        {"staff": clerk.pk, "kind": "rotation", "to_window": window.pk, "started_on": "2026-05-01"},
    )

    assert refused.status_code == 200 and "staff" in refused.context["form"].errors
    assert done.status_code == 302
    assert list(Rotation.objects.values_list("staff_id", "to_window_id")) == [(clerk.pk, window.pk)]


def test_the_year_api_gives_the_figures_and_refuses_a_bad_year(client, office, session, staff_of):
    (clerk,) = staff_of(DepartmentFactory(center=session.center))
    services.record_attendance(actor=office, session_id=session.pk, present_staff_ids=[clerk.pk])
    client.force_login(office)
    year = timezone.localdate().year

    body = client.get("/api/training/year/", {"year": year}).json()
    bad = client.get("/api/training/year/", {"year": "9999"})

    assert (body["sessions_held"], body["attendances"], body["trained"]) == (1, 1, 1)
    assert bad.status_code == 400 and bad.json()["code"] == "validation_failed"
    assert client.get("/api/training/year/", {"year": dt.date.min.year}).status_code == 400


@pytest.mark.parametrize("key", ["99999999999999999999999", "-99999999999999999999999"])
def test_a_department_key_past_any_row_is_a_form_error_not_a_500(client, office, key):
    client.force_login(office)
    response = client.post(
        reverse("training:session_create"),
        {
            "title": "受理平台操作培训",
            "topic": "platform",
            "held_on": "2026-04-08",
            "hours": "3",
            "provider": "center",
            "departments": [key],
        },
    )
    assert response.status_code == 200
    assert "departments" in response.context["form"].errors
    assert not TrainingSession.objects.exists()
