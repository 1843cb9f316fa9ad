"""The attendance admin renders for the centre and keeps derived rows read-only."""

import pytest
from django.contrib import admin
from django.urls import reverse

from govhall.attendance import services
from govhall.attendance.models import AttendanceRecord, Punch
from tests.attendance.conftest import NOW
from tests.attendance.factories import at

pytestmark = pytest.mark.django_db

MODELS = [m for m in admin.site._registry if m._meta.app_label == "attendance"]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_changelists_render_for_the_centre_admin(client, admin_user, model, staff, timetable):
    Punch.objects.create(
        center=staff.center,
        staff=staff,
        punched_at=at("2026-10-09", "09:10"),
        kind=Punch.Kind.IN,
        source=Punch.Source.MACHINE,
    )
    services.derive_day(center=staff.center, day=at("2026-10-09", "00:00").date(), now=NOW)
    client.force_login(admin_user)
    opts = model._meta
    response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert response.status_code == 200


def test_derived_rows_cannot_be_edited(client, admin_user, staff, timetable):
    services.derive_day(center=staff.center, day=at("2026-10-09", "00:00").date(), now=NOW)
    record = AttendanceRecord.objects.first()
    client.force_login(admin_user)
    url = reverse("admin:attendance_attendancerecord_change", args=[record.pk])
    client.post(url, {"status": "present"})
    record.refresh_from_db()
    assert record.status == AttendanceRecord.Status.ABSENT


def test_unit_lead_admin_sees_only_their_unit(client, unit_lead, other_lead, staff):
    unit_lead.is_staff = True
    unit_lead.save()
    for person in (staff, other_lead.staff_profile):
        Punch.objects.create(
            center=person.center,
            staff=person,
            punched_at=at("2026-10-09", "09:00"),
            kind=Punch.Kind.IN,
            source=Punch.Source.MACHINE,
        )
    client.force_login(unit_lead)
    response = client.get(reverse("admin:attendance_punch_changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].result_list.values_list("staff_id", flat=True)) == [staff.pk]
