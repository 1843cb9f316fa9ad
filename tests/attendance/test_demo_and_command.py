import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Max
from django.utils import timezone

from govhall.attendance import demo
from govhall.attendance.models import (
    AttendanceRecord,
    Inspection,
    LeaveRequest,
    Punch,
    Timetable,
)
from govhall.core.roles import Role

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent(center, staff, unit_lead, admin_user, inspector):
    assert demo.load_demo(center, password="x") == []
    counts = [
        m.objects.count() for m in (Timetable, Punch, AttendanceRecord, LeaveRequest, Inspection)
    ]
    assert all(counts), counts
    demo.load_demo(center, password="x")
    assert counts == [
        m.objects.count() for m in (Timetable, Punch, AttendanceRecord, LeaveRequest, Inspection)
    ]
    # Derived through yesterday, as the nightly run leaves it: nobody is absent today for want
    # of the punches today has not finished giving.
    assert AttendanceRecord.objects.aggregate(last=Max("date"))["last"] < timezone.localdate()


def test_demo_without_an_administrator_only_sets_up(center, make_user):
    make_user(Role.INSPECTOR)
    demo.load_demo(center, password="x")
    assert Timetable.objects.exists() and not Punch.objects.exists()


def test_command(center, timetable, staff, capsys):
    call_command("attendance_derive", date="2026-10-09", end="2026-10-10")
    assert AttendanceRecord.objects.filter(date=dt.date(2026, 10, 10)).count() == 2
    with pytest.raises(CommandError):
        call_command("attendance_derive", date="10/09/2026")
    with pytest.raises(CommandError):
        call_command("attendance_derive", date="2026-10-09", center="999999")
